/**
 * What one server did before, folded answer by answer into a small summary (pure: the caller keeps
 * it, per target origin). Every list is bounded, so a long session cannot grow it.
 */
import { firstHeaderValue } from '../cors/index.js';
import type { HeaderLine } from '../cors/types.js';
import { corsHeaderNames, pathOf } from './cause.js';
import { EMPTY_HISTORY, type Observation, type ServerHistory } from './types.js';

const MAX_ORIGINS = 8;
const MAX_PATHS = 16;
const MAX_IDENTITY = 6;
const MAX_LIST = 24;
/** Counts stop here: "many" is all the diagnosis needs. */
const MAX_COUNT = 1_000_000;

/** Headers that say which software answered. */
const IDENTITY = new Set(['server', 'x-powered-by', 'via', 'x-aspnet-version', 'x-aspnetmvc-version', 'x-runtime']);

/** The lines of an answer that identify the software behind it. */
export function identityLines(headers: readonly HeaderLine[]): HeaderLine[] {
  return headers.filter(([name]) => IDENTITY.has(name.toLowerCase()));
}

export function observe(history: ServerHistory = EMPTY_HISTORY, observation: Observation): ServerHistory {
  const { headers } = observation.response;
  const withCors = corsHeaderNames(headers).length > 0;
  const allowOrigin = firstHeaderValue(headers, 'access-control-allow-origin');
  const requestOrigin = firstHeaderValue(observation.request.headers, 'origin');
  const identity = mergeIdentity(history.identity, identityLines(headers));
  const path = pathOf(observation.request.url);
  const allowOrigins = allowOrigin !== undefined && !history.allowOrigins.includes(allowOrigin) ? bounded([...history.allowOrigins, allowOrigin], MAX_ORIGINS) : history.allowOrigins;
  const echoed = allowOrigin !== undefined && allowOrigin !== '*' && allowOrigin === requestOrigin;
  const echoPaths = echoed && !history.echoPaths.includes(path) ? bounded([...history.echoPaths, path], MAX_PATHS) : history.echoPaths;
  const methods = withCors ? firstHeaderValue(headers, 'access-control-allow-methods') : undefined;
  const allowMethods = methods === undefined ? history.allowMethods : learnList(history.allowMethods, methods, false);
  const names = withCors ? firstHeaderValue(headers, 'access-control-allow-headers') : undefined;
  const allowHeaders = names === undefined ? history.allowHeaders : learnList(history.allowHeaders, names, true);
  const pathsWithCors = withCors && !history.pathsWithCors.includes(path) ? bounded([...history.pathsWithCors, path], MAX_PATHS) : history.pathsWithCors;
  return {
    answers: Math.min(history.answers + 1, MAX_COUNT),
    answersWithCors: Math.min(history.answersWithCors + (withCors ? 1 : 0), MAX_COUNT),
    allowOrigins,
    pathsWithCors,
    echoesOrigin: history.echoesOrigin || echoed,
    echoPaths,
    allowMethods,
    allowHeaders,
    allowsCredentials: history.allowsCredentials || firstHeaderValue(headers, 'access-control-allow-credentials') === 'true',
    identity,
  };
}

/** A list header's items added to what is known (methods keep their case; header names do not). */
function learnList(known: readonly string[], value: string, lower: boolean): readonly string[] {
  let learned: string[] | undefined;
  for (const item of value.split(',')) {
    const method = lower ? item.trim().toLowerCase() : item.trim();
    if (method === '' || known.includes(method) || learned?.includes(method)) continue;
    (learned ??= [...known]).push(method);
  }
  return learned ? bounded(learned, MAX_LIST) : known;
}

function mergeIdentity(known: readonly HeaderLine[], lines: readonly HeaderLine[]): readonly HeaderLine[] {
  if (lines.length === 0) return known;
  const merged = [...known];
  for (const line of lines) if (!merged.some(([n, v]) => n.toLowerCase() === line[0].toLowerCase() && v === line[1])) merged.push(line);
  return merged.length === known.length ? known : bounded(merged, MAX_IDENTITY);
}

/** The newest `max` items. */
function bounded<T>(items: T[], max: number): T[] {
  return items.length > max ? items.slice(items.length - max) : items;
}
