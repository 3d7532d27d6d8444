/**
 * corscope against the judge. For every case of test/fixtures/chrome-oracle.json a real Chromium
 * calls corscope (on the API's hostname, `localhost:<port>`), corscope forwards to the scripted API,
 * and every CORS line Chrome prints must be, string for string, a line corscope logged for the
 * exchange. Then the same table through `patch: true`: every call must succeed in Chrome.
 *
 * Cases whose failing step never passes through corscope are listed in NOT_THROUGH_CORSCOPE with
 * what is asserted instead; a case that is not listed and whose line is about a URL corscope did
 * not serve fails, so nothing is dropped silently.
 */
import { describe, it, type ExpectStatic } from 'vitest';
import { schemeError } from '../../src/cors/index.js';
import type { ExchangeRecord } from '../../src/index.js';
import { isCorsLine, loadFixture, normalizePorts, urlOfLine, type Observation } from './harness/cases.js';
import { corscopeFront, describeRecords, judgedBad, linesOf } from './harness/corscope.js';
import { describeCall, runCase, testTimeoutMs, type CaseRun } from './harness/run-case.js';
import { jsSummary, recordedJsSummary } from './harness/outcome.js';
import { chromiumOrReport, useBrowser } from './harness/suite.js';

type Special =
  /** The URL has no CORS-enabled scheme: the request never leaves the page. */
  | { readonly kind: 'scheme'; readonly why: string }
  /** `mode: 'same-origin'`: fetch refuses before sending anything. */
  | { readonly kind: 'no-request'; readonly why: string }
  /** The first hop goes through corscope, the redirect sends the second (the blocked one) to API2 directly. */
  | { readonly kind: 'blocked-elsewhere'; readonly why: string };

const NOT_THROUGH_CORSCOPE: Readonly<Record<string, Special>> = {
  'scheme-missing-fetch': { kind: 'scheme', why: "'localhost:<port>/api' reads as scheme 'localhost'; fetch refuses it in the page" },
  'scheme-missing-xhr': { kind: 'scheme', why: "'localhost:<port>/api' reads as scheme 'localhost'; the XHR never leaves Chrome" },
  'scheme-file-xhr': { kind: 'scheme', why: 'an XHR to file:// is refused by the page before any network' },
  'edge-fetch-mode-same-origin-fetch': { kind: 'no-request', why: "fetch with mode 'same-origin' to another origin sends nothing" },
  'redirect-cross-origin-page-origin-acao-fetch': {
    kind: 'blocked-elsewhere',
    why: 'the 307 to API2 is followed by Chrome straight to API2 (tainted Origin: null); corscope serves only the first hop',
  },
  'redirect-cross-origin-credentials-xhr': {
    kind: 'blocked-elsewhere',
    why: "the 302 to API2 is followed straight to API2, whose ACAO '*' fails with credentials; corscope serves only the first hop",
  },
};

/**
 * What corscope must say besides Chrome's line, where the issue asks for it: a warning for what
 * Chrome lets through today, and no CORS judgement where Chrome makes none.
 */
const ALSO_LOGGED: Readonly<Record<string, { readonly what: string; readonly holds: (records: readonly ExchangeRecord[]) => boolean }>> = {
  'preflight-header-authorization-wildcard-fetch': {
    what: "the preflight record warns AuthorizationCoveredByWildcard (Chrome 156 still lets 'Authorization' pass on '*')",
    holds: (rs) => rs.some((r) => r.stage === 'preflight' && r.findings.some((f) => f.code === 'AuthorizationCoveredByWildcard' && f.severity === 'warning')),
  },
  'pass-no-cors-mode-opaque-fetch': {
    what: "a no-cors request (no Origin) is logged as 'not-cors'",
    holds: (rs) => rs.length > 0 && rs.every((r) => r.verdict === 'not-cors'),
  },
};

const fixture = loadFixture();
/**
 * The oracle's 81 cases, plus the recorded edge cases of preflight parsing and status (group C:
 * "Cannot parse Access-Control-Allow-Methods/Headers", preflight 500/304/3xx), which the 81 lack.
 */
