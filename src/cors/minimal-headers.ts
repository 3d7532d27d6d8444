import type { Failure } from './checks.js';
import { safeUrl } from './origin.js';
import type { ExchangeFacts } from './facts.js';
import type { HeaderLine, PatchPlan } from './types.js';

/**
 * The smallest response edit that makes Chrome accept the exchange under every credentials mode
 * that may apply. Patch mode applies exactly this; nothing else decides what to change.
 */

const ORIGIN_CODES = new Set([
  'WildcardOriginNotAllowed', 'MissingAllowOriginHeader', 'MultipleAllowOriginValues', 'InvalidAllowOriginValue',
  'AllowOriginMismatch', 'PreflightWildcardOriginNotAllowed', 'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues', 'PreflightInvalidAllowOriginValue', 'PreflightAllowOriginMismatch',
]);
const CREDENTIALS_CODES = new Set(['InvalidAllowCredentials', 'PreflightInvalidAllowCredentials']);

export const EMPTY_PATCH: PatchPlan = { remove: [], set: [] };

/** `failures` holds the failures of every credentials mode judged; `mayInclude` whether `include` may apply. */
export function minimalPatch(facts: ExchangeFacts, failures: readonly Failure[], mayInclude: boolean): PatchPlan {
  if (failures.length === 0) return EMPTY_PATCH;
  const codes = new Set(failures.map((f) => f.code));
  const has = (set: Set<string>) => [...codes].some((c) => set.has(c));
  const set: HeaderLine[] = [];
  const remove: string[] = [];
  let status: number | undefined;

  const originFails = has(ORIGIN_CODES);
  if (originFails) {
    set.push(['Access-Control-Allow-Origin', facts.origin]);
    if (!facts.vary.includes('origin') && !facts.vary.includes('*')) set.push(['Vary', varyWithOrigin(facts.vary)]);
  }
  if ((originFails && mayInclude && facts.allowCredentials !== 'true') || has(CREDENTIALS_CODES)) {
    set.push(['Access-Control-Allow-Credentials', 'true']);
  }
  if (codes.has('RedirectContainsCredentials') && facts.location !== null) {
    set.push(['Location', withoutCredentials(facts.location)]);
  }
  if (facts.stage === 'preflight') {
    if (codes.has('PreflightDisallowedRedirect')) remove.push('location');
    if (codes.has('PreflightDisallowedRedirect') || codes.has('PreflightInvalidStatus')) status = 204;
    if (codes.has('InvalidAllowMethodsPreflightResponse') || codes.has('MethodDisallowedByPreflightResponse')) {
      set.push(['Access-Control-Allow-Methods', facts.method]);
    }
    if (codes.has('InvalidAllowHeadersPreflightResponse') || codes.has('HeaderDisallowedByPreflightResponse')) {
      set.push(['Access-Control-Allow-Headers', facts.requestedHeaders.join(', ')]);
    }
  }
  return { ...(status !== undefined ? { status } : {}), remove, set };
}

function withoutCredentials(location: string): string {
  const url = safeUrl(location);
  if (url === null) return location;
  url.username = '';
  url.password = '';
  return url.href;
}

function varyWithOrigin(vary: readonly string[]): string {
  const kept = vary.filter((v) => v !== '');
  return kept.length === 0 ? 'Origin' : `${kept.join(', ')}, Origin`;
}

export interface PatchedResponse {
  readonly status: number;
  readonly headers: HeaderLine[];
  /** The lines taken out, as they were. */
  readonly removed: HeaderLine[];
  /** The lines put in. */
  readonly added: HeaderLine[];
}

/**
 * Applies a plan to raw response lines: a set header replaces every line of its name at the place
 * of the first one (or at the end); every other line stays as it was, in order.
 */
export function applyPatchPlan(status: number, headers: readonly HeaderLine[], plan: PatchPlan): PatchedResponse {
  const setNames = new Map(plan.set.map((line) => [line[0].toLowerCase(), line]));
  const removeNames = new Set(plan.remove);
  const out: HeaderLine[] = [];
  const removed: HeaderLine[] = [];
  const added: HeaderLine[] = [];
  const placed = new Set<string>();
  for (const line of headers) {
    const lower = line[0].toLowerCase();
    const replacement = setNames.get(lower);
    if (replacement === undefined && !removeNames.has(lower)) {
      out.push(line);
      continue;
    }
    if (replacement !== undefined && !placed.has(lower)) {
      placed.add(lower);
      if (replacement[0] === line[0] && replacement[1] === line[1]) {
        out.push(line);
        continue;
      }
      out.push(replacement);
      added.push(replacement);
    }
    removed.push(line);
  }
  for (const [lower, line] of setNames) {
    if (placed.has(lower)) continue;
    out.push(line);
    added.push(line);
  }
  return { status: plan.status ?? status, headers: out, removed, added };
}
