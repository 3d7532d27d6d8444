import type { Observation } from './cases.js';
import type { CallOutcome } from './page-client.js';

/** What a call did, in the fields both the live run and the fixture have. */
export interface JsSummary {
  readonly ok: boolean;
  readonly status?: number;
  readonly type?: string;
  readonly events?: readonly string[];
}

export function jsSummary(c: CallOutcome): JsSummary {
  if (c.events) return { ok: c.ok, status: c.status, events: c.events };
  return c.ok ? { ok: true, status: c.status, type: c.type } : { ok: false };
}

export function recordedJsSummary(c: Observation['js'][number] & { events?: readonly string[] }): JsSummary {
  if (c.events) return { ok: c.ok, status: c.status, events: c.events };
  return c.ok ? { ok: true, status: c.status, type: c.type } : { ok: false };
}
