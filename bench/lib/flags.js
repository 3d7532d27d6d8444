// The bench scripts' command lines.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** parseArgs, with a bad flag reported in one line (exit 2) instead of a stack trace. */
export function parseFlags(config, script) {
  try {
    return parseArgs(config);
  } catch (err) {
    console.error(`${err.message}; see the usage at the top of bench/${basename(fileURLToPath(script))}`);
    process.exit(2);
  }
}
