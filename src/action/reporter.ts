/** core's progress as action log lines: the same lines the CLI prints, through the secret mask. */
import * as core from '@actions/core';
import { formatBytes } from '../base/format.js';
import type { Reporter, TransferResult } from '../core/progress.js';

export function actionReporter(mask: (text: string) => string): Reporter {
  const line = (text: string) => core.info(mask(text));
  return {
    info: line,
    warn: (message) => core.warning(mask(message)),
    start: (verb, name, size) => line(`${verb} ${name} (${formatBytes(size)})`),
    progress: (_name, text) => line(`  ${text}`),
    done: (result) => line(describeResult(result)),
  };
}

export function describeResult(result: TransferResult): string {
  const sha = result.sha256 ? ` sha256:${result.sha256.slice(0, 12)}` : '';
  const note = result.note ? ` (${result.note})` : '';
  return `${result.status.padEnd(10)} ${result.name} ${formatBytes(result.size)}${sha}${note}`;
}
