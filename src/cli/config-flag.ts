/**
 * `--config` in the CLI: the commands that run a proxy (the default one and `demo`) read the config
 * file while yargs builds them, and hand its values to yargs as a config object. yargs applies such
 * an object after the command line and before the defaults, and only to options the command line
 * did not set, so a flag overrides the file (array flags included: `--allow-origin` replaces the
 * file's list rather than adding to it).
 */
import type { Argv, Options } from 'yargs';
import { Parser } from 'yargs/helpers';
import { CONFIG_FILE, loadConfig, PACKAGE_KEY } from './config.js';
import type { OptionTable } from './config-values.js';
import { UsageError } from './errors.js';

export const CONFIG_OPTION = {
  type: 'string',
  describe: `Read options from this JSON file (default: ./${CONFIG_FILE}, else the "${PACKAGE_KEY}" key of ./package.json); keys are the flags' names, and flags override them. check and har read no config`,
} as const satisfies Options;

/** What the command line says of the config file, read before yargs parses it (the builder needs it). */
export interface ConfigRequest {
  readonly cwd: string;
  /** Every `--config FILE` as typed (more than one is an error, said by the commands that read it). */
  readonly paths: readonly string[];
  /** `--help` and `--version` read no file: a broken config must not hide the help that fixes it. */
  readonly skip: boolean;
}

export function configRequest(argv: readonly string[], cwd: string): ConfigRequest {
  const scanned = Parser([...argv], {
    string: ['config'],
    boolean: ['help', 'version'],
    alias: { help: ['h'] },
    configuration: { 'camel-case-expansion': false },
  }) as { config?: string | string[]; help?: boolean; version?: boolean };
  return { cwd, paths: [scanned.config ?? []].flat(), skip: scanned.help === true || scanned.version === true };
}

export interface ConfiguredBuilder {
  readonly builder: (yargs: Argv) => Argv;
  /** The file the values came from, once the builder has run; undefined when none was used. */
  file(): string | undefined;
}

/**
 * Wraps a command's builder: adds --config, then applies the file to the options the command
 * defined. `implicit: false` (the demo): only a file named with --config is read, since the one in
 * the working directory is the project's, written for fronting its own API.
 */
export function withConfig(builder: (yargs: Argv) => Argv, request: ConfigRequest, implicit = true): ConfiguredBuilder {
  let used: string | undefined;
  return {
    builder: (yargs) => {
      const built = builder(yargs).option('config', CONFIG_OPTION);
      if (request.skip) return built;
      const [path, ...more] = request.paths;
      if (more.length > 0) throw new UsageError('--config given more than once; name one file');
      if (path === undefined && !implicit) return built;
      const loaded = loadConfig({ cwd: request.cwd, ...(path === undefined ? {} : { path }), options: optionTable(built) });
      if (!loaded) return built;
      used = loaded.file;
      return built.config(loaded.values);
    },
    file: () => used,
  };
}

/** The shape of yargs' getOptions() this reads (untyped in @types/yargs). */
interface YargsOptions {
  readonly key: Record<string, unknown>;
  readonly string: readonly string[];
  readonly number: readonly string[];
  readonly boolean: readonly string[];
  readonly array: readonly string[];
  readonly choices: Record<string, Options['choices']>;
}

/**
 * The options the command's builder defined, read back from yargs, so the keys a file may set are
 * always exactly the command's flags, however its builder changes.
 */
function optionTable(yargs: Argv): OptionTable {
  const options = (yargs as unknown as { getOptions(): YargsOptions }).getOptions();
  const table: Record<string, OptionTable[string]> = {};
  for (const key of Object.keys(options.key)) {
    const type = options.boolean.includes(key) ? 'boolean' : options.number.includes(key) ? 'number' : options.string.includes(key) ? 'string' : undefined;
    const choices = options.choices[key];
    table[key] = { ...(type ? { type } : {}), ...(choices ? { choices } : {}), ...(options.array.includes(key) ? { array: true } : {}) };
  }
  return table;
}
