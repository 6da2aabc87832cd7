/**
 * Process tuning for the shells that move large files (the CLI and the action), measured with
 * `npm run bench` (docs/benchmarks.md): it keeps a multi-GiB transfer's peak RSS near the
 * process's idle size instead of ~40 MiB above it.
 *
 * - undici parses HTTP with llhttp compiled to WebAssembly. V8 first compiles it with Liftoff,
 *   then re-optimises it with TurboFan, which costs ~35 MiB of peak RSS in a short-lived process
 *   and gains nothing measurable here: transfers are bound by SHA-256 and the socket.
 * - Each chunk read from a file or a socket is a new Buffer that dies at once. V8 collects them
 *   only when external memory has grown by 64 MiB, and glibc keeps the freed pages, so RSS climbs
 *   by that much. A minor GC (a scavenge of the young generation, well under a millisecond when it
 *   is nearly empty) every 20 ms frees them while they are still few.
 * Both are V8 settings made before anything else is loaded; neither changes behaviour.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'major' | 'minor' }) => void;

export function tuneForTransfers(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc | undefined;
  if (typeof gc === 'function') setInterval(() => gc({ type: 'minor' }), 20).unref();
}
