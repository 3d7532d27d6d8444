/** Reading a HAR file: its entries, or one line saying what is wrong and where. */
import { readFile } from 'node:fs/promises';
import { findJsonFault } from '../json-fault.js';
import { harEntries, type HarEntry } from './validate.js';

export type HarRead = { readonly entries: HarEntry[] } | { readonly error: string };

export async function readHarFile(path: string): Promise<HarRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a HAR file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    return { error: `${path}: ${why}` };
  }
  return parseHar(text, path);
}

/** `name` is how the file is named in messages. */
export function parseHar(text: string, name: string): HarRead {
  // Some exporters write a UTF-8 byte order mark, which JSON.parse refuses.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { error: `${name}: the file is empty` };
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    const fault = findJsonFault(body) ?? { line: 1, column: 1, reason: 'invalid JSON', truncated: false };
    const what = fault.truncated ? 'the file ends before the JSON does (truncated?)' : `not valid JSON: ${fault.reason}`;
    return { error: `${name}:${fault.line}:${fault.column}: ${what}` };
  }
  const entries = harEntries(root);
  if ('place' in entries) return { error: `${name}: ${entries.place}: ${entries.message}` };
  return { entries };
}
