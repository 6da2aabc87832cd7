/**
 * Process tuning for the shells that move files (the CLI and the action), measured with
 * `npm run bench` (docs/benchmarks.md): it keeps a multi-GiB transfer's peak RSS near the
 * process's idle size instead of ~40 MiB above it, and a run over many small files cheap.
 *
 * - undici parses HTTP with llhttp compiled to WebAssembly. V8 first compiles it with Liftoff,
 *   then re-optimises it with TurboFan, which costs ~35 MiB of peak RSS in a short-lived process
 *   and gains nothing measurable here: transfers are bound by SHA-256 and the socket.
 * - Each chunk read from a file or a socket is a new Buffer that dies at once. V8 collects them
 *   only when external memory has grown by 64 MiB, and glibc keeps the freed pages, so RSS climbs
 *   by that much. A minor GC (a scavenge of the young generation, well under a millisecond when it
 *   is nearly empty) every 20 ms frees them while they are still few.
 * - Most commands run for a second or less: V8's JIT tiers (Sparkplug, then TurboFan on background
 *   threads) compile code that has no time left to pay for it. Publishing 500 small files took
 *   ~590 ms of CPU with them and ~450 ms interpreted. A streamed file is different: its per-chunk
 *   loop runs thousands of times (interpreted, a 1 GiB download took 2.2 s of user CPU instead of
 *   1.2 s), so the JIT is switched back on when core announces one (LARGE_TRANSFER). Not for
 *   `relpack serve`, which runs for long.
 * All are V8 settings made before anything else is loaded; none changes behaviour.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LARGE_TRANSFER } from './core/events.js';

type Gc = (options?: { type?: 'major' | 'minor' }) => void;

export function tuneForTransfers(options: { shortLived: boolean }): void {
  setFlagsFromString('--liftoff-only');
  if (options.shortLived) {
    setFlagsFromString('--no-sparkplug');
    setFlagsFromString('--no-turbofan');
    const jitOn = () => {
      setFlagsFromString('--sparkplug');
      setFlagsFromString('--turbofan');
      unsubscribe(LARGE_TRANSFER, jitOn);
    };
    subscribe(LARGE_TRANSFER, jitOn);
  }
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc | undefined;
  if (typeof gc === 'function') setInterval(() => gc({ type: 'minor' }), 20).unref();
}
