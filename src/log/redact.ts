import type { HeaderLine } from '../cors/types.js';

/** Header values that carry a session or a secret: never written to a log unless asked for. */
const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization']);

export const REDACTED = '[redacted]';

/** Their lengths: any other name is told apart without lower-casing it (a string per header line). */
const SECRET_LENGTHS = new Set([...SECRET_HEADERS].map((name) => name.length));

export function isSecretHeader(name: string): boolean {
  return SECRET_LENGTHS.has(name.length) && SECRET_HEADERS.has(name.toLowerCase());
}

/** A copy of the lines with secret values replaced; names, order and duplicates kept. */
export function redactLines(lines: readonly HeaderLine[]): HeaderLine[] {
  return lines.map(([name, value]) => [name, isSecretHeader(name) ? REDACTED : value] as const);
}
