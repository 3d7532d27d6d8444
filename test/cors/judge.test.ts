import { describe, expect, it } from 'vitest';
import { applyPatchPlan, judge } from '../../src/cors/index.js';
import type { Exchange, ExchangeContext, HeaderLine } from '../../src/cors/types.js';

const PAGE = 'http://localhost:5173';
const API = 'http://localhost:8081/api';

function get(response: HeaderLine[], extra: HeaderLine[] = [], context: ExchangeContext = {}, status = 200): Exchange {
  return {
    stage: 'request',
    request: { url: API, method: 'GET', headers: [['Origin', PAGE], ['Sec-Fetch-Mode', 'cors'], ...extra] },
    response: { status, headers: response },
    context,
  };
}

function preflight(response: HeaderLine[], method = 'PUT', requestHeaders?: string, status = 204): Exchange {
  return {
    stage: 'preflight',
    request: {
      url: API,
      method: 'OPTIONS',
      headers: [
        ['Origin', PAGE],
        ['Access-Control-Request-Method', method],
        ...(requestHeaders ? ([['Access-Control-Request-Headers', requestHeaders]] as HeaderLine[]) : []),
      ],
    },
    response: { status, headers: response },
  };
}

describe('requests Chrome does not CORS-check', () => {
  it.each([
    ['no-origin', [] as HeaderLine[], 'http://localhost:8081/api'],
    ['mode-navigate', [['Origin', PAGE], ['Sec-Fetch-Mode', 'navigate']] as HeaderLine[], API],
    ['mode-no-cors', [['Origin', PAGE], ['Sec-Fetch-Mode', 'no-cors']] as HeaderLine[], API],
    ['mode-websocket', [['Origin', PAGE], ['Sec-Fetch-Mode', 'websocket']] as HeaderLine[], API],
    ['same-origin', [['Origin', 'http://localhost:8081']] as HeaderLine[], API],
  ] as const)('%s', (reason, headers, url) => {
    const verdict = judge({ stage: 'request', request: { url, method: 'POST', headers }, response: { status: 200, headers: [] } });
    expect(verdict.verdict).toBe('not-cors');
    expect(verdict.notCors).toBe(reason);
    expect(verdict.findings).toEqual([]);
  });
});

describe('credentials the proxy cannot see', () => {
  it('a wildcard is fine without credentials and blocked with them: conditional', () => {
    const verdict = judge(get([['Access-Control-Allow-Origin', '*']]));
    expect(verdict.verdict).toBe('conditional');
    expect(verdict.credentials).toBe('unknown');
    expect(verdict.primary?.code).toBe('WildcardOriginNotAllowed');
    expect(verdict.primary?.onlyIf).toBe('credentials-include');
  });

  it('a Cookie on a cross-origin request makes credentials certain', () => {
    const verdict = judge(get([['Access-Control-Allow-Origin', '*']], [['Cookie', 'sid=1']]));
    expect(verdict.verdict).toBe('blocked');
    expect(verdict.credentials).toBe('include');
    expect(verdict.primary?.onlyIf).toBeUndefined();
  });

  it('what fails anyway comes first; what fails only with credentials follows, marked', () => {
    const verdict = judge(get([['Access-Control-Allow-Origin', 'http://example.com']]));
    expect(verdict.verdict).toBe('blocked');
    expect(verdict.findings.map((f) => [f.code, f.onlyIf ?? null])).toEqual([
      ['AllowOriginMismatch', null],
      ['InvalidAllowCredentials', 'credentials-include'],
    ]);
  });

  it('an echoed origin with Access-Control-Allow-Credentials: true passes in both modes', () => {
    const verdict = judge(
      get([
        ['Access-Control-Allow-Origin', PAGE],
        ['Access-Control-Allow-Credentials', 'true'],
        ['Vary', 'Origin'],
      ]),
    );
    expect(verdict.verdict).toBe('allowed');
    expect(verdict.findings).toEqual([]);
    expect(verdict.patch).toEqual({ remove: [], set: [] });
  });
});

describe('revalidation', () => {
  it('a 304 without CORS headers is judged by the cached response, not blocked', () => {
    expect(judge(get([['ETag', '"1"']], [['If-None-Match', '"1"']], { credentials: 'omit' }, 304)).verdict).toBe('allowed');
  });
  it('a 304 that repeats a wrong ACAO is still checked', () => {
    expect(judge(get([['Access-Control-Allow-Origin', 'http://x.example']], [], { credentials: 'omit' }, 304)).verdict).toBe('blocked');
  });
});

