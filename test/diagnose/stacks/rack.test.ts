/**
 * The Rack profile against what a real Sinatra app behind rack-cors 1.1, Warden and
 * Rack::Auth::Basic, served by puma 5, answered real Chromium: test/fixtures/servers/rack.json,
 * recorded by test/servers/record.mjs rack.
 */
import { describe, expect, it } from 'vitest';
import { rack } from '../../../src/diagnose/stacks/rack.js';
import type { StackEvidence } from '../../../src/diagnose/types.js';
import type { RecordedCall, RecordedExchange } from '../../support/servers.js';
import { caseNamed, contextFor, evidenceOf, itFindsNoStrongFingerprint, itFixesEveryCase, itNamesEachAnswerOrSaysWhy, itPrintsTheBlockedAnswers, itWritesTheWholeFix, loadFixture, observation, prints as printsOf, type StackCase } from '../../support/stack-cases.js';

const fixture = loadFixture('rack');
/** The fix writer's facts as these tests read them: without the blocked answer's Location. */
const context = (c: StackCase) => contextFor(c, { location: false });
const prints = (e: StackEvidence) => printsOf(rack, e);

const EXPOSE = "strong an empty Access-Control-Expose-Headers is rack-cors' (Resource#to_headers sends it when expose: is not set)";
const ALL = 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD';
const ACTUAL = `weak Access-Control-Allow-Methods ${ALL} with Access-Control-Max-Age 7200 on an actual response: rack-cors sends both on every answer (7200 its default max_age)`;
const REFUSED = 'weak an empty 200 with no header of its own is how rack-cors refuses a preflight (origin, path, method or headers not allowed)';
const SINATRA_404 = [
  'strong 404 "Sinatra doesn’t know this ditty." is Sinatra\'s development 404 page',
  'strong X-Cascade: pass is the Rack routers\' "no route" mark (Sinatra, Rails)',
  "weak X-XSS-Protection: 1; mode=block with X-Frame-Options: SAMEORIGIN are Rack::Protection's (Sinatra) headers",
  "weak Content-Type: text/html;charset=utf-8 (no space before charset) is Sinatra's spelling",
];

/**
 * Answers that name nothing by themselves: puma sends no Server header, a Sinatra JSON answer
 * only X-Content-Type-Options, and rack-cors refuses a preflight with an empty 200 that carries no
 * header of its own. The server's other answers (history) are what name it then.
 */
const PLAIN = 'a Sinatra JSON answer under puma: no Server header, no CORS header of rack-cors';
const EMPTY_PREFLIGHT = "rack-cors' refused preflight: 200, no headers but puma's Connection and Transfer-Encoding, empty body";
const NO_STRONG: Readonly<Record<string, string>> = {
  'rack-no-cors broken #0 request 200': PLAIN,
  'rack-origin-127 broken #1 preflight 200': EMPTY_PREFLIGHT,
  'rack-methods-default broken #1 preflight 200': EMPTY_PREFLIGHT,
  'rack-headers-default broken #1 preflight 200': EMPTY_PREFLIGHT,
  'rack-basic-auth-preflight broken #0 preflight 401': "Rack::Auth::Basic's 401 (text/plain, empty, WWW-Authenticate: Basic) is what many servers send",
  'rack-sinatra-route-headers broken #0 request 200': 'CORS headers written by hand in a Sinatra route',
  'rack-sinatra-before-filter fixed #0 preflight 200': "a Sinatra options '*' route's 200 with hand-written headers: only Rack::Protection's headers, which are weak",
  'rack-sinatra-before-filter fixed #0 request 200': 'CORS headers written by hand in a Sinatra before filter',
  'rack-resource-path broken #1 request 200': PLAIN,
};