const edge = loadFixture('chrome-edge-cases.json').cases.filter((c) => c.id.startsWith('C-'));
const cases = [...fixture.cases, ...edge];
/** `[id, case]` rows: vitest prints `%s` ids without quotes. */
const regular = cases.filter((c) => !NOT_THROUGH_CORSCOPE[c.id]).map((c): [string, Observation] => [c.id, c]);
const special = cases
  .filter((c) => NOT_THROUGH_CORSCOPE[c.id])
  .map((c): [string, string, Observation & { special: Special }] => {
    const sp = NOT_THROUGH_CORSCOPE[c.id]!;
    return [c.id, sp.kind, { ...c, special: sp }];
  });
const timeout = testTimeoutMs(cases.map((c) => c.definition));
const chromium = chromiumOrReport();

/** Chrome's lines with this run's ports named as in the fixture (corscope's port is `{API_PORT}`). */
const normalized = (run: CaseRun) => run.primary.map((l) => normalizePorts(l, run.ports));

function onCorscope(line: string, run: CaseRun): boolean {
  const url = urlOfLine(line);
  return url !== null && (url === run.origins.api || url.startsWith(`${run.origins.api}/`));
}

/** The corscope line closest to Chrome's (same reason first, then the longest common start), for the diff. */
function closest(line: string, records: readonly ExchangeRecord[]): string {
  const candidates = records.filter(judgedBad).flatMap(linesOf);
  if (candidates.length === 0) return `(no blocked or conditional record; corscope logged:\n${describeRecords(records)})`;
  const reason = (s: string) => s.slice(s.indexOf(': ') + 2);
  const prefix = (a: string) => {
    let i = 0;
    while (i < a.length && i < line.length && a[i] === line[i]) i++;
    return i;
  };
  return candidates.reduce((best, c) => {
    const score = (s: string) => (reason(s) === reason(line) ? 1e6 : 0) + prefix(s);
    return score(c) > score(best) ? c : best;
  });
}

/** Every CORS line Chrome printed is a line corscope logged; with no line, corscope blocked nothing. */
function expectCorscopeAgrees(expect: ExpectStatic, obs: Observation, run: CaseRun, records: readonly ExchangeRecord[]): void {
  const id = obs.id;
  for (const line of run.corsLines) {
    expect(onCorscope(line, run), `${id}: Chrome's line is about a URL corscope did not serve (${urlOfLine(line)}); list the case in NOT_THROUGH_CORSCOPE with the reason`).toBe(true);
    const logged = records.filter(judgedBad).flatMap(linesOf);
    if (!logged.includes(line)) {
      expect(closest(line, records), `${id}: corscope's closest line (received) against Chrome's (expected); corscope logged:\n${describeRecords(records)}\n`).toBe(line);
    }
  }
  if (run.corsLines.length === 0) {
    const blocked = records.filter((r) => r.verdict === 'blocked');
    expect(describeRecords(blocked), `${id}: Chrome printed no CORS error, but corscope logged a blocked exchange`).toBe(describeRecords([]));
  }
}

