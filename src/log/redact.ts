import type { HeaderLine } from '../cors/types.js';

/** Header values that carry a session or a secret: never written to a log unless asked for. */
const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization']);

export const REDACTED = '[redacted]';

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A copy of the lines with secret values replaced; names, order and duplicates kept. */
export function redactLines(lines: readonly HeaderLine[]): HeaderLine[] {
  return lines.map(([name, value]) => [name, isSecretHeader(name) ? REDACTED : value] as const);
}
