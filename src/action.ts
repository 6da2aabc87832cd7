/**
 * The action's entry (action.yml `main: dist/index.js` is this file bundled): everything is in
 * src/action/; run() never throws, a failure ends in core.setFailed (exit status 1).
 */
import { run } from './action/run.js';

void run();
