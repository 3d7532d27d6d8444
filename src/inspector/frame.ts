/**
 * Server-sent events as the inspector writes them (HTML Living Standard §9.2): one `exchange` event
 * per record, its id `<instance>.<seq>` so a page that reconnects says where it stopped (the
 * browser sends it back as Last-Event-ID) and a page of an earlier corscope run is told apart.
 * `data` is one line of JSON (JSON.stringify escapes CR and LF), the record exactly as emitted,
 * with its header lines redacted as the log redacts them.
 */
import { shownLines } from '../log/wire.js';
import type { Entry } from './history.js';

export function exchangeFrame(instance: string, entry: Entry, logSecrets: boolean): string {
  const lines = shownLines(entry.record, logSecrets);
  const data = JSON.stringify({ seq: entry.seq, time: entry.time, record: entry.record, ...(lines ? { lines } : {}) });
  return `id: ${instance}.${entry.seq}\nevent: exchange\ndata: ${data}\n\n`;
}

export function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Where a page resumes: the `<instance>.<seq>` it last saw, when it is this instance's. */
export function resumeAfter(lastEventId: string | undefined, instance: string): number | undefined {
  if (!lastEventId) return undefined;
  const dot = lastEventId.lastIndexOf('.');
  if (dot < 0 || lastEventId.slice(0, dot) !== instance) return undefined;
  const seq = Number(lastEventId.slice(dot + 1));
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}
