/**
 * Output for the one-shot commands (`check`, `har`): the proxy's records in the proxy's two forms.
 * `--json`: pino NDJSON, the same lines the proxy logs, then one `summary` record. Otherwise the
 * proxy's pretty view, then the summary as a plain line. Pretty is the default even when piped:
 * these commands mostly run in CI logs, which people read.
 */
import type { ExchangeRecord } from '../log/record.js';
import { levelFor } from '../log/record.js';
import { createLogger, type CorscopeLogger } from '../log/logger.js';
import { createPrettyStream, shouldColor } from '../log/pretty.js';
import type { OtherBrowser } from '../cors/browsers/index.js';

export type Tone = 'ok' | 'bad' | 'warn';

export interface Report {
  /** One exchange; `time` (epoch ms) is when it happened, for the pretty view's clock. */
  record(record: ExchangeRecord, time?: number): void;
  /** A line for the person reading the pretty view (JSON carries the same in the summary record). */
  note(text: string): void;
  /** The last line: a human sentence, and in JSON a `summary` record with these fields. */
  summary(fields: Record<string, unknown>, line: string, tone: Tone): void;
  close(): Promise<void>;
}

/** `browsers`: the other browsers the pretty view shows on every record (`check` shows both). */
export function openReport(json: boolean, out: NodeJS.WriteStream = process.stdout, browsers: readonly OtherBrowser[] = []): Report {
  return json ? jsonReport() : prettyReport(out, browsers);
}

function jsonReport(): Report {
  // Records are logged at the proxy's levels (debug for not-CORS), so nothing may be filtered out.
  const log: CorscopeLogger = createLogger({ format: 'json', level: 'debug' });
  return {
    record: (record) => log.logger[levelFor(record)](record),
    note: () => undefined,
    summary: (fields, line, tone) => log.logger[tone === 'ok' ? 'info' : tone === 'bad' ? 'error' : 'warn']({ event: 'summary', ...fields }, line),
    close: () => log.close(),
  };
}

function prettyReport(out: NodeJS.WriteStream, browsers: readonly OtherBrowser[]): Report {
  const colors = shouldColor(out);
  const pretty = createPrettyStream(out, { colors, browsers });
  const paint: Record<Tone, (text: string) => string> = {
    ok: (t) => (colors ? `\u001b[32m${t}\u001b[39m` : t),
    bad: (t) => (colors ? `\u001b[31m${t}\u001b[39m` : t),
    warn: (t) => (colors ? `\u001b[33m${t}\u001b[39m` : t),
  };
  return {
    record: (record, time) => pretty.write(JSON.stringify({ ...record, time: time ?? Date.now() })),
    note: (text) => void out.write(`${text}\n`),
    summary: (_fields, line, tone) => void out.write(`${paint[tone](line)}\n`),
    close: () => new Promise<void>((resolve) => (out.writableNeedDrain ? out.once('drain', () => resolve()) : resolve())),
  };
}
