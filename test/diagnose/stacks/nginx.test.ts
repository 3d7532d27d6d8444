/**
 * The nginx profile against what a real nginx 1.22 in front of a small app answered real Chromium:
 * test/fixtures/servers/nginx.json, recorded by `node test/servers/record.mjs nginx`.
 */
import { describe, expect, it } from 'vitest';
import { nginx } from '../../../src/diagnose/stacks/nginx.js';
import type { StackEvidence } from '../../../src/diagnose/types.js';
import { APP_ANSWERS, caseNamed, contextFor, itFindsNoStrongFingerprint, itFixesEveryCase, itMarksEveryAnswer, itPrintsTheBlockedAnswers, itShowsTheExpectedEvidence, itWritesTheWholeFix, loadFixture, otherStackAnswers, strongOf } from '../../support/stack-cases.js';

const fixture = loadFixture('nginx');
const byName = (name: string) => caseNamed(fixture, name);
const strong = (e: StackEvidence) => strongOf(nginx, e);

describe('nginx: recognise', () => {
  // nginx replaces the app's Server (proxy_pass does not pass it on) with its own on every answer.
  itMarksEveryAnswer(nginx, fixture, 'Server: nginx/1.22.1');

  const server = 'strong Server: nginx/1.22.1';
  const paired = 'strong Server: nginx/1.22.1 (on the paired answer)';
  const own = (status: number) => `strong ${status} page ending <center>nginx/1.22.1</center> is nginx's own (it made this answer, not the app behind it)`;
  const snippet = [
    "weak Access-Control-Max-Age: 1728000 is enable-cors.org's nginx snippet",
    "weak Access-Control-Allow-Headers DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range is enable-cors.org's nginx snippet",
  ];
  const blocked: [string, string[]][] = [
    ['nginx-no-cors', [server]],
    ['nginx-origin-slash', [server]],
    ['nginx-origin-map-127', [server]],
    ['nginx-wildcard-credentials', [server]],
    ['nginx-snippet-methods', [server, ...snippet]],
    ['nginx-snippet-headers', [server, ...snippet]],
    ['nginx-auth-basic-preflight', [server, own(401)]],
    // The 500 is the app's (JSON body); nginx only let it through without its add_header.
    ['nginx-no-always-500', [server, paired]],
    ['nginx-no-always-413', [server, paired, own(413)]],
    ['nginx-location-add-header', [server, paired]],
    ['nginx-duplicate-app', [server]],
    ['nginx-static-options', [server, own(405)]],
    ['nginx-location-slash-redirect', [server, own(301)]],
  ];
  itPrintsTheBlockedAnswers(nginx, fixture, blocked);

  itShowsTheExpectedEvidence(nginx, fixture);

  // server_tokens off: Server: nginx and the bare page footer still name it.
  it('reads nginx without its version (server_tokens off)', () => {
    const body = '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
    const e: StackEvidence = { stage: 'preflight', status: 404, headers: [['Server', 'nginx']], body: { text: body, type: 'text/html', bytes: body.length, truncated: false }, related: [], identity: [] };
    expect(strong(e)).toEqual(['Server: nginx', "404 page ending <center>nginx</center> is nginx's own (it made this answer, not the app behind it)"]);
  });

  it('reads Server from the server identity corscope remembers', () => {
    const e: StackEvidence = { stage: 'request', status: 200, headers: [['Content-Type', 'application/json']], related: [], identity: [['Server', 'nginx/1.18.0 (Ubuntu)']] };
    expect(strong(e)).toEqual(['Server: nginx/1.18.0 (Ubuntu) (on earlier answers)']);
  });
});

describe('nginx: fix', () => {
  itFixesEveryCase(nginx, fixture);

  itWritesTheWholeFix(nginx, fixture, [
    [
      'nginx-no-always-413',
      'add_header without always only reaches 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 answers; this 413 went out without it. Add always:\nadd_header Access-Control-Allow-Origin "http://localhost:5173" always;',
    ],
    [
      'nginx-origin-map-127',
      'nginx\'s allow-list leaves http://localhost:5173 out, and add_header sends nothing for an empty value. Add it to the map on $http_origin (in http{}):\nmap $http_origin $cors_origin {\n    default "";\n    "http://localhost:5173" $http_origin;\n}\nadd_header Access-Control-Allow-Origin $cors_origin always;',
    ],
    [
      'nginx-auth-basic-preflight',
      'nginx\'s auth_basic answered the preflight 401 (a preflight never carries Authorization). Let OPTIONS through it in the location that serves /api/items:\nlimit_except OPTIONS { auth_basic "Restricted"; auth_basic_user_file /etc/nginx/.htpasswd; }\n(keep your realm and file), or answer the preflight before the access phase:\nif ($request_method = OPTIONS) {\n    add_header Access-Control-Allow-Origin "http://localhost:5173" always;\n    add_header Access-Control-Allow-Methods "GET, OPTIONS" always;\n    add_header Access-Control-Allow-Headers "authorization" always;\n    return 204;\n}',
    ],
    [
      'nginx-location-slash-redirect',
      'nginx redirects /api/items to /api/items/ because its location ends with a slash, and a preflight cannot follow a redirect. Declare the location without it:\nlocation /api/items {\n    ...\n}\n(or have the page call /api/items/)',
    ],
    [
      'nginx-duplicate-app',
      "nginx and the app behind it both send the CORS headers. Keep one layer: drop nginx's add_header lines, or hide the app's in the location that serves /api/items:\nproxy_hide_header Access-Control-Allow-Origin;",
    ],
  ]);

  it('writes nothing better than the header fix for a redirect to a sign-in page', () => {
    expect(nginx.fix({ ...contextFor(byName('nginx-no-cors')), code: 'redirect-to-login' })).toBeUndefined();
  });
  // With the CORS headers on the 401 (always, a header directive) Chrome reports its status: still the auth's order.
  it('a 401 preflight read as preflight-status gets the authentication fix', () => {
    expect(nginx.fix({ ...contextFor(byName('nginx-auth-basic-preflight')), code: 'preflight-status' })).toContain('limit_except OPTIONS {');
  });
});

describe('nginx: answers of other stacks', () => {
  const others: [string, StackEvidence][] = [
    ...APP_ANSWERS,
    ...otherStackAnswers('apache', 'caddy'),
  ];
  itFindsNoStrongFingerprint(nginx, others);
});
