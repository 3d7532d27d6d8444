/**
 * The Flask profile against what real Flask 2.2 + Flask-CORS 3.0.10 answered Chromium
 * (test/fixtures/servers/flask.json, recorded by test/servers/record.mjs flask).
 */
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../../src/cors/types.js';
import { flask } from '../../../src/diagnose/stacks/flask.js';
import { answersInRuns, apiAnswers, caseNamed, contextFor, evidenceOf, itFindsNoStrongFingerprint, itFixesEveryCase, loadFixture, observation, otherAnswer, strongOf } from '../../support/stack-cases.js';

const fixture = loadFixture('flask');
const answers = answersInRuns(fixture.cases).map(([name, , x]) => [name, observation(x)] as const);

describe('flask: recognise', () => {
  it.each(answers)('%s names Flask by a strong fingerprint', (_, o) => {
    expect(strongOf(flask, evidenceOf(o)).length).toBeGreaterThan(0);
  });

  it.each([
    ['flask-no-cors', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)"]],
    ['flask-origin-127', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", 'an empty 200 with Allow: OPTIONS, HEAD, DELETE, GET, PUT is Flask\'s automatic OPTIONS answer']],
    ['flask-methods', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", 'an empty 200 with Allow: PUT, OPTIONS, HEAD, GET, DELETE is Flask\'s automatic OPTIONS answer', 'a preflight answer with Access-Control-Allow-Origin but no Access-Control-Allow-Methods is how Flask-CORS refuses a method']],
    ['flask-allow-headers', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", "Access-Control-Allow-Methods DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT is Flask-CORS' default methods", "an empty 200 with Allow: GET, OPTIONS, HEAD, POST is Flask's automatic OPTIONS answer"]],
    ['flask-debug-500', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", '500 "ZeroDivisionError: division by zero // Werkzeug Debugger" is the Werkzeug debugger\'s page (Flask in debug mode)']],
    ['flask-strict-slashes', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", '308 "<title>Redirecting...</title>" is Werkzeug\'s own HTML page', "Access-Control-Allow-Methods DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT is Flask-CORS' default methods"]],
  ] as const)('%s, the blocked call\'s answer %i: exact evidence', (name, index, evidence) => {
    const api = apiAnswers(caseNamed(fixture, name).calls.at(-1)!);
    expect(flask.recognise(evidenceOf(observation(api[index]!))).map((f) => f.evidence)).toEqual(evidence);
  });

  it('behind a proxy, the Werkzeug debugger page still names Flask', () => {
    const c = caseNamed(fixture, 'flask-debug-500');
    const o = observation(c.calls[0]!.exchanges[0]!);
    const prints = flask.recognise({ ...evidenceOf(o), headers: [['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html; charset=utf-8']] });
    expect(prints).toEqual([{ evidence: '500 "ZeroDivisionError: division by zero // Werkzeug Debugger" is the Werkzeug debugger\'s page (Flask in debug mode)', weight: 'strong' }]);
  });
});

describe('flask: fix', () => {
  itFixesEveryCase(flask, fixture, { title: '%s (%s): the fix contains what was applied' });

  it('method-not-allowed with a list on the wire names the whole list', () => {
    const c = caseNamed(fixture, 'flask-methods');
    expect(flask.fix({ ...contextFor(c), allowedMethods: ['GET', 'POST'] })).toBe(
      'Flask-CORS answers a preflight for a method outside its methods list without Access-Control-Allow-Methods: methods=["GET", "POST", "DELETE"] in CORS(app, ...), or leave methods out: its default allows GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE',
    );
  });

  it('a redirect that is not a trailing slash falls back to the generic fix', () => {
    const c = caseNamed(fixture, 'flask-strict-slashes');
    expect(flask.fix({ ...contextFor(c), location: 'https://localhost:8081/api/orders' })).toBeUndefined();
  });
});

describe('flask: other stacks are not Flask', () => {
  const other = (headers: HeaderLine[], status?: number, text?: string, stage?: 'preflight' | 'request') => otherAnswer(headers, status, text, stage, 'text/html');
  itFindsNoStrongFingerprint(flask, [
    ['nginx 404', other([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express', other([['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*']])],
    ['uvicorn + Starlette allow_methods=["*"]', other([['server', 'uvicorn'], ['access-control-allow-methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'], ['access-control-allow-origin', 'http://localhost:5173']], 200, 'OK', 'preflight')],
    ['Django runserver', other([['Server', 'WSGIServer/0.2 CPython/3.11.2'], ['X-Frame-Options', 'DENY'], ['Referrer-Policy', 'same-origin']])],
    ['Django view OPTIONS (Allow, empty)', other([['Server', 'WSGIServer/0.2 CPython/3.11.2'], ['Content-Type', 'text/html; charset=utf-8'], ['Allow', 'GET, OPTIONS'], ['Content-Length', '0'], ['Referrer-Policy', 'same-origin']], 200, '', 'preflight')],
    ['Go net/http 404', other([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
    ['Kestrel', other([['Server', 'Kestrel']], 405)],
  ]);
});
