/**
 * The terminal view: pino writes NDJSON lines into this stream and it prints a compact block per
 * exchange. Colour only on a TTY and never when NO_COLOR is set (https://no-color.org).
 */
import type { CookieFact } from '../cookies/index.js';
import type { Finding } from '../cors/types.js';
import type { OtherBrowser } from '../cors/browsers/index.js';
import { disagrees } from './browsers.js';
import { conditionWords, type ExchangeRecord } from './record.js';

export interface TextSink {
  write(text: string): unknown;
}

export interface PrettyOptions {
  readonly colors: boolean;
  /** Other browsers shown on every record; the rest only where their verdict differs from Chrome's. */
  readonly browsers?: readonly OtherBrowser[];
}

type Paint = (text: string) => string;

interface Palette {
  red: Paint;
  yellow: Paint;
  green: Paint;
  cyan: Paint;
  dim: Paint;
  bold: Paint;
}

function palette(colors: boolean): Palette {
  const sgr = (open: number, close: number): Paint =>
    colors ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
  return {
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    green: sgr(32, 39),
    cyan: sgr(36, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
  };
}

export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** A pino destination that renders each record for a human. */
/** How many distinct findings the view remembers, to fold a polling page's repeats into one line. */
const SEEN_LIMIT = 256;

export function createPrettyStream(sink: TextSink, options: PrettyOptions): { write(line: string): void } {
  const p = palette(options.colors);
  const seen = new Map<string, string>();
  return {
    write(line: string): void {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        sink.write(line);
        return;
      }
      sink.write(render(parsed, p, seen, options.browsers) + '\n');
    },
  };
}

/**
 * `seen` maps an explained finding (code, method, URL, origin) to the record that explained it: a
 * repeat prints one line pointing back there instead of the whole block again.
 */
export function render(entry: Record<string, unknown>, p: Palette, seen?: Map<string, string>, shown: readonly OtherBrowser[] = []): string {
  if (entry.event === 'cors') return renderExchange(entry as unknown as ExchangeRecord & { time?: number }, p, seen, shown);
  if (entry.event === 'start') return renderStart(entry, p);
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const paint = level >= 50 ? p.red : level >= 40 ? p.yellow : level >= 30 ? (text: string) => text : p.dim;
  return `${clock(entry.time, p)} ${paint(String(entry.msg ?? ''))}`;
}

function renderStart(entry: Record<string, unknown>, p: Palette): string {
  const rows: [string, unknown][] = [
    ['listening', entry.listening],
    ['target', entry.target],
    ['mode', entry.mode],
    ['frontend', entry.frontend],
    ['page', entry.page],
    ['inspector', entry.inspector],
  ];
  const lines = [p.bold(`corscope ${String(entry.version ?? '')}`.trim())];
  const targets = Array.isArray(entry.targets) ? (entry.targets as { target?: unknown; frontend?: unknown }[]) : undefined;
  for (const [label, value] of rows) {
    if (!value) continue;
    // Several APIs: one row per pair, `frontend -> target`, in place of the single ones.
    if (targets && (label === 'listening' || label === 'frontend')) continue;
    if (targets && label === 'target') {
      targets.forEach((t, i) => lines.push(`  ${p.dim((i === 0 ? 'targets' : '').padEnd(10))}${String(t.frontend)} -> ${String(t.target)}`));
      continue;
    }
    lines.push(`  ${p.dim(label.padEnd(10))}${String(value)}`);
  }
  if (entry.config) lines.push(`  ${p.dim('config'.padEnd(10))}${String(entry.config)}`);
  if (Array.isArray(entry.warnings)) for (const w of entry.warnings) lines.push(`  ${p.yellow('warning')}   ${String(w)}`);
  return lines.join('\n');
}

const VERDICT_LABEL = {
  blocked: 'BLOCKED',
  conditional: 'DEPENDS',
  allowed: 'ok',
  'not-cors': 'not-cors',
} as const;

