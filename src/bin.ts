#!/usr/bin/env node
/**
 * The `genpack` executable: runs the CLI with this process's argv, environment and streams.
 * `--version` answers before the rest of the bundle is loaded: scripts and CI images call it to
 * check what they have, and it should cost little more than starting Node.
 */
import pkg from '../package.json' with { type: 'json' };
import { tuneForTransfers } from './runtime.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${pkg.version}\n`);
} else {
  tuneForTransfers();
  void import('./cli.js').then(async ({ main }) => {
    // `serve` resolves only once it has stopped; everything else ends here.
    process.exitCode = await main(args, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
      cwd: process.cwd(),
    });
  });
}
