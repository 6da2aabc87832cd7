/**
 * core and the connection module speak the CLI's language (`--project`, `--if-exists replace`);
 * in an action log the same advice reads in the workflow's terms (`project:`, `if-exists: replace`),
 * so a message says which input to change. Quoted command lines (`relpack list --name x`) stay as
 * they are: they are commands to run.
 */
import { ACTION_INPUTS } from './interface.generated.js';

const FLAG = /(?<![\w-])--([a-z][a-z-]*)(?![\w-])/g;
const COMMAND_LINE = /(relpack (?:publish|download|list|delete|release|version|serve)\b[^\n]*)/;

export function inActionTerms(text: string): string {
  return text
    .split(COMMAND_LINE)
    .map((part, i) => (i % 2 === 1 ? part : translate(part)))
    .join('');
}

function translate(text: string): string {
  return text
    .replace(FLAG, (flag, name: string) => {
      if (name === 'no-verify') return '`verify: false`';
      return name in ACTION_INPUTS ? `\`${name}:\`` : flag;
    })
    .replace(/\(RELPACK_TOKEN\)/g, '(the token input, else RELPACK_TOKEN)');
}