if (chromium) {
  const browser = useBrowser(chromium);

  describe.concurrent(`Chromium ${chromium.version} (fixture: ${fixture.chromiumVersion}) through corscope prints the line corscope logged`, () => {
    it.for(regular)('%s', { timeout }, async ([, obs], { expect }) => {
      const front = corscopeFront({ initiator: obs.definition.client.api ?? 'fetch' });
      const run = await runCase(browser(), obs.definition, front.start);
      expectCorscopeAgrees(expect, obs, run, front.records);
      const also = ALSO_LOGGED[obs.id];
      if (also) expect(also.holds(front.records), `${obs.id}: ${also.what}; corscope logged:\n${describeRecords(front.records)}\n`).toBe(true);
      // corscope must be transparent: Chrome prints what it printed with no proxy, and the page's
      // calls end as they did.
      expect.soft(normalized(run), `${obs.id}: Chrome's lines through corscope, against its lines without it`).toEqual(obs.primaryMessages);
      expect.soft(run.js.calls.map(jsSummary), `${obs.id}: the page's calls through corscope, against the calls without it`).toEqual(obs.js.map(recordedJsSummary));
    });
  });

  describe.concurrent(`Chromium ${chromium.version}: failures that never pass through corscope`, () => {
    it.for(special)('%s (%s)', { timeout }, async ([, , obs], { expect }) => {
      const api = obs.definition.client.api ?? 'fetch';
      const front = corscopeFront({ initiator: api });
      const run = await runCase(browser(), obs.definition, front.start);
      // Chrome prints what it printed without corscope in the way.
      expect(normalized(run), `${obs.id}: Chrome's lines through corscope, against its lines without it`).toEqual(obs.primaryMessages);
      if (obs.special.kind === 'scheme' || obs.special.kind === 'no-request') {
        expect(describeRecords(front.records), `${obs.id}: nothing reaches corscope (${obs.special.why})`).toBe(describeRecords([]));
        expect(run.hits, `${obs.id}: nothing reaches the API`).toEqual([]);
      }
      if (obs.special.kind === 'scheme') {
        // The engine's line for the URL the page used, as `corscope check` would print it.
        const finding = schemeError(run.js.calls[0]!.url, run.origins.page);
        const engine = finding?.chrome ? [finding.chrome[api]] : ['(schemeError returned no Chrome line)'];
        expect(engine, `${obs.id}: the engine's scheme line (received) against Chrome's (expected)`).toEqual(run.primary);
      }
      if (obs.special.kind === 'blocked-elsewhere') {
        // corscope served the first hop and did not call it blocked: Chrome followed the redirect
        // ('conditional' is right when the credentials mode cannot be seen on the wire).
        const first = front.records.filter((r) => r.url === run.js.calls[0]!.url);
        const upstream = run.hits.filter((h) => h.server === 'api').map((h) => `${h.status} not blocked`);
        const seen = first.map((r) => `${r.status} ${r.verdict === 'blocked' ? 'blocked' : 'not blocked'}`);
        expect(seen, `${obs.id}: corscope's record of the first hop\n${describeRecords(front.records)}`).toEqual(upstream);
        expect(run.corsLines.every((l) => urlOfLine(l)?.startsWith(run.origins.api2)), `${obs.id}: Chrome's line is about the API2 hop`).toBe(true);
      }
    });
  });

  describe.concurrent(`Chromium ${chromium.version} through corscope --patch: every call succeeds`, () => {
    it.for(regular)('%s', { timeout }, async ([, obs], { expect }) => {
      const front = corscopeFront({ initiator: obs.definition.client.api ?? 'fetch', patch: true });
      const run = await runCase(browser(), obs.definition, front.start);
      const logged = `corscope logged:\n${describeRecords(front.records)}\n`;
      expect(run.corsLines, `${obs.id}: Chrome's CORS errors through corscope --patch; ${logged}`).toEqual([]);
      expect(run.js.calls.filter((c) => !c.ok).map(describeCall), `${obs.id}: calls that failed through corscope --patch; ${logged}`).toEqual([]);
      // A call succeeds when the API answered it, not corscope in its place: each call reached the
      // API (or API2 after a redirect) and the page read a status the API sent.
      const answered = run.hits.filter((h) => h.method !== 'OPTIONS');
      const statuses = new Set(answered.map((h) => h.status));
      const unanswered = run.js.calls.filter((c) => c.type !== 'opaque' && !statuses.has(c.status));
      expect(
        { reachedApi: answered.length >= run.js.calls.length, notFromApi: unanswered.map(describeCall) },
        `${obs.id}: every call answered by the API through corscope --patch (API got: ${answered.map((h) => `${h.method} ${h.path} -> ${h.status}`).join(', ') || 'nothing'}); ${logged}`,
      ).toEqual({ reachedApi: true, notFromApi: [] });
      if (obs.primaryMessages.some(isCorsLine)) {
        const patched = front.records.filter((r) => r.patched && (r.patched.added.length || r.patched.removed.length || r.patched.status || r.patched.answeredPreflight));
        expect(patched.length, `${obs.id}: blocked without --patch, so some record must say what was patched\n${describeRecords(front.records)}`).toBeGreaterThan(0);
      }
    });

    it.for(special)('%s cannot be patched (%s): Chrome fails as without corscope', { timeout }, async ([, , obs], { expect }) => {
      const front = corscopeFront({ initiator: obs.definition.client.api ?? 'fetch', patch: true });
      const run = await runCase(browser(), obs.definition, front.start);
      expect(normalized(run), `${obs.id}: ${obs.special.why}`).toEqual(obs.primaryMessages);
      expect(run.js.calls.map((c) => c.ok), `${obs.id}: the call fails as it did without corscope`).toEqual(obs.js.map((c) => c.ok));
    });
  });
}

