import type { Argv } from 'yargs';

/**
 * One subcommand in its own file (proxy, demo; later check, har): main.ts only lists them. The
 * handler returns the exit code.
 */
export interface CliCommand<T = Record<string, unknown>> {
  readonly command: string | readonly string[];
  readonly describe: string;
  builder(yargs: Argv): Argv<T>;
  run(argv: T): Promise<number>;
}
