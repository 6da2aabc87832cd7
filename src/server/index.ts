// `relpack serve` and the server it starts: what the CLI, the entry points and the tests import.
// The server lives in start.ts so that serve-command.ts can load it lazily without importing this
// file back (the import-graph test refuses cycles).
export * from './start.js';
export { runServe } from './serve-command.js';
