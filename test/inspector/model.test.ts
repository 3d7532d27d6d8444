/**
 * The page's pure modules, run in Node exactly as the browser gets them (the served text, imported
 * as an ES module): groups, repeats folded into a counter, filters, and which header lines are
 * marked. And the page's code never turns a value into markup.
 */
import { describe, expect, it } from 'vitest';
import { asset, MODULES } from '../../src/inspector/page/assets.js';
import type { ExchangeRecord } from '../../src/index.js';
import type { BrowserVerdictKind } from '../../src/cors/browsers/index.js';
import { disagrees, type BrowsersRecord } from '../../src/log/browsers.js';
import { fakeRecord } from './helpers.js';

const load = async (source: string) => import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
const model = await load(MODULES.model);
const headers = await load(MODULES.headers);

type Entry = { seq: number; time: number; record: ExchangeRecord; run: string };
let seq = 0;
const entry = (record: ExchangeRecord, run = 'a'): Entry => ({ seq: ++seq, time: 0, record, run });
const rec = (id: number, fields: Partial<ExchangeRecord> = {}) => fakeRecord(id, fields);

interface Row { id: string; entries: Entry[]; children: Row[]; depth: number }
interface Unit { id: number; head: Row; newRun: boolean }
const shape = (units: Unit[]) => units.map((u) => (model.unitRows(u) as Row[]).map((r) => `${'  '.repeat(r.depth)}#${r.entries[0]!.record.id}${r.entries.length > 1 ? ` x${r.entries.length}` : ''}`).join(' | '));

describe('grouping', () => {
  it.each([
    [
      'preflight-and-its-request',
      [rec(1, { stage: 'preflight', method: 'OPTIONS', verdict: 'allowed', request: '2' }), rec(2, { method: 'PUT', verdict: 'allowed', preflight: '1' }), rec(3)],
      ['#1 |   #2', '#3'],
    ],
    [
      'redirect-chain',
      [rec(1, { url: 'http://localhost:8081/redirect', status: 302, verdict: 'allowed' }), rec(2, { url: 'http://localhost:8081/a', status: 301, verdict: 'allowed', redirectedFrom: 'http://localhost:8081/redirect' }), rec(3, { url: 'http://localhost:8081/b', redirectedFrom: 'http://localhost:8081/redirect' })],
      ['#1 |   #2 |     #3'],
    ],
    [
      'repeats-fold',
      [rec(3, { url: 'u' }), rec(4, { url: 'v' }), rec(5, { url: 'u' }), rec(6, { url: 'u' })],
      ['#3 x3', '#4'],
    ],
    [
      'a-repeated-group-folds-member-by-member',
      [rec(1, { stage: 'preflight', method: 'OPTIONS', verdict: 'allowed', url: 'u' }), rec(2, { method: 'PUT', preflight: '1', url: 'u' }), rec(3, { stage: 'preflight', method: 'OPTIONS', verdict: 'allowed', url: 'u' }), rec(4, { method: 'PUT', preflight: '3', url: 'u' })],
      ['#1 x2 |   #2 x2'],
    ],
    [
      'same-call-other-outcome-is-no-repeat',
      [rec(1, { url: 'u', status: 200 }), rec(2, { url: 'u', status: 500 })],
      ['#1', '#2'],
    ],
  ])('%s', (_name, records, expected) => {
    const m = model.createModel();
    for (const r of records) m.add(entry(r));
    expect(shape(m.units)).toEqual(expected);
  });

  it('fold repeats off: every exchange is a row', () => {
    const m = model.createModel();
    for (const id of [1, 2, 3]) m.add(entry(rec(id, { url: 'u' })));
    m.setCollapse(false);
    expect(shape(m.units)).toEqual(['#1', '#2', '#3']);
  });

  it('after a restart the ids start again: a new run, never folded into the old one, marked', () => {
    const m = model.createModel();
    m.add(entry(rec(1, { url: 'u' }), 'a'));
    m.add(entry(rec(1, { url: 'u' }), 'b'));
    expect(shape(m.units)).toEqual(['#1', '#1']);
    expect(m.units.map((u: Unit) => u.newRun)).toEqual([false, true]);
  });

  it('bounded: past the limit the oldest tenth goes', () => {
    const m = model.createModel({ limit: 100 });
    for (let id = 1; id <= 101; id++) m.add(entry(rec(id)));
    expect(m.entries.length).toBe(91);
    expect(m.units[0].head.entries[0].record.id).toBe('11');
  });
});

