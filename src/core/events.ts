/**
 * Diagnostics channels core publishes on (node:diagnostics_channel), so that the process around it
 * can react without core knowing what it does.
 */

/** A file is about to be streamed (larger than what goes through memory): `{ name, size }`. */
export const LARGE_TRANSFER = 'relpack:large-transfer';