describe('rack: recognise', () => {
  itNamesEachAnswerOrSaysWhy(rack, fixture, NO_STRONG);

  // Every fingerprint of the answer Chrome blocked, as the diagnosis will quote them.
  const blocked: [string, string[]][] = [
    ['rack-no-cors', []],
    ['rack-origin-127', [REFUSED]],
    ['rack-wildcard-credentials', [EXPOSE, ACTUAL]],
    ['rack-credentials-missing', [EXPOSE, ACTUAL]],
    ['rack-methods-default', [REFUSED]],
    ['rack-headers-default', [REFUSED]],
    ['rack-warden-before-cors', ['strong 401 "You need to sign in or sign up before continuing." is Devise\'s failure message (Warden)']],
    ['rack-basic-auth-preflight', ['weak 401 text/plain, empty, with WWW-Authenticate: Basic realm="API" is Rack::Auth::Basic\'s answer']],
    ['rack-warden-redirect-login', [EXPOSE, ACTUAL]],
    ['rack-sinatra-route-headers', SINATRA_404],
    ['rack-sinatra-before-filter', SINATRA_404],
    ['rack-raise-errors', ['strong 500 "Puma caught this error: key not found: "weekly" (KeyError)" is puma\'s answer to an exception no middleware caught']],
    ['rack-route-star', [EXPOSE, ACTUAL]],
    ['rack-resource-path', []],
  ];
  itPrintsTheBlockedAnswers(rack, fixture, blocked);

  it("reads rack-cors' default methods: [:get] on the answer before a refused preflight", () => {
    const c = caseNamed(fixture, 'rack-methods-default');
    const history = observation((c.calls[0] as RecordedCall).exchanges[0] as RecordedExchange);
    expect(prints(evidenceOf(history))).toEqual([
      EXPOSE,
      'weak Access-Control-Allow-Methods GET with Access-Control-Max-Age 7200 on an actual response: rack-cors sends both on every answer (GET alone is its default methods: [:get]; 7200 its default max_age)',
    ]);
  });
});

describe('rack: fix', () => {
  itFixesEveryCase(rack, fixture, { context });

  itWritesTheWholeFix(rack, fixture, [
    [
      'rack-no-cors',
      "Nothing in this Rack app sends CORS headers. Add rack-cors (gem 'rack-cors') as the first middleware in config.ru:\nuse Rack::Cors do\n  allow do\n    origins 'http://localhost:5173'\n    resource '/api/*', headers: :any, methods: [:get, :post, :put, :patch, :delete, :options, :head]\n  end\nend\n(in Rails, config/initializers/cors.rb: Rails.application.config.middleware.insert_before 0, Rack::Cors do ... end with the same allow block)",
    ],
    [
      'rack-credentials-missing',
      "Rack::Cors sends Access-Control-Allow-Credentials only when the resource says credentials: true (off by default since rack-cors 1.0): resource '/api/*', headers: :any, methods: [:get, :post, :put, :patch, :delete, :options, :head], credentials: true",
    ],
    [
      'rack-headers-default',
      "Without headers:, Rack::Cors allows only Accept, Accept-Language, Content-Language and Content-Type, and refuses a preflight with an empty 200 (no Access-Control-Allow-Origin, so Chrome blames the origin): resource '/api/*', headers: :any (or headers: ['content-type', 'x-csrf-token'])",
    ],
    [
      'rack-warden-before-cors',
      "The authentication answered 401 before Rack::Cors ran: a preflight never carries cookies or Authorization, and Warden throws past every middleware between it and the app. Make Rack::Cors the first middleware: in config.ru, `use Rack::Cors` above the authentication middleware (use Warden::Manager, use Rack::Auth::Basic); in Rails, config.middleware.insert_before 0, Rack::Cors (Devise's Warden::Manager is already in the stack)",
    ],
  ], { context });
});

describe('rack: answers of other stacks', () => {
  const others: [string, StackEvidence][] = [
    ['nginx 404', { stage: 'request', status: 404, headers: [['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html'], ['Content-Length', '153']], body: { text: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n', type: 'text/html', bytes: 153, truncated: false }, related: [], identity: [] }],
    ['Express cors answer', { stage: 'request', status: 200, headers: [['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', 'http://localhost:5173'], ['Vary', 'Origin'], ['Content-Type', 'application/json; charset=utf-8'], ['Content-Length', '2']], body: { text: '[]', type: 'application/json; charset=utf-8', bytes: 2, truncated: false }, related: [], identity: [] }],
    ['Flask 404', { stage: 'preflight', status: 404, headers: [['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Content-Type', 'text/html; charset=utf-8'], ['Content-Length', '207']], body: { text: '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n', type: 'text/html; charset=utf-8', bytes: 207, truncated: false }, related: [], identity: [] }],
    ['Go http.Error', { stage: 'preflight', status: 405, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff'], ['Date', 'Thu, 03 Dec 2026 08:00:00 GMT'], ['Content-Length', '19']], body: { text: 'method not allowed\n', type: 'text/plain; charset=utf-8', bytes: 19, truncated: false }, related: [], identity: [] }],
    ['Starlette preflight', { stage: 'preflight', status: 200, headers: [['access-control-allow-origin', 'http://localhost:5173'], ['access-control-allow-methods', 'GET'], ['access-control-max-age', '600'], ['vary', 'Origin'], ['content-length', '2'], ['content-type', 'text/plain; charset=utf-8']], body: { text: 'OK', type: 'text/plain; charset=utf-8', bytes: 2, truncated: false }, related: [], identity: [] }],
  ];
  itFindsNoStrongFingerprint(rack, others);
});
