/**
 * The config file, for setups that outgrow flags: `--config FILE`, else `corscope.config.json` in
 * the working directory, else the `corscope` key of its `package.json`. Its keys are the running
 * command's flags; the command line overrides them (main.ts hands the values to yargs as a config
 * object, which yargs applies only where no flag was given). Every fault is a UsageError naming the
 * file, so a setup that is wrong stops with one line and exit 2 instead of running half-configured.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { checkConfigValues, type OptionTable } from './config-values.js';
import { BEHAVIOUR_FLAGS, BROWSER_FLAGS, LISTEN_FLAGS, LOG_FLAGS, PATCH_FLAGS } from './flags.js';
import { findJsonFault } from '../json-fault.js';
import { UI_FLAGS } from './ui.js';

export const CONFIG_FILE = 'corscope.config.json';
/** The key of package.json that holds corscope's options. */
export const PACKAGE_KEY = 'corscope';

export interface LoadedConfig {
  /** Absolute path of the file the values came from (a package.json when they came from its key). */
  readonly file: string;
  /** Keyed by flag name as on the command line (`log-level`), whichever spelling the file used. */
  readonly values: Record<string, unknown>;
}

/** What a running command sees when a config file was used: `args.configFile`, set by main.ts. */
export interface ConfigFlags {
  readonly configFile?: string;
}

export interface ConfigQuery {
  /** Where `corscope.config.json` and `package.json` are looked for, and what `path` is relative to. */
  readonly cwd: string;
  /** `--config FILE` as typed. */
  readonly path?: string;
  /** The running command's options, which are the keys a file may set (default: the proxy command's). */
  readonly options?: OptionTable;
}

/** The default command's options, for callers that have no yargs table at hand. */
export const PROXY_CONFIG_OPTIONS: OptionTable = {
  target: { type: 'string' },
  ...LISTEN_FLAGS,
  ...BEHAVIOUR_FLAGS,
  ...PATCH_FLAGS,
  ...LOG_FLAGS,
  ...BROWSER_FLAGS,
  ...UI_FLAGS,
};

/** The config to apply, or null when none is named and none is found. */
export function loadConfig({ cwd, path, options = PROXY_CONFIG_OPTIONS }: ConfigQuery): LoadedConfig | null {
  const source = path === undefined ? findConfig(cwd) : namedConfig(cwd, path);
  if (!source) return null;
  return { file: source.file, values: checkConfigValues(source.config, options, source.where) };
}

interface Source {
  readonly file: string;
  /** The file as messages name it. */
  readonly where: string;
  readonly config: unknown;
}

/** `--config FILE`: must exist. A package.json named there is read for its `corscope` key. */
function namedConfig(cwd: string, path: string): Source {
  if (path === '') throw new UsageError('--config needs a file name, e.g. --config corscope.config.json');
  const file = resolve(cwd, path);
  const text = readText(file, path, true)!;
  return basename(file) === 'package.json' ? (packageConfig(file, path, text) ?? noPackageKey(path)) : { file, where: path, config: parseJson(text, path) };
}

function findConfig(cwd: string): Source | null {
  const file = resolve(cwd, CONFIG_FILE);
  const text = readText(file, CONFIG_FILE, false);
  if (text !== undefined) return { file, where: CONFIG_FILE, config: parseJson(text, CONFIG_FILE) };
  const pkg = resolve(cwd, 'package.json');
  const pkgText = readText(pkg, 'package.json', false);
  return pkgText === undefined ? null : packageConfig(pkg, 'package.json', pkgText);
}

/** The `corscope` key of a package.json; a package.json without it is no config. */
function packageConfig(file: string, where: string, text: string): Source | null {
  const pkg = parseJson(text, where);
  if (typeof pkg !== 'object' || pkg === null || !Object.hasOwn(pkg, PACKAGE_KEY)) return null;
  return { file, where: `${where} ("${PACKAGE_KEY}" key)`, config: (pkg as Record<string, unknown>)[PACKAGE_KEY] };
}

function noPackageKey(where: string): never {
  throw new UsageError(`--config ${where}: has no "${PACKAGE_KEY}" key`);
}

/** The file's text; undefined when it does not exist and was not asked for by name. */
function readText(file: string, where: string, named: boolean): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return undefined;
    if (code === 'ENOENT') throw new UsageError(`--config ${where}: no such file`);
    throw new UsageError(`${where}: cannot read it: ${READ_FAULTS[code ?? ''] ?? (err as Error).message}`);
  }
  // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

const READ_FAULTS: Record<string, string> = {
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const fault = findJsonFault(text);
    if (!fault) throw new UsageError(`${where}: not valid JSON: ${(err as Error).message}`);
    throw new UsageError(`${where}: not valid JSON at line ${fault.line}, column ${fault.column}: ${fault.reason}`);
  }
}