/** What the credentials sign says, for the `sign` line. */
const SIGN_WORDS = {
  'cookies-before': 'this page sent cookies to this API before',
  'allow-credentials': 'the server sends Access-Control-Allow-Credentials: true, so it expects credentialed calls',
} as const;

function renderExchange(r: ExchangeRecord & { time?: number }, p: Palette, seen: Map<string, string> | undefined, shown: readonly OtherBrowser[]): string {
  // A call that fails only with credentials, from a page that shows no sign of sending them, works:
  // an `ok` line with a note, not a warning.
  if (r.verdict === 'conditional' && !r.credentialsSign && !r.upstream) return renderQuietConditional(r, p);
  const paint = r.upstream || r.verdict === 'blocked' ? p.red : r.verdict === 'conditional' ? p.yellow : r.verdict === 'allowed' ? p.green : p.dim;
  const head = headLine(r, p, paint(p.bold(VERDICT_LABEL[r.verdict].padEnd(8))));
  const key = r.chrome ? [r.chrome.message, r.findings.length, r.verdict, r.upstream?.code ?? ''].join('\u0000') : undefined;
  const first = key ? seen?.get(key) : undefined;
  if (first !== undefined) return `${head} ${p.dim(`same as #${first}`)}`;
  if (key && seen) {
    if (seen.size >= SEEN_LIMIT) seen.delete(seen.keys().next().value!);
    seen.set(key, r.id);
  }
  const lines = [head];
  const row = (label: string, text: string): void => {
    lines.push(`  ${p.dim(label.padEnd(7))} ${text}`);
  };
  if (r.upstream) row('target', p.red(`${r.upstream.code}: ${r.upstream.message} (${r.upstream.target})`));
  if (r.redirectedFrom) row('via', `redirect from ${r.redirectedFrom}`);
  if (r.chrome) row('chrome', paint(r.chrome.message));
  for (const browser of OTHER_BROWSERS) {
    const other = r.browsers?.[browser];
    if (!other || !(shown.includes(browser) || disagrees(r, browser))) continue;
    for (const text of browserRows(r, browser, p)) row(browser, text);
  }
  if (r.verdict === 'conditional') row('if', p.yellow(`blocked only if ${conditionWords(r.findings)}`));
  if (r.credentialsSign) row('sign', SIGN_WORDS[r.credentialsSign]);
  if (r.diagnosis) {
    const d = r.diagnosis;
    row('server', `${p.bold(d.code)}${d.stack ? ` ${p.dim('·')} ${d.stack}` : ''}`);
    if (d.evidence.length > 0) row('seen', plain(d.evidence.join('; ')));
    row('change', p.green(plain(d.fix)));
    if (d.prediction) row('next', p.yellow(plain(d.prediction)));
  }
  if (r.body) row('body', describeBody(r.body, r.status));
  for (const c of r.cookies ?? []) row('cookie', describeCookie(c, p));
  if (r.cause) row('cause', r.cause);
  if (r.fix) row('fix', p.green(r.fix));
  for (const f of r.findings.slice(r.chrome ? 1 : 0)) row(f.severity === 'error' ? 'then' : 'note', describe(f, p));
  if (r.patched) {
    if (r.patched.answeredPreflight) row('patched', 'preflight answered by corscope; the target never saw it');
    if (r.patched.status) row('patched', `status ${r.patched.status.from} → ${r.patched.status.to}`);
    for (const line of r.patched.removed) row('patched', p.red(`- ${line}`));
    for (const line of r.patched.added) row('patched', p.green(`+ ${line}`));
  }
  return lines.join('\n');
}

