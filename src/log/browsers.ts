/**
 * The record's `browsers` field: what Firefox and Safari do with the exchange Chrome's verdict is
 * about. Worked out from the same exchange by the rules in `cors/browsers/`; `chrome`, `verdict` and
 * the diagnosis stay Chrome's.
 */
import { otherBrowsers, type BrowserVerdictKind, type OtherBrowser } from '../cors/browsers/index.js';
import type { Exchange, Verdict } from '../cors/types.js';
import type { ExchangeRecord } from './record.js';

export interface BrowserRecord {
  readonly verdict: BrowserVerdictKind;
  /** Exactly what the browser prints, in order; empty when it prints nothing (even for a block). */
  readonly lines: readonly string[];
}

export interface FirefoxRecord extends BrowserRecord {
  /** The reason of Firefox's first blocking line (`CORSMissingAllowOrigin`); null when it allows. */
  readonly reason: string | null;
}

export interface BrowsersRecord {
  readonly firefox: FirefoxRecord;
  readonly safari: BrowserRecord;
}

/** `auto`: only where Chrome blocks, depends or warns; `always`: every CORS exchange (`--browsers`). */
export type BrowsersMode = 'auto' | 'always';

export const BROWSER_NAMES = ['chrome', 'firefox', 'safari'] as const;
export type BrowserName = (typeof BROWSER_NAMES)[number];

/**
 * The field for one judged exchange, or undefined when it is not worth its cost: by the engines'
 * rules, and in 187 cases run in the three browsers, a call Chrome allows without a finding (other
 * than a redirect) is allowed by Firefox and Safari without a line, so the bulk of a working page's
 * traffic skips the work unless `--browsers` asks for it.
 */
export function browsersRecord(exchange: Exchange, verdict: Verdict, mode: BrowsersMode): BrowsersRecord | undefined {
  if (verdict.verdict === 'not-cors') return undefined;
  // A redirect is judged either way: where it leads (an ftp: URL) can stop Firefox and Safari.
  const redirect = exchange.response.status >= 300 && exchange.response.status < 400;
  if (mode === 'auto' && verdict.verdict === 'allowed' && verdict.findings.length === 0 && !redirect) return undefined;
  const { firefox, safari } = otherBrowsers(exchange);
  return {
    firefox: { verdict: firefox.verdict, lines: firefox.lines, reason: firefox.reason ?? null },
    safari: { verdict: safari.verdict, lines: safari.lines },
  };
}

/** Whether `browser` reaches another verdict than Chrome on this record (what the pretty view always shows). */
export function disagrees(record: Pick<ExchangeRecord, 'verdict' | 'browsers'>, browser: OtherBrowser): boolean {
  const other = record.browsers?.[browser];
  return other !== undefined && other.verdict !== record.verdict;
}

const TITLE: Record<OtherBrowser, string> = { firefox: 'Firefox', safari: 'Safari' };

/**
 * `msg` for someone working from that browser's bug report (`--headline firefox|safari`): its
 * first blocking line, or what it does instead when it prints none or does not block.
 */
export function browserHeadline(record: Pick<ExchangeRecord, 'verdict' | 'browsers' | 'chrome'>, browser: OtherBrowser): string | undefined {
  const other = record.browsers?.[browser];
  if (!other) return undefined;
  if (other.verdict === 'allowed') {
    return record.verdict === 'allowed' ? undefined : `${TITLE[browser]} allows this; Chrome: ${record.chrome?.message ?? record.verdict}`;
  }
  const line = other.lines.find((l) => !l.startsWith('Cross-Origin Request Warning')) ?? other.lines[0];
  if (line === undefined) return `${TITLE[browser]} blocks this without a console line${record.chrome ? `; Chrome: ${record.chrome.message}` : ''}`;
  return other.verdict === 'conditional' ? `blocked in ${TITLE[browser]} only with credentials: ${line}` : line;
}
