import { createCorscope, type CorscopeOptions, type ExchangeRecord } from '../../../src/index.js';
import type { StartFront } from './run-case.js';

/** corscope in front of a case's API, and every record it emitted for the case. */
export interface CorscopeFront {
  readonly start: StartFront;
  readonly records: ExchangeRecord[];
}

/**
 * corscope listens on 127.0.0.1 (its default); the page calls it as `localhost:<port>`, on the
 * API's hostname, as a developer would. It forwards to the scripted API on `localhost:<port>`.
 */
export function corscopeFront(options: Omit<CorscopeOptions, 'target' | 'port' | 'host'>): CorscopeFront {
  const records: ExchangeRecord[] = [];
  const start: StartFront = async (api, bump) => {
    records.length = 0; // a retried case starts over
    // The case is over when corscope closes: in-flight exchanges get a second, not the default five.
    const cs = createCorscope({ closeTimeoutMs: 1000, ...options, target: api.origin, host: '127.0.0.1', port: 0 });
    cs.on('exchange', (record) => {
      records.push(record);
      bump();
    });
    await cs.listen();
    const port = cs.port;
    if (port === undefined) throw new Error('corscope listened on no port');
    return { port, close: () => cs.close() };
  };
  return { start, records };
}

/** The lines corscope stands behind for a record that says Chrome blocks (or may block) it. */
export function linesOf(record: ExchangeRecord): string[] {
  if (!record.chrome) return [];
  return [record.chrome.message, record.chrome.variants.fetch, record.chrome.variants.xhr];
}

export const judgedBad = (r: ExchangeRecord): boolean => r.verdict === 'blocked' || r.verdict === 'conditional';

/** One line per record, for failure messages: `GET /api -> 200 blocked: <message>`. */
export function describeRecords(records: readonly ExchangeRecord[]): string {
  if (records.length === 0) return '(corscope logged no exchange)';
  return records
    .map((r) => {
      const p = r.patched;
      const edits = p ? [...(p.status ? [`status ${p.status.from}->${p.status.to}`] : []), ...p.removed.map((l) => `-${l}`), ...p.added.map((l) => `+${l}`)] : [];
      const patched = p ? ` [patched${p.answeredPreflight ? ', answered by corscope' : ''}: ${edits.join(', ')}]` : '';
      return `  ${r.stage} ${r.method} ${r.url} -> ${r.status} ${r.verdict}${patched}${r.chrome ? `: ${r.chrome.message}` : ''}`;
    })
    .join('\n');
}
