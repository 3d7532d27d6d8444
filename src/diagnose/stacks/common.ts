/**
 * Small pure helpers the stack profiles share: reading header lines, collecting fingerprints, and
 * spelling the names and lists that go into fixes. Nothing here knows a stack: each stack's
 * fingerprints and fix texts stay in its own file (adding a stack is adding one file).
 */
import type { HeaderLine } from '../../cors/types.js';
import type { FixContext, Fingerprint, StackEvidence } from '../types.js';

/** Header lines as sent: name and value, in wire order. */
export type Lines = readonly HeaderLine[];

// ---- header lines --------------------------------------------------------------------------------

/** The values of every line named `name` (given in lower case; matched case-insensitively), in order. */
export function headerValues(headers: Lines, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** The value of the first line named `name` (given in lower case), or undefined. */
export function headerValue(headers: Lines, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** Whether a line named `name` (given in lower case) is there. */
export function hasHeader(headers: Lines, name: string): boolean {
  return headers.some(([n]) => n.toLowerCase() === name);
}

/** Whether any Access-Control-* line is there. */
export function hasCorsHeader(headers: Lines): boolean {
  return headers.some(([n]) => n.toLowerCase().startsWith('access-control-'));
}

/** The answer's lines and each paired answer's (its preflight, the redirect), one list each, the answer's first. */
export function answerAndPaired(e: StackEvidence): Lines[] {
  return [e.headers, ...e.related.map((r) => r.headers)];
}

/** Every line the evidence holds as one list: the answer's, the paired answers', then the server's identity lines. */
export function everyLine(e: StackEvidence): Lines {
  return [...e.headers, ...e.related.flatMap((r) => r.headers), ...e.identity];
}

// ---- fingerprints --------------------------------------------------------------------------------

export type AddFingerprint = (evidence: string, weight: Fingerprint['weight']) => void;

/** A list of fingerprints and the `add` that fills it, keeping the first of any evidence given twice. */
export function fingerprintCollector(): { readonly found: Fingerprint[]; readonly add: AddFingerprint } {
  const found: Fingerprint[] = [];
  const add: AddFingerprint = (evidence, weight) => {
    if (!found.some((f) => f.evidence === evidence)) found.push({ evidence, weight });
  };
  return { found, add };
}

/** What an evidence string says when its line was seen on a paired answer, or on the server's earlier answers. */
export const ON_PAIRED = ' (on the paired answer)';
export const ON_EARLIER = ' (on earlier answers)';

/**
 * Adds `Name: value` as a strong fingerprint for every line named `name` (lower case) whose trimmed
 * value `matches`: on the answer, then its paired answers, then the server's earlier answers, the
 * last two said so (`Server: nginx (on the paired answer)`).
 */
export function markHeader(e: StackEvidence, add: AddFingerprint, name: string, matches: (value: string) => boolean): void {
  const mark = (lines: Lines, where: string) => {
    for (const [n, value] of lines) if (n.toLowerCase() === name && matches(value.trim())) add(`${n}: ${value}${where}`, 'strong');
  };
  mark(e.headers, '');
  mark(e.related.flatMap((r) => r.headers), ON_PAIRED);
  mark(e.identity, ON_EARLIER);
}

// ---- spelling fixes ------------------------------------------------------------------------------

/** `'text'`: a string in single quotes (JavaScript, Ruby). */
export const q = (s: string): string => `'${s}'`;

/** `"text"`: a string in double quotes (Python, Go, Java, C#). */
export const dq = (s: string): string => `"${s}"`;

/** `['a', 'b']`: a JavaScript array of strings. */
export const jsList = (items: readonly string[]): string => `[${items.map(q).join(', ')}]`;

/** `"a", "b"`: strings in double quotes, comma-separated (arguments, or the inside of a list). */
export const dqList = (items: readonly string[]): string => items.map(dq).join(', ');

/** `["a", "b"]`: a Python list of strings. */
export const pyList = (items: readonly string[]): string => `[${dqList(items)}]`;

/** `a, b, c`: the allowed items, then the missing ones, as one comma-separated header value. */
export const joinLists = (allowed: readonly string[], missing: readonly string[]): string => [...allowed, ...missing].join(', ');

/** Header names as people write them: `authorization` -> `Authorization`; a name sent with capitals kept. */
export function headerName(name: string): string {
  return name === name.toLowerCase() ? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()) : name;
}

/** The items without repeats, compared case-insensitively; the first spelling kept, order kept. */
export function unique(items: readonly string[]): string[] {
  const out: string[] = [];
  for (const item of items) if (!out.some((o) => o.toLowerCase() === item.toLowerCase())) out.push(item);
  return out;
}

/** `s` as a literal inside a regular expression. */
export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---- the fix context -----------------------------------------------------------------------------

/** The methods to allow: those found missing, else the call's own. */
export function neededMethods(ctx: FixContext): readonly string[] {
  return ctx.missingMethods.length > 0 ? ctx.missingMethods : [ctx.method];
}

/** The header names to allow, as the page sends them (lower case): those found missing, else every one it sends. */
export function neededHeaders(ctx: FixContext): readonly string[] {
  return ctx.missingHeaders.length > 0 ? ctx.missingHeaders : ctx.requestHeaders;
}

/** A methods list that keeps what is allowed (`allowed`, by default what the server sent) and adds what is needed. */
export function withNeededMethods(ctx: FixContext, allowed: readonly string[] = ctx.allowedMethods): string[] {
  return unique([...allowed, ...neededMethods(ctx)]);
}

/** A headers list that keeps what the server allows and adds what is needed, spelt as people write header names. */
export function withNeededHeaders(ctx: FixContext): string[] {
  return unique([...ctx.allowedHeaders, ...neededHeaders(ctx).map(headerName)]);
}

/** The line that allows the origin, and the one that allows credentials when the call needs them, one a line. */
export function originLines(ctx: FixContext, originLine: string, credentialsLine: string): string {
  return [originLine, ...(ctx.credentials ? [credentialsLine] : [])].join('\n');
}

/** The methods a hand-written preflight answer lists: the allowed ones plus the missing, else the call's and OPTIONS. */
export function preflightMethods(ctx: FixContext): string {
  return ctx.allowedMethods.length > 0 ? joinLists(ctx.allowedMethods, ctx.missingMethods) : `${ctx.method}, OPTIONS`;
}

const SIMPLE_METHODS = new Set(['GET', 'HEAD', 'POST']);

/** Whether the call is preceded by a preflight: a method other than GET, HEAD or POST, or headers to allow. */
export function needsPreflight(ctx: FixContext): boolean {
  return !SIMPLE_METHODS.has(ctx.method) || ctx.requestHeaders.length > 0;
}

/** A 401 or 403 preflight that carries CORS headers: still the authentication answering before CORS. */
export function authRefusedPreflight(ctx: FixContext): boolean {
  return ctx.code === 'preflight-status' && (ctx.status === 401 || ctx.status === 403);
}

/** The origins a malformed Access-Control-Allow-Origin meant: each item's scheme://host[:port], the page's among them. */
export function meantOrigins(ctx: FixContext): string[] {
  const items = (ctx.allowOrigin ?? '').split(/[\s,]+/);
  const origins = items.map((i) => /^['"]?(https?:\/\/[^/\s'"]+)/i.exec(i)?.[1]).filter((o): o is string => o !== undefined);
  return unique(origins.includes(ctx.origin) ? origins : [ctx.origin, ...origins]);
}

/** The path of a URL (absolute, or relative to the server), or undefined when it does not parse. */
export function pathOf(url: string): string | undefined {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/** The path a redirect points to, when it differs from the request's only by trailing slashes. */
export function slashTarget(path: string, location: string): string | undefined {
  const target = pathOf(location);
  if (target === undefined) return undefined;
  return target !== path && target.replace(/\/+$/, '') === path.replace(/\/+$/, '') ? target : undefined;
}