describe('the message for each initiator and wording', () => {
  it('fetch gets the valid-value sentence, XHR does not; legacy wording adds the no-cors advice', () => {
    const mismatch = [['Access-Control-Allow-Origin', 'http://example.com']] as HeaderLine[];
    const current = judge(get(mismatch, [], { credentials: 'omit' })).primary!.chrome!;
    expect(current.fetch.endsWith("supplied origin. Have the server send the header with a valid value.")).toBe(true);
    expect(current.xhr.endsWith('supplied origin.')).toBe(true);
    const legacy = judge(get(mismatch, [], { credentials: 'omit', wording: 'legacy' })).primary!.chrome!;
    // The wording of Chrome <= 132 (Chromium cors_error_string.cc of that era).
    expect(legacy.fetch.endsWith(
      "Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
    )).toBe(true);
    const missing = judge(get([], [], { credentials: 'omit', wording: 'legacy' })).primary!.chrome!;
    expect(missing.fetch.endsWith(
      "present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
    )).toBe(true);
    expect(missing.xhr.endsWith('present on the requested resource.')).toBe(true);
  });

  it('a redirected request names the first URL and prints the page origin after tainting', () => {
    const verdict = judge(
      get([['Access-Control-Allow-Origin', PAGE]], [], {
        credentials: 'omit',
        redirect: { initialUrl: 'http://localhost:8081/old', tainted: true },
        pageOrigin: PAGE,
      }),
    );
    expect(verdict.primary).toBeUndefined();
    const tainted = judge({
      ...get([['Access-Control-Allow-Origin', PAGE]], [], {
        credentials: 'omit',
        redirect: { initialUrl: 'http://localhost:8081/old', tainted: true },
        pageOrigin: PAGE,
      }),
      request: { url: API, method: 'GET', headers: [['Origin', 'null']] },
    });
    expect(tainted.primary?.chrome?.fetch).toBe(
      `Access to fetch at '${API}' (redirected from 'http://localhost:8081/old') from origin '${PAGE}' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value '${PAGE}' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
    );
    expect(tainted.primary?.cause).toContain('Origin: null');
  });

  it('non-ASCII bytes in the quoted value are printed as Chrome encodes them', () => {
    const verdict = judge(get([['Access-Control-Allow-Origin', 'http://ex\u00e4mple.com\tx']], [], { credentials: 'omit' }));
    expect(verdict.primary?.chrome?.xhr).toContain("'http://ex\\u00E4mple.com\\u0009x'");
  });
});

describe('preflight check order', () => {
  it.each([
    ['redirect wins over everything (observed)', preflight([['Location', '/x']], 'PUT', undefined, 307), 'PreflightDisallowedRedirect'],
    ['missing ACAO wins over a 404 (observed)', preflight([], 'PUT', undefined, 404), 'PreflightMissingAllowOriginHeader'],
    ['status after ACAO (observed)', preflight([['Access-Control-Allow-Origin', '*']], 'PUT', undefined, 401), 'PreflightInvalidStatus'],
    ['methods parse before headers', preflight([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT DELETE'], ['Access-Control-Allow-Headers', 'a b']], 'PUT', 'x-a'), 'InvalidAllowMethodsPreflightResponse'],
    ['method before header', preflight([['Access-Control-Allow-Origin', '*']], 'PUT', 'x-a'), 'MethodDisallowedByPreflightResponse'],
    ['header', preflight([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT']], 'PUT', 'x-a'), 'HeaderDisallowedByPreflightResponse'],
  ] as const)('%s', (_n, exchange, code) => {
    expect(judge(exchange).primary?.code).toBe(code);
  });

  it('lists every refused header, and the fix allows them all', () => {
    const verdict = judge(preflight([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT']], 'PUT', 'x-b,x-c'));
    expect(verdict.primary?.cause).toContain('x-b, x-c');
    expect(verdict.primary?.fix).toBe('Send Access-Control-Allow-Headers: x-b, x-c.');
  });

  it('reports the preflight cache lifetime Chrome will use', () => {
    expect(judge(preflight([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT']])).maxAgeSeconds).toBe(5);
  });
});

describe('warnings Chrome does not block on', () => {
  const codes = (e: Exchange) => judge(e).findings.filter((f) => f.severity === 'warning').map((f) => f.code);
  it.each([
    ['echo-without-vary', get([['Access-Control-Allow-Origin', PAGE]], [], { credentials: 'omit' }), ['MissingVaryOrigin']],
    ['echo-with-vary', get([['Access-Control-Allow-Origin', PAGE], ['Vary', 'Accept, Origin']], [], { credentials: 'omit' }), []],
    ['max-age-above-cap', preflight([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Max-Age', '86400']]), ['MaxAgeAboveCap']],
    ['authorization-through-star', preflight([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Headers', '*']], 'GET', 'authorization'), ['AuthorizationCoveredByWildcard']],
    ['allow-origin-null', get([['Access-Control-Allow-Origin', 'null']], [], { credentials: 'omit' }), ['AllowOriginNull']],
    ['duplicate-acam', preflight([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Methods', 'PUT']]), ['DuplicateCorsHeader']],
    ['hidden-headers', get([['Access-Control-Allow-Origin', '*'], ['X-Total-Count', '3'], ['ETag', '"1"'], ['X-Powered-By', 'x']], [], { credentials: 'omit' }), ['HiddenResponseHeaders']],
    ['exposed-headers', get([['Access-Control-Allow-Origin', '*'], ['X-Total-Count', '3'], ['Access-Control-Expose-Headers', 'X-Total-Count']], [], { credentials: 'omit' }), []],
    ['reflected-origin-with-credentials', get([['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']], [['Cookie', 'a=1']], { otherOriginsEchoed: ['https://evil.example'] }), ['ReflectedOriginWithCredentials']],
  ] as const)('%s', (_n, exchange, expected) => {
    expect(codes(exchange)).toEqual(expected);
  });

  it('Authorization through * is allowed today, with the warning', () => {
    const verdict = judge(preflight([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Headers', '*']], 'GET', 'authorization'));
    expect(verdict.verdict).not.toBe('blocked');
    expect(verdict.findings.find((f) => f.code === 'AuthorizationCoveredByWildcard')?.severity).toBe('warning');
  });

  it('two ACAO lines: the cause says the header is added in two places', () => {
    const verdict = judge(get([['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Origin', PAGE]], [], { credentials: 'omit' }));
    expect(verdict.primary?.code).toBe('MultipleAllowOriginValues');
    expect(verdict.primary?.cause).toContain('2 separate Access-Control-Allow-Origin lines');
    expect(verdict.primary?.cause).toContain('added in two places');
  });
});

describe('the minimal patch', () => {
  it('collapses duplicated ACAO lines into one echo, adds Vary and credentials', () => {
    const response: HeaderLine[] = [['Access-Control-Allow-Origin', '*'], ['Content-Type', 'text/plain'], ['Access-Control-Allow-Origin', '*']];
    const verdict = judge(get(response));
    expect(verdict.patch.set).toEqual([
      ['Access-Control-Allow-Origin', PAGE],
      ['Vary', 'Origin'],
      ['Access-Control-Allow-Credentials', 'true'],
    ]);
    const patched = applyPatchPlan(200, response, verdict.patch);
    expect(patched.headers).toEqual([
      ['Access-Control-Allow-Origin', PAGE],
      ['Content-Type', 'text/plain'],
      ['Vary', 'Origin'],
      ['Access-Control-Allow-Credentials', 'true'],
    ]);
    expect(patched.removed).toEqual([['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Origin', '*']]);
    expect(judge(get(patched.headers)).verdict).toBe('allowed');
    expect(judge(get(patched.headers, [['Cookie', 'a=1']])).verdict).toBe('allowed');
  });

  it('answers a redirected preflight with 204 and no Location', () => {
    const exchange = preflight([['Location', 'http://localhost:8081/api/']], 'DELETE', 'x-token', 301);
    const verdict = judge(exchange);
    expect(verdict.patch.status).toBe(204);
    expect(verdict.patch.remove).toEqual(['location']);
    const patched = applyPatchPlan(301, exchange.response.headers, verdict.patch);
    expect(judge({ ...exchange, response: patched }).verdict).toBe('allowed');
  });
});
