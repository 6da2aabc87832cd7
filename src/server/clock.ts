// Time as the server decides by it: when a presigned object-storage URL expires, the reset time of
// a 429, and how long a `delay` fault waits. Tests pass their own clock to step over time instead of
// sleeping through it (src/http/retry.ts takes its clock the same way). Timestamps written into
// records (created_at) and the pacing of slow-request/slow-response faults, which stand in for a
// slow network, stay on the system clock.
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerClock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: ServerClock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    await sleep(ms);
  },
};
