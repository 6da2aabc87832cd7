// Process entry for `relpack serve` without the CLI: `node --import tsx src/server/main.ts [flags]`.
// Tests and bench/server-memory.ts spawn this.
import { runServe } from './serve-command.js';

process.exitCode = await runServe(process.argv.slice(2));