/** One cookie's line: what corscope rewrote so the browser keeps it, and why Chrome refuses it anyway. */
function describeCookie(c: CookieFact, p: Palette): string {
  const changes = [
    ...(c.domain ? [`Domain=${c.domain.from} ${c.domain.to === null ? 'dropped (host-only on the browser\'s host)' : `→ ${c.domain.to}`}`] : []),
    ...(c.path ? [`Path=${c.path.from} → ${c.path.to}`] : []),
  ];
  const parts = [...(changes.length ? [`rewritten: ${changes.join(', ')}`] : [])];
  if (c.rejected) parts.push(p.red(`Chrome refuses it (${c.rejected.code}): ${c.rejected.message}`));
  if (c.warning) parts.push(p.yellow(c.warning.message));
  return `${c.name}: ${parts.join('; ')}`;
}

const OTHER_BROWSERS: readonly OtherBrowser[] = ['firefox', 'safari'];

/** A browser's lines, said first when its verdict is not Chrome's; what it does when it prints nothing. */
function browserRows(r: ExchangeRecord, browser: OtherBrowser, p: Palette): string[] {
  const other = r.browsers![browser];
  const paint = other.verdict === 'blocked' ? p.red : other.verdict === 'conditional' ? p.yellow : (text: string) => text;
  const rows = other.lines.map((line) => paint(plain(line)));
  const verdict = other.verdict === 'blocked' ? 'blocks it' : other.verdict === 'conditional' ? 'blocks it only with credentials' : 'allows it';
  if (rows.length === 0) rows.push(p.dim(`${verdict}${other.verdict === 'allowed' ? '' : ' without a console line'}`));
  else if (disagrees(r, browser)) rows.unshift(p.yellow(`${verdict}, unlike Chrome:`));
  return rows;
}

/**
 * An exchange's first line: time, verdict, id and stage, the call, the page's origin, status and
 * timing, the preflight it pairs with, and the target when corscope fronts several.
 */
function headLine(r: ExchangeRecord & { time?: number }, p: Palette, label: string): string {
  const link = r.preflight ? ` ${p.dim(`after preflight #${r.preflight}`)}` : r.request ? ` ${p.dim(`for request #${r.request}`)}` : '';
  const origin = r.origin ? ` ${p.dim('←')} ${r.origin}` : '';
  const target = r.target ? ` ${p.dim(`→ ${r.target}`)}` : '';
  return (
    `${clock(r.time, p)} ${label} ${p.dim(`#${r.id} ${r.stage}`)} ` +
    `${p.bold(r.method)} ${r.url}${origin} ${p.cyan(String(r.status))} ${p.dim(`${r.durationMs} ms`)}${target}${link}`
  );
}

function renderQuietConditional(r: ExchangeRecord & { time?: number }, p: Palette): string {
  const head = headLine(r, p, p.green(p.bold('ok'.padEnd(8))));
  const primary = r.findings.find((f) => f.severity === 'error');
  if (!primary) return head;
  return `${head}\n  ${p.dim('note'.padEnd(7))} ${p.dim(`only if ${conditionWords(r.findings)}: ${primary.code}: ${primary.cause}`)}`;
}

/** One line for a body excerpt: its type and size, then its text on one line (as text, never markup). */
function describeBody(body: NonNullable<ExchangeRecord['body']>, status: number): string {
  const size = `${body.bytes}${body.truncated ? '+' : ''} bytes`;
  const kind = `${status} ${body.type ?? 'no Content-Type'}, ${size}`;
  if (body.text === undefined) return body.bytes > 0 ? `${kind} (not text)` : kind;
  const text = plain(body.text.replace(/\s+/g, ' ')).trim();
  return `${kind}: ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`;
}

/** What came from the network, as text: no control character reaches the terminal. */
function plain(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD');
}

function describe(f: Finding, p: Palette): string {
  const when = f.onlyIf ? p.dim(f.onlyIf === 'credentials-include' ? ' (only with credentials)' : ' (only without credentials)') : '';
  return `${p.bold(f.code)}${when}: ${f.cause}`;
}

function clock(time: unknown, p: Palette): string {
  if (typeof time !== 'number') return '';
  return p.dim(new Date(time).toISOString().slice(11, 19));
}
