import type { Failure } from './checks.js';
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

function varyWithOrigin(vary: readonly string[]): string {
  const kept = vary.filter((v) => v !== '');
  return kept.length === 0 ? 'Origin' : `${kept.join(', ')}, Origin`;
}
