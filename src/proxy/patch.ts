/**
 * Patch mode (issue 4): apply the engine's PatchPlan to the response head. The plan is the one
 * source of truth for what Chrome needs; this file only edits header lines and says what changed.
 */
import { applyPatchPlan } from '../cors/index.js';
import type { HeaderLine, PatchPlan } from '../cors/types.js';
import type { PatchRecord } from '../log/record.js';

export interface PatchedHead {
  readonly status: number;
  readonly headers: HeaderLine[];
  /** Null when the plan changed nothing. */
  readonly record: PatchRecord | null;
}

export interface PatchPolicy {
  readonly patch: boolean;
  /** Origins patch mode may open the API to; empty means any (loopback use only, warned about). */
  readonly allowOrigins: readonly string[];
  /** Response headers to expose to the page (Access-Control-Expose-Headers). */
  readonly expose: readonly string[];
}

/** An Origin outside `--allow-origin` is forwarded and judged untouched. */
export function mayPatch(policy: PatchPolicy, origin: string | null): boolean {
  if (!policy.patch || origin === null) return false;
  return policy.allowOrigins.length === 0 || policy.allowOrigins.includes(origin);
}

/** `--expose` adds one line for actual requests; the engine's plan covers the rest. */
export function withExpose(plan: PatchPlan, expose: readonly string[], stage: 'preflight' | 'request'): PatchPlan {
  if (expose.length === 0 || stage !== 'request') return plan;
  const already = plan.set.some(([name]) => name.toLowerCase() === 'access-control-expose-headers');
  if (already) return plan;
  return { ...plan, set: [...plan.set, ['Access-Control-Expose-Headers', expose.join(', ')]] };
}

/** The engine applies its own plan; this turns what changed into the record's `patched` field. */
export function applyPatch(status: number, headers: readonly HeaderLine[], plan: PatchPlan): PatchedHead {
  const result = applyPatchPlan(status, headers, plan);
  const changed = result.removed.length > 0 || result.added.length > 0 || result.status !== status;
  const record: PatchRecord | null = changed
    ? {
        removed: result.removed.map(show),
        added: result.added.map(show),
        ...(result.status !== status ? { status: { from: status, to: result.status } } : {}),
        answeredPreflight: false,
      }
    : null;
  return { status: result.status, headers: result.headers, record };
}

function show([name, value]: HeaderLine): string {
  return `${name}: ${value}`;
}
