#!/usr/bin/env node
/**
 * The `relpack` executable: runs the CLI with this process's argv, environment and streams.
 * `--version` answers before the rest of the bundle is loaded: scripts and CI images call it to
 * check what they have, and it should cost little more than starting Node.
 *
 * No V8 flag is changed at run time (v8.setFlagsFromString): Node documents that doing so after
 * the VM has started may crash or lose data. Flags that saved memory and CPU here were measured
 * and dropped for that reason (docs/benchmarks.md, "V8 flags set at run time").
 */
import pkg from '../package.json' with { type: 'json' };

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${pkg.version}\n`);
} else {
  // A reader that goes away (`relpack list | head -1`, `grep -q`) is not an error of relpack's:
  // stop quietly, as other command-line tools do, instead of Node's unhandled 'error' trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      process.exit(error.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
    });
  }
  const stderr = batchedWriter((text) => process.stderr.write(text));
  void import('./cli.js').then(async ({ main }) => {
    // `serve` resolves only once it has stopped; everything else ends here.
    process.exitCode = await main(args, {
      // Progress still pending goes out first: with 2>&1 the result is the last thing printed.
      stdout: (text) => {
        stderr.flush();
        process.stdout.write(text);
      },
      stderr: stderr.write,
      env: process.env,
      cwd: process.cwd(),
    });
  }).catch((error: unknown) => {
    // main renders every error it meets; this is for one that escapes it (a bug): a sentence, not a
    // stack trace, and the failure exit status.
    stderr.write(`relpack: error: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

/**
 * Progress lines written once per event-loop turn instead of one write each: a publish of 500
 * small files prints 1000 lines, and writes to a pipe (CI logs) are synchronous system calls
 * that also wake the reader each time. Nothing waits longer than the current turn, and whatever
 * is pending is written before the process exits.
 */
function batchedWriter(write: (text: string) => void): { write: (text: string) => void; flush: () => void } {
  let pending = '';
  const flush = () => {
    const text = pending;
    pending = '';
    if (text) write(text);
  };
  process.on('exit', flush);
  return {
    write: (text) => {
      if (!pending) setImmediate(flush);
      pending += text;
    },
    flush,
  };
}
