/**
 * The Apache profile against what a real Apache 2.4 (mod_proxy, mod_headers, mod_rewrite) in front
 * of a small app answered real Chromium: test/fixtures/servers/apache.json, recorded by
 * `node test/servers/record.mjs apache`.
 */
import { describe, expect, it } from 'vitest';
import { apache } from '../../../src/diagnose/stacks/apache.js';
import type { StackEvidence } from '../../../src/diagnose/types.js';
import { APP_ANSWERS, caseNamed, contextFor, itFindsNoStrongFingerprint, itFixesEveryCase, itMarksEveryAnswer, itPrintsTheBlockedAnswers, itShowsTheExpectedEvidence, itWritesTheWholeFix, loadFixture, otherStackAnswers, prints as printsOf, strongOf } from '../../support/stack-cases.js';

const fixture = loadFixture('apache');
const byName = (name: string) => caseNamed(fixture, name);
const prints = (e: StackEvidence) => printsOf(apache, e);
const strong = (e: StackEvidence) => strongOf(apache, e);

describe('apache: recognise', () => {
  // The app behind sends no Server; Apache puts its own on proxied answers and on its own.
  itMarksEveryAnswer(apache, fixture, 'Server: Apache/2.4.71 (Debian)');

  const server = 'strong Server: Apache/2.4.71 (Debian)';
  const signed = (status: number) =>
    `strong ${status} page signed <address>Apache/2.4.71 (Debian) Server at localhost Port 8081</address> is Apache's own (it made this answer, not the app behind it)`;
  const r200 = 'strong 200 page "<title>200 OK</title>" is the error document Apache writes for RewriteRule [R=200]';
  const blocked: [string, string[]][] = [
    ['apache-no-cors', [server]],
    ['apache-origin-fixed-other', [server]],
    ['apache-setenvif-127', [server]],
    ['apache-wildcard-credentials', [server]],
    ['apache-rewrite-methods', [server, signed(200), r200]],
    ['apache-rewrite-200-onsuccess', [server, signed(200), r200]],
    // The 405 is the app's (JSON body), passed through with Apache's Header set lines on it.
    ['apache-proxied-options-405', [server]],
    ['apache-auth-basic-preflight', [server, signed(401)]],
    ['apache-service-down-503', [server, signed(503)]],
    ['apache-header-add-duplicate', [server]],
    ['apache-always-set-duplicate', [server]],
    ['apache-trailing-slash-redirect', [server, signed(301)]],
  ];
  itPrintsTheBlockedAnswers(apache, fixture, blocked);

  itShowsTheExpectedEvidence(apache, fixture);

  // Apache's own default (ServerSignature Off, ServerTokens Prod): the layout is only consistent with it.
  it('reads an unsigned error document as weak', () => {
    const body =
      '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>401 Unauthorized</title>\n</head><body>\n<h1>Unauthorized</h1>\n<p>This server could not verify that you\nare authorized to access the document\nrequested.</p>\n</body></html>\n';
    const e: StackEvidence = { stage: 'preflight', status: 401, headers: [['Server', 'Apache']], body: { text: body, type: 'text/html; charset=iso-8859-1', bytes: body.length, truncated: false }, related: [], identity: [] };
    expect(prints(e)).toEqual(['strong Server: Apache', 'weak 401 page "<title>401 Unauthorized</title>" is laid out as Apache\'s error documents are']);
  });

  it('reads Server from the server identity corscope remembers', () => {
    const e: StackEvidence = { stage: 'request', status: 200, headers: [['Content-Type', 'application/json']], related: [], identity: [['Server', 'Apache/2.4.57 (Unix) OpenSSL/3.0.2']] };
    expect(strong(e)).toEqual(['Server: Apache/2.4.57 (Unix) OpenSSL/3.0.2 (on earlier answers)']);
  });
});

describe('apache: fix', () => {
  itFixesEveryCase(apache, fixture);

  itWritesTheWholeFix(apache, fixture, [
    [
      'apache-service-down-503',
      'Header set writes only the onsuccess table, which the error pages Apache writes itself (401, 413, 503 from mod_proxy, ...) never carry; this 503 went out without it. Use always:\nHeader always set Access-Control-Allow-Origin "http://localhost:5173"',
    ],
    [
      'apache-auth-basic-preflight',
      "Apache's authentication answered the preflight 401 (a preflight never carries credentials). Require a user for every method but OPTIONS:\n<Location /api/>\n  AuthType Basic\n  ...\n  <LimitExcept OPTIONS>\n    Require valid-user\n  </LimitExcept>\n</Location>",
    ],
    [
      'apache-rewrite-200-onsuccess',
      'The preflight got no CORS headers (Header set does not reach the answers Apache writes itself, and the app behind may not answer OPTIONS). Answer it in Apache, the headers on the always table:\nHeader always set Access-Control-Allow-Origin "http://localhost:5173"\nHeader always set Access-Control-Allow-Methods "PUT, OPTIONS"\nHeader always set Access-Control-Allow-Headers "content-type"\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^ - [R=204,L]',
    ],
    [
      'apache-always-set-duplicate',
      "Apache and the app behind it both send Access-Control-Allow-Origin (Header add appends, and Header always set cannot replace the app's). Keep one: drop Apache's Header lines, or remove the app's before setting yours:\nHeader unset Access-Control-Allow-Origin\nHeader always set Access-Control-Allow-Origin \"http://localhost:5173\"",
    ],
    [
      'apache-trailing-slash-redirect',
      'A Redirect or RewriteRule [R] answered /api/items before CORS, and a preflight cannot follow a redirect. Keep the rule off the API, before its RewriteRule:\nRewriteCond %{REQUEST_URI} !^/api/\n(or have the page call http://localhost:8081/api/items/ directly)',
    ],
  ]);

  it('escapes the origin in the SetEnvIf pattern', () => {
    const c = { ...contextFor(byName('apache-setenvif-127')), origin: 'http://127.0.0.1:5173' };
    expect(apache.fix(c)).toContain('SetEnvIf Origin "^http://127\\.0\\.0\\.1:5173$" CORS_ORIGIN=$0');
  });
  // With the CORS headers on the 401 (always, a header directive) Chrome reports its status: still the auth's order.
  it('a 401 preflight read as preflight-status gets the authentication fix', () => {
    expect(apache.fix({ ...contextFor(byName('apache-auth-basic-preflight')), code: 'preflight-status' })).toContain('<LimitExcept OPTIONS>');
  });
});

describe('apache: answers of other stacks', () => {
  const others: [string, StackEvidence][] = [
    ...APP_ANSWERS,
    ['Tomcat', { stage: 'preflight', status: 403, headers: [['Server', 'Apache-Coyote/1.1']], related: [], identity: [] }],
    ...otherStackAnswers('nginx', 'caddy'),
  ];
  itFindsNoStrongFingerprint(apache, others);
});
