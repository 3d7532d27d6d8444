/**
 * The Caddy profile against what a real Caddy 2.6 in front of a small app answered real Chromium:
 * test/fixtures/servers/caddy.json, recorded by `node test/servers/record.mjs caddy`.
 */
import { describe, expect, it } from 'vitest';
import { caddy } from '../../../src/diagnose/stacks/caddy.js';
import type { StackEvidence } from '../../../src/diagnose/types.js';
import { APP_ANSWERS, answersOf, caseNamed, contextFor, evidenceOf, itFindsNoStrongFingerprint, itFixesEveryCase, itPrintsTheBlockedAnswers, itShowsTheExpectedEvidence, itWritesTheWholeFix, loadFixture, observation, otherStackAnswers, prints as printsOf, strongOf } from '../../support/stack-cases.js';

const fixture = loadFixture('caddy');
const byName = (name: string) => caseNamed(fixture, name);
const prints = (e: StackEvidence) => printsOf(caddy, e);
const strong = (e: StackEvidence) => strongOf(caddy, e);

describe('caddy: recognise', () => {
  // The app behind sends no Server; Caddy sets its own on every answer, proxied or its own.
  it.each(answersOf(fixture.cases))('%s carries Server: Caddy', (_, e) => {
    expect(strong(evidenceOf(observation(e)))).toEqual(['Server: Caddy']);
  });

  const server = 'strong Server: Caddy';
  const empty = (status: number) => `weak ${status} with an empty body and no Content-Type is how Caddy answers a handler's error (no handle_errors)`;
  const blocked: [string, string[]][] = [
    ['caddy-no-cors', [server]],
    ['caddy-duplicate-app', [server]],
    ['caddy-wildcard-credentials', [server]],
    ['caddy-origin-matcher-127', [server]],
    ['caddy-snippet-methods', [server]],
    ['caddy-snippet-headers', [server]],
    // The 405 is the app's (JSON body), with Caddy's header lines on it.
    ['caddy-options-proxied-405', [server]],
    ['caddy-basicauth-app-cors', [server, empty(401)]],
    ['caddy-basicauth-header', [server, empty(401)]],
    ['caddy-default-header-502', [server, empty(502)]],
  ];
  itPrintsTheBlockedAnswers(caddy, fixture, blocked);

  itShowsTheExpectedEvidence(caddy, fixture);

  // `header -Server` hides it on the answers the app made; an empty error answer is then all that is left.
  it('without Server, an empty error answer is only consistent with Caddy', () => {
    const e: StackEvidence = { stage: 'request', status: 502, headers: [['Date', 'Thu, 03 Dec 2026 08:29:57 GMT'], ['Content-Length', '0']], related: [], identity: [] };
    expect(prints(e)).toEqual([empty(502)]);
  });

  it('reads Server from the server identity corscope remembers', () => {
    const e: StackEvidence = { stage: 'request', status: 200, headers: [['Content-Type', 'application/json']], related: [], identity: [['Server', 'Caddy']] };
    expect(strong(e)).toEqual(['Server: Caddy (on earlier answers)']);
  });
});

describe('caddy: fix', () => {
  itFixesEveryCase(caddy, fixture);

  itWritesTheWholeFix(caddy, fixture, [
    [
      'caddy-default-header-502',
      'Caddy\'s own error answers (this 502) skip deferred header ops (defer, -Field, ?Field). Set the CORS header without deferring:\n\theader Access-Control-Allow-Origin "http://localhost:5173"\n(if the app sends its own, strip that with header_down -Access-Control-Allow-Origin in reverse_proxy), or set it in handle_errors too',
    ],
    [
      'caddy-basicauth-header',
      "Caddy's basicauth answered the preflight 401 (a preflight never carries credentials, and basicauth runs before respond and reverse_proxy). Leave OPTIONS out of its matcher:\n\t@protected {\n\t\tpath /api/*\n\t\tnot method OPTIONS\n\t}\n\tbasicauth @protected {\n\t\t...\n\t}",
    ],
    [
      'caddy-duplicate-app',
      "Caddy's header directive and the app behind it both send Access-Control-Allow-Origin (reverse_proxy adds the app's next to Caddy's). Keep one: drop the header line, or strip the app's:\n\treverse_proxy <upstream> {\n\t\theader_down -Access-Control-Allow-Origin\n\t}",
    ],
    [
      'caddy-options-proxied-405',
      'The preflight came back 405 from the app behind Caddy. Answer OPTIONS in Caddy (it sorts header before respond, so the 204 carries them):\n\t@options method OPTIONS\n\trespond @options 204\n\theader Access-Control-Allow-Origin "http://localhost:5173"\n\theader Access-Control-Allow-Methods "GET, POST, PUT, PATCH, DELETE"\n\theader Access-Control-Allow-Headers "content-type"',
    ],
  ]);
  // With the CORS headers on the 401 (always, a header directive) Chrome reports its status: still the auth's order.
  it('a 401 preflight read as preflight-status gets the authentication fix', () => {
    expect(caddy.fix({ ...contextFor(byName('caddy-basicauth-header')), code: 'preflight-status' })).toContain('not method OPTIONS');
  });
});

describe('caddy: answers of other stacks', () => {
  const others: [string, StackEvidence][] = [
    ...APP_ANSWERS,
    ...otherStackAnswers('nginx', 'apache'),
  ];
  itFindsNoStrongFingerprint(caddy, others);
});
