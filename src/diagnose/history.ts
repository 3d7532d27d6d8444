/**
 * What one server did before, folded answer by answer into a small summary (pure: the caller keeps
 * it, per target origin). Every list is bounded (the first ones seen are kept), and once the counts
 * stop the same object comes back, so a long session neither grows it nor copies it.
 */
import { firstHeaderValue } from '../cors/index.js';
import { sameName } from '../cors/header-list.js';
import type { HeaderLine } from '../cors/types.js';
import { pathOf } from './cause.js';
import { EMPTY_HISTORY, type Observation, type ServerHistory } from './types.js';

const MAX_ORIGINS = 8;
const MAX_PATHS = 16;
const MAX_IDENTITY = 6;
const MAX_LIST = 24;
/** Counts stop here: "many" is all the diagnosis needs, and a history that stops changing is not copied. */
const MAX_COUNT = 1_000;

/** Headers that say which software answered. */
const IDENTITY = new Set(['server', 'x-powered-by', 'via', 'x-aspnet-version', 'x-aspnetmvc-version', 'x-runtime']);

/** The lines of an answer that identify the software behind it. */
export function identityLines(headers: readonly HeaderLine[]): HeaderLine[] {
  return headers.filter(([name]) => IDENTITY.has(name.toLowerCase()));
}

export function observe(history: ServerHistory = EMPTY_HISTORY, observation: Observation): ServerHistory {
  const { headers } = observation.response;
  const withCors = hasCorsHeader(headers);
  const allowOrigin = withCors ? firstHeaderValue(headers, 'access-control-allow-origin') : undefined;
  const echoed = allowOrigin !== undefined && allowOrigin !== '*' && allowOrigin === firstHeaderValue(observation.request.headers, 'origin');
  // Lists keep what they saw first and stop growing when full: a page that asks for a new URL each
  // time costs no copy per answer, and any few paths are enough evidence.
  const full = history.pathsWithCors.length >= MAX_PATHS && history.echoPaths.length >= MAX_PATHS;
  const path = withCors && !full ? pathOf(observation.request.url) : '';
  const answers = Math.min(history.answers + 1, MAX_COUNT);
  const answersWithCors = Math.min(history.answersWithCors + (withCors ? 1 : 0), MAX_COUNT);
  const allowOrigins = allowOrigin === undefined ? history.allowOrigins : add(history.allowOrigins, allowOrigin, MAX_ORIGINS);
  const pathsWithCors = withCors && !full ? add(history.pathsWithCors, path, MAX_PATHS) : history.pathsWithCors;
  const echoPaths = echoed && !full ? add(history.echoPaths, path, MAX_PATHS) : history.echoPaths;
  const allowMethods = withCors ? learnList(history.allowMethods, firstHeaderValue(headers, 'access-control-allow-methods'), false) : history.allowMethods;
  const allowHeaders = withCors ? learnList(history.allowHeaders, firstHeaderValue(headers, 'access-control-allow-headers'), true) : history.allowHeaders;
  const allowsCredentials = history.allowsCredentials || (withCors && firstHeaderValue(headers, 'access-control-allow-credentials') === 'true');
  const identity = history.identity.length >= MAX_IDENTITY || !hasIdentity(headers) ? history.identity : mergeIdentity(history.identity, identityLines(headers));
  // Nothing new learned once the counts have stopped: the same object, nothing allocated.
  if (
    answers === history.answers &&
    answersWithCors === history.answersWithCors &&
    allowOrigins === history.allowOrigins &&
    pathsWithCors === history.pathsWithCors &&
    echoPaths === history.echoPaths &&
    allowMethods === history.allowMethods &&
    allowHeaders === history.allowHeaders &&
    allowsCredentials === history.allowsCredentials &&
    identity === history.identity &&
    (history.echoesOrigin || !echoed)
  ) {
    return history;
  }
  return { answers, answersWithCors, allowOrigins, pathsWithCors, echoesOrigin: history.echoesOrigin || echoed, echoPaths, allowMethods, allowHeaders, allowsCredentials, identity };
}

/** Any `Access-Control-*` line, found without allocating (this runs on every new kind of answer). */
function hasCorsHeader(headers: readonly HeaderLine[]): boolean {
  for (const [name] of headers) if (startsWithAscii(name, 'access-control-')) return true;
  return false;
}

/** `name` starts with `lower` (lower case) up to ASCII case, compared in place. */
function startsWithAscii(name: string, lower: string): boolean {
  if (name.length <= lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

function hasIdentity(headers: readonly HeaderLine[]): boolean {
  for (const [name] of headers) for (const known of IDENTITY) if (sameName(name, known)) return true;
  return false;
}

function add(list: readonly string[], item: string, max: number): readonly string[] {
  return list.length >= max || list.includes(item) ? list : [...list, item];
}

/** A list header's items added to what is known (methods keep their case; header names do not). */
function learnList(known: readonly string[], value: string | undefined, lower: boolean): readonly string[] {
  if (value === undefined || known.length >= MAX_LIST) return known;
  let learned: string[] | undefined;
  for (const item of value.split(',')) {
    const method = lower ? item.trim().toLowerCase() : item.trim();
    if (method === '' || known.includes(method) || learned?.includes(method)) continue;
    (learned ??= [...known]).push(method);
  }
  return learned ? learned.slice(0, MAX_LIST) : known;
}

function mergeIdentity(known: readonly HeaderLine[], lines: readonly HeaderLine[]): readonly HeaderLine[] {
  if (lines.length === 0) return known;
  const merged = [...known];
  for (const line of lines) if (!merged.some(([n, v]) => n.toLowerCase() === line[0].toLowerCase() && v === line[1])) merged.push(line);
  return merged.length === known.length ? known : merged.slice(0, MAX_IDENTITY);
}
