/**
 * The options of a config file checked against the running command's own option table (the same
 * yargs table its flags come from): each key is a flag, written as on the command line
 * (`log-level`) or in camelCase (`logLevel`), and its value has the flag's type. What comes out is
 * keyed by the flag's name, ready for yargs, which lets the command line override it.
 */
import type { Options } from 'yargs';
import { UsageError } from './errors.js';
import { STACK_NAMES } from '../diagnose/types.js';

/** A command's options as yargs knows them: `type`, `choices`, `array` are what a value must fit. */
export type OptionTable = Readonly<Record<string, Pick<Options, 'type' | 'choices' | 'array'>>>;

/** Keys a config file may not set although the command has them: the file cannot name itself. */
const NOT_IN_A_FILE = new Set(['config', 'help', 'version']);

/**
 * `where` names the file in every message (`corscope.config.json`, `package.json ("corscope" key)`).
 * `target` has its own shape (one URL, or several with their ports): see checkTarget.
 */
export function checkConfigValues(config: unknown, options: OptionTable, where: string): Record<string, unknown> {
  if (!isPlainObject(config)) throw new UsageError(`${where}: must be an object of options (e.g. { "port": 8081 }), got ${describe(config)}`);
  const names = nameIndex(options);
  const values: Record<string, unknown> = {};
  const spelledAs = new Map<string, string>();
  for (const [key, value] of Object.entries(config)) {
    const flag = names.get(key);
    if (key === 'config') throw new UsageError(`${where}: 'config' cannot be set in a config file; name the file with --config on the command line`);
    if (flag === undefined) throw new UsageError(`${where}: unknown key '${key}'${hint(key, names, options)}`);
    const earlier = spelledAs.get(flag);
    if (earlier !== undefined) throw new UsageError(`${where}: '${earlier}' and '${key}' are the same option; keep one`);
    spelledAs.set(flag, key);
    values[flag] = flag === 'target' ? checkTarget(value, where) : checkValue(value, options[flag]!, key, where);
  }
  return values;
}

/** Every accepted spelling → the flag it means. */
function nameIndex(options: OptionTable): Map<string, string> {
  const names = new Map<string, string>();
  for (const flag of Object.keys(options)) {
    if (NOT_IN_A_FILE.has(flag)) continue;
    names.set(flag, flag);
    names.set(camelCase(flag), flag);
  }
  return names;
}

/** yargs' own camel-case expansion: `allow-origin` → `allowOrigin`. */
export function camelCase(flag: string): string {
  return flag.replace(/-+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A value of the option's type; an array option also takes a single value, as a flag given once. */
function checkValue(value: unknown, option: OptionTable[string], key: string, where: string): unknown {
  const choices = option.choices === undefined ? undefined : ([] as unknown[]).concat(option.choices);
  const fits = (item: unknown) => (choices ? choices.includes(item) : option.type === undefined || typeOf(item) === option.type);
  const wanted = choices ? `one of ${choices.join(', ')}` : `a ${option.type ?? 'value'}`;
  if (option.array) {
    if (Array.isArray(value) && value.every(fits)) return value;
    if (fits(value)) return [value];
    const many = choices ? `${wanted}, or an array of them` : `${wanted} or an array of ${option.type ?? 'value'}s`;
    throw new UsageError(`${where}: '${key}' must be ${many}, got ${describe(value)}`);
  }
  if (!fits(value)) throw new UsageError(`${where}: '${key}' must be ${wanted}, got ${describe(value)}`);
  return value;
}

/**
 * `target`: one URL, or several APIs, each a URL or `{ "url", "port"?, "publicUrl"?, "stack"? }` (the
 * several-target form the command line writes `URL=PORT`). Passed on as written: the command
 * checks the URLs themselves, with the same messages as for the flag.
 */
function checkTarget(value: unknown, where: string): string | unknown[] {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) {
    throw new UsageError(`${where}: 'target' must be a URL or an array of targets (each a URL or { "url": ..., "port": ... }), got ${describe(value)}`);
  }
  value.forEach((item, index) => checkTargetItem(item, `${where}: 'target[${index}]'`));
  return value;
}

const TARGET_KEYS = ['url', 'port', 'publicUrl', 'stack'];

function checkTargetItem(item: unknown, at: string): void {
  if (typeof item === 'string') return;
  if (!isPlainObject(item)) throw new UsageError(`${at} must be a URL or { "url": ..., "port": ... }, got ${describe(item)}`);
  for (const key of Object.keys(item)) {
    if (!TARGET_KEYS.includes(key)) throw new UsageError(`${at} has an unknown key '${key}' (a target takes ${TARGET_KEYS.join(', ')})${suggestion(key, TARGET_KEYS)}`);
  }
  if (typeof item.url !== 'string') throw new UsageError(`${at} needs a "url" string, got ${item.url === undefined ? 'none' : describe(item.url)}`);
  const { port, publicUrl } = item;
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new UsageError(`${at} "port" must be a whole number from 0 to 65535, got ${describe(port)}`);
  }
  if (publicUrl !== undefined && typeof publicUrl !== 'string') throw new UsageError(`${at} "publicUrl" must be a string, got ${describe(publicUrl)}`);
  const { stack } = item;
  if (stack !== undefined && !(STACK_NAMES as readonly unknown[]).includes(stack)) throw new UsageError(`${at} "stack" must be one of ${STACK_NAMES.join(', ')}, got ${describe(stack)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON's types in yargs' words; a number too big for a double (1e999) is no number. */
function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' && !Number.isFinite(value) ? 'infinite' : typeof value;
}

/** A value as the user wrote it in the file, short. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** What the user may have meant: `no-ui` is the command line's way to write `"ui": false`. */
function hint(key: string, names: ReadonlyMap<string, string>, options: OptionTable): string {
  const negated = /^no-?(.)(.*)$/.exec(key);
  const flag = negated ? names.get(negated[1]!.toLowerCase() + negated[2]!) : undefined;
  if (flag !== undefined && options[flag]?.type === 'boolean') return `; write "${flag}": false`;
  return suggestion(key, [...names.keys()]);
}

/** "; did you mean 'port'?" when a known key is a typo away (case, a swap, a letter or two). */
export function suggestion(key: string, known: readonly string[]): string {
  const limit = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best ? `; did you mean '${best.name}'?` : '';
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
