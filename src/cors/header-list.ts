import type { HeaderLine } from './types.js';

/**
 * Raw header lines → the values Chrome reads. Chrome's `HttpResponseHeaders::GetNormalizedHeader`
 * joins every line of a name with ", " after the parser trimmed each value of spaces and tabs, so
 * two `Access-Control-Allow-Origin: *` lines read as `*, *`.
 */

/** Trims HTTP optional whitespace (SP, HTAB) only, as Chrome's HTTP parser does. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Every value of `name` (ASCII case-insensitive, as Chrome compares names), trimmed, in wire order. */
export function headerValues(headers: readonly HeaderLine[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [n, v] of headers) {
    if (sameName(n, wanted)) values.push(trimOws(v));
  }
  return values;
}

/**
 * `name` equals `lower` (already lower case) up to ASCII case, like Chromium's
 * `EqualsCaseInsensitiveASCII`: no lower-cased copy per line and per scan, and no Unicode folding
 * (`toLowerCase` would let the Kelvin sign U+212A stand for `k`).
 */
export function sameName(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  if (name === lower) return true;
  for (let i = 0; i < name.length; i++) {
    let code = name.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) code |= 0x20;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The first value of `name`, trimmed; undefined when absent (one scan, nothing allocated to find it). */
export function firstHeaderValue(headers: readonly HeaderLine[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [n, v] of headers) if (sameName(n, wanted)) return trimOws(v);
  return undefined;
}

/** The normalized value Chrome reads (lines joined with ", "), or null when the header is absent. */
export function normalizedHeader(headers: readonly HeaderLine[], name: string): string | null {
  const values = headerValues(headers, name);
  return values.length === 0 ? null : values.join(', ');
}

/** How many lines of `name` there are: two `Access-Control-Allow-Origin` lines are a finding of their own. */
export function headerLineCount(headers: readonly HeaderLine[], name: string): number {
  return headerValues(headers, name).length;
}

export function hasHeader(headers: readonly HeaderLine[], name: string): boolean {
  return firstHeaderValue(headers, name) !== undefined;
}

/**
 * `HttpUtil::ValuesIterator` over a normalized value: split on ",", trim each item, skip empty
 * items. Returns null when an item is not an RFC 9110 token (the whole header is then a parse error).
 */
export function parseTokenList(value: string | null): string[] | null {
  if (value === null) return [];
  const items: string[] = [];
  for (const raw of value.split(',')) {
    const item = trimOws(raw);
    if (item === '') continue;
    if (!isToken(item)) return null;
    items.push(item);
  }
  return items;
}

const SEPARATORS = new Set('()<>@,;:\\"/[]?={}');

/** `HttpUtil::IsToken`: non-empty, every byte 0x21–0x7E except separators. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x21 || code > 0x7e || SEPARATORS.has(value[i]!)) return false;
  }
  return true;
}
