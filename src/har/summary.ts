/** The one-line verdict on a whole HAR: `N requests, M cross-origin, K blocked (Code n, …)`. */
import type { HarAnalysis, Unanswered } from './analyze.js';

export interface HarSummary {
  readonly requests: number;
  readonly crossOrigin: number;
  readonly blocked: number;
  /** Blocked records by Chrome's error code, most frequent first. */
  readonly blockedByCode: Record<string, number>;
  /** Blocked only under a credentials mode the HAR does not show. */
  readonly conditional: number;
  readonly conditionalByCode: Record<string, number>;
  readonly unanswered: number;
}

/** What to run to hear Chrome's words for a request the HAR holds no response for. */
export function checkCommandFor(u: Unanswered): string {
  const method = u.method === 'GET' ? '' : ` -X ${u.method}`;
  return `corscope check '${u.url}'${method} --origin ${u.pageOrigin}`;
}

export function summarizeHar(analysis: HarAnalysis): HarSummary {
  const count = (verdict: 'blocked' | 'conditional') => {
    const byCode = new Map<string, number>();
    for (const { record } of analysis.records) {
      if (record.verdict !== verdict) continue;
      const code = record.chrome?.code ?? 'unknown';
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
    }
    const sorted = [...byCode].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return { total: sorted.reduce((n, [, c]) => n + c, 0), byCode: Object.fromEntries(sorted) };
  };
  const blocked = count('blocked');
  const conditional = count('conditional');
  return {
    requests: analysis.requests,
    crossOrigin: analysis.crossOrigin,
    blocked: blocked.total,
    blockedByCode: blocked.byCode,
    conditional: conditional.total,
    conditionalByCode: conditional.byCode,
    unanswered: analysis.unanswered.length,
  };
}

export function summaryLine(s: HarSummary): string {
  const codes = (byCode: Record<string, number>) =>
    Object.keys(byCode).length ? ` (${Object.entries(byCode).map(([code, n]) => `${code} ${n}`).join(', ')})` : '';
  let line = `${plural(s.requests, 'request')}, ${s.crossOrigin} cross-origin, ${s.blocked} blocked${codes(s.blockedByCode)}`;
  if (s.conditional > 0) line += `, ${s.conditional} blocked only with credentials${codes(s.conditionalByCode)}`;
  if (s.unanswered > 0) line += `, ${s.unanswered} without a response in the HAR (not judged)`;
  return line;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