describe('filters', () => {
  const all = { verdicts: new Set(['blocked', 'depends', 'ok', 'not-cors']), stage: 'all', onlyProblems: false, text: '' };
  const m = model.createModel();
  m.add(entry(rec(1, { stage: 'preflight', method: 'OPTIONS', verdict: 'allowed', url: 'http://h/works' })));
  m.add(entry(rec(2, { verdict: 'allowed', preflight: '1', method: 'PUT', url: 'http://h/works' })));
  m.add(entry(rec(3, { url: 'http://h/missing-acao', msg: "No 'Access-Control-Allow-Origin' header is present" })));
  m.add(entry(rec(4, { verdict: 'conditional', credentialsSign: 'cookies-before', url: 'http://h/creds' })));
  m.add(entry(rec(5, { verdict: 'conditional', url: 'http://h/quiet', target: 'http://auth.internal:9000/' })));
  m.add(entry(rec(6, { verdict: 'not-cors', url: 'http://h/same' })));
  const visible = (filter: Partial<typeof all>) => m.units.filter((u: Unit) => model.unitVisible(u, { ...all, ...filter })).map((u: Unit) => u.head.entries[0]!.record.id);

  it.each([
    ['everything', {}, ['1', '3', '4', '5', '6']],
    ['only-problems', { onlyProblems: true }, ['3', '4']],
    ['blocked-only', { verdicts: new Set(['blocked']) }, ['3']],
    ['depends-only (a quiet conditional is ok)', { verdicts: new Set(['depends']) }, ['4']],
    ['ok-only', { verdicts: new Set(['ok']) }, ['1', '5']],
    ['preflights', { stage: 'preflight' }, ['1']],
    ['search-url', { text: 'MISSING' }, ['3']],
    ['search-message', { text: 'allow-origin' }, ['3']],
    ['search-id', { text: '#4' }, ['4']],
    ['search-in-a-group-member', { text: 'PUT' }, ['1']],
    ['search-target', { text: 'auth.internal' }, ['5']],
  ])('%s', (_name, filter, ids) => {
    expect(visible(filter as Partial<typeof all>)).toEqual(ids);
  });

  it('counts per verdict as the terminal shows it', () => {
    expect(m.counts).toEqual({ blocked: 1, depends: 1, ok: 3, 'not-cors': 1 });
    expect(m.problems).toBe(2);
  });
});

describe('where Firefox or Safari disagree with Chrome', () => {
  const browsers = (firefox: BrowserVerdictKind, safari: BrowserVerdictKind): BrowsersRecord => ({ firefox: { verdict: firefox, lines: [], reason: null }, safari: { verdict: safari, lines: [] } });
  it.each([
    ['no-browsers-field', rec(1, { verdict: 'allowed' }), []],
    ['all-three-agree', rec(2, { verdict: 'blocked', browsers: browsers('blocked', 'blocked') }), []],
    ['firefox-allows-an-empty-acac-line', rec(3, { verdict: 'conditional', browsers: browsers('allowed', 'conditional') }), [['firefox', 'allowed']]],
    ['both-block-a-redirect-to-ftp', rec(4, { verdict: 'allowed', status: 302, browsers: browsers('blocked', 'blocked') }), [['firefox', 'blocked'], ['safari', 'blocked']]],
    ['safari-only', rec(5, { verdict: 'blocked', browsers: browsers('blocked', 'conditional') }), [['safari', 'conditional']]],
  ] as [string, ExchangeRecord, [string, string][]][])('%s: as log/browsers.ts disagrees() says', (_name, record, expected) => {
    const got = (model.disagreements(record) as { browser: string; verdict: string }[]).map((d) => [d.browser, d.verdict]);
    expect(got).toEqual(expected);
    expect(got.map(([b]) => b)).toEqual((['firefox', 'safari'] as const).filter((b) => disagrees(record, b)));
  });
});

describe('header lines', () => {
  const finding = (code: string, header?: string) => ({ code, severity: 'error', header, rule: '', cause: '', fix: '' });
  it.each([
    ['acao-mismatch', finding('AllowOriginMismatch', 'Access-Control-Allow-Origin'), [['Access-Control-Allow-Origin', 'https://x']], { response: 'access-control-allow-origin', request: 'origin', missing: null, status: false }],
    ['acao-missing', finding('MissingAllowOriginHeader', 'Access-Control-Allow-Origin'), [['Content-Type', 'text/plain']], { response: 'access-control-allow-origin', request: 'origin', missing: 'Access-Control-Allow-Origin', status: false }],
    ['method-not-allowed', finding('MethodDisallowedByPreflightResponse', 'Access-Control-Allow-Methods'), [['access-control-allow-methods', 'GET']], { response: 'access-control-allow-methods', request: 'access-control-request-method', missing: null, status: false }],
    ['preflight-404', finding('PreflightInvalidStatus'), [], { response: null, request: null, missing: null, status: true }],
  ])('%s', (_name, f, response, expected) => {
    const marks = headers.highlights({ findings: [f] }, { request: [], response });
    expect(marks).toMatchObject(expected);
  });

  it('warnings mark their header; an allowed exchange offends nothing', () => {
    expect(headers.highlights({ findings: [{ code: 'MissingVaryOrigin', severity: 'warning', header: 'Vary' }] }, { request: [], response: [] })).toEqual({ response: null, request: null, missing: null, status: false, warned: ['vary'] });
  });

  it('the patch as a diff: order kept, removed and added lines in place', () => {
    const before = [['Content-Type', 'a'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Origin', 'http://x'], ['X', '1']];
    const after = [['Content-Type', 'a'], ['Access-Control-Allow-Origin', 'http://x'], ['X', '1'], ['Vary', 'Origin']];
    expect(headers.diffLines(before, after).map((d: { op: string; line: string[] }) => `${d.op} ${d.line.join(': ')}`)).toEqual([
      '  Content-Type: a',
      '- Access-Control-Allow-Origin: *',
      '  Access-Control-Allow-Origin: http://x',
      '  X: 1',
      '+ Vary: Origin',
    ]);
  });
});

describe("the page's code", () => {
  const scripts = ['main', 'connection', 'model', 'headers', 'dom', 'list', 'detail'].map((name) => [name, asset(`/js/${name}.js`)!.body] as const);
  it.each(scripts)('%s.js never writes markup (no innerHTML, outerHTML, insertAdjacentHTML, document.write)', (_name, body) => {
    expect(body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });
  it('the page loads nothing from elsewhere and runs no inline script', () => {
    const html = asset('/')!.body;
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });
});
