/**
 * The ASP.NET Core profile against answers WRITTEN FROM SOURCE, NOT RECORDED: .NET cannot be
 * installed on this machine (no dotnet in Debian, no Microsoft feed), so no ASP.NET Core server runs
 * here. Each answer below is the whole wire answer (status, header lines in the order Kestrel writes
 * them, body) that the named source in dotnet/aspnetcore produces:
 *  - Kestrel CodeGenerator/KnownHeaders.cs (.NET 5+): Content-Length first, then known headers by
 *    index (Connection, Content-Type, Date, Server, then the others sorted by name), unknown ones last;
 *    no Content-Length on a 204; Content-Length: 0 when the app wrote nothing;
 *  - CORS CorsMiddleware.EvaluateAndApplyPolicy (204 for every preflight a policy covers),
 *    CorsService.ApplyResult (nothing for a refused origin; Allow-Headers / Allow-Methods only when the
 *    policy has some, joined with "," by SetHeaderJoined; Vary: Origin only with several origins);
 *  - JwtBearerHandler's challenge (WWW-Authenticate: Bearer), HttpsRedirectionMiddleware (307 + Location),
 *    DeveloperExceptionPageMiddlewareImpl (text/plain: exception, HEADERS, =======),
 *    EndpointMiddleware.ThrowMissingCorsMiddlewareException, ProblemDetailsFactory (type + traceId).
 */
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../../src/cors/types.js';
import { aspnetcore } from '../../../src/diagnose/stacks/aspnetcore.js';
import { EMPTY_HISTORY, type DiagnosisCode, type FixContext, type ServerHistory, type StackEvidence } from '../../../src/diagnose/types.js';
import { baseContext, diagnoseWritten, everyRecordedAnswer, itFindsNoStrongFingerprint, itFixesPerCode, itWritesAFixForEveryCode, PAGE, prints as printsOf, strongOf, textBody, writtenCall as call, writtenEvidence, writtenPreflight as preflight, type WrittenAnswer as Answer } from '../../support/stack-cases.js';

const API = 'http://localhost:5000';
const DATE: HeaderLine = ['Date', 'Tue, 03 Dec 2024 10:00:00 GMT'];
const KESTREL: HeaderLine = ['Server', 'Kestrel'];

const DEV_PAGE = [
  'System.InvalidOperationException: Endpoint HTTP: PUT /api/items/{id} contains CORS metadata, but a middleware was not found that supports CORS.',
  'Configure your application startup by adding app.UseCors() in the application startup code. If there are calls to app.UseRouting() and app.UseEndpoints(...), the call to app.UseCors() must go between them.',
  '   at Microsoft.AspNetCore.Routing.EndpointMiddleware.ThrowMissingCorsMiddlewareException(Endpoint endpoint)',
  '   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext httpContext)',
  '   at Microsoft.AspNetCore.Diagnostics.DeveloperExceptionPageMiddlewareImpl.Invoke(HttpContext context)',
  '',
  'HEADERS',
  '=======',
  'Accept: */*',
  'Host: localhost:5000',
  'Origin: http://localhost:5173',
  'Access-Control-Request-Method: PUT',
  '',
].join('\n');

const ANSWERS: Record<string, Answer> = {
  // CorsService.ApplyResult returns at !IsOriginAllowed; CorsMiddleware still sets 204 and ends the preflight.
  'preflight-origin-refused': { stage: 'preflight', request: preflight('PUT', 'content-type'), status: 204, headers: [DATE, KESTREL], body: '' },
  // WithOrigins(page).AllowAnyHeader() and no methods: Allow-Headers echoes the request's, no Allow-Methods.
  'preflight-no-methods': { stage: 'preflight', request: preflight('PUT', 'content-type'), status: 204, headers: [DATE, KESTREL, ['Access-Control-Allow-Headers', 'content-type'], ['Access-Control-Allow-Origin', PAGE]], body: '' },
  // WithOrigins(page, "http://localhost:3000").AllowAnyHeader().AllowAnyMethod().AllowCredentials(): two origins -> Vary: Origin.
  'preflight-allowed': {
    stage: 'preflight',
    request: preflight('PUT', 'authorization,content-type'),
    status: 204,
    headers: [DATE, KESTREL, ['Access-Control-Allow-Credentials', 'true'], ['Access-Control-Allow-Headers', 'authorization,content-type'], ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Origin', PAGE], ['Vary', 'Origin']],
    body: '',
  },
  // UseAuthorization before UseCors on an [Authorize] endpoint with CORS metadata (dotnet/aspnetcore#20709).
  'jwt-401-preflight': { stage: 'preflight', request: preflight('GET', 'authorization'), status: 401, headers: [['Content-Length', '0'], DATE, KESTREL, ['WWW-Authenticate', 'Bearer']], body: '' },
  // UseHttpsRedirection first (dotnet/aspnetcore#36542): 307 (its default RedirectStatusCode) to the https port.
  'https-redirect-307': { stage: 'preflight', request: preflight('PUT', 'content-type'), status: 307, headers: [['Content-Length', '0'], DATE, KESTREL, ['Location', 'https://localhost:7001/api/items/1']], body: '' },
  // RequireCors("spa") on the endpoint, no app.UseCors(): EndpointMiddleware throws; the developer page (Development) answers in text.
  'dev-page-missing-usecors': {
    stage: 'preflight',
    request: preflight('PUT', 'content-type'),
    status: 500,
    headers: [['Content-Type', 'text/plain; charset=utf-8'], DATE, KESTREL, ['Transfer-Encoding', 'chunked']],
    body: DEV_PAGE,
  },
  // [ApiController] model validation through UseCors: the CORS headers are there, the body is ProblemDetails.
  'problem-details-400': {
    stage: 'request',
    request: call('POST', [['Content-Type', 'text/plain;charset=UTF-8']]),
    status: 400,
    headers: [['Content-Type', 'application/problem+json; charset=utf-8'], DATE, KESTREL, ['Access-Control-Allow-Origin', PAGE], ['Transfer-Encoding', 'chunked']],
    body: '{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"Name":["The Name field is required."]},"traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}',
  },
  // AddServerHeader = false, Production, no exception handler: Kestrel's own 500 after an unhandled exception.
  'bare-500-no-server-header': { stage: 'request', request: call('GET'), status: 500, headers: [['Content-Length', '0'], DATE], body: '' },
  // AllowAnyOrigin() (no AllowCredentials: the two together throw at startup) on a credentialed GET.
  'any-origin-credentialed': {
    stage: 'request',
    request: call('GET', [['Cookie', '.AspNetCore.Cookies=CfDJ8']]),
    status: 200,
    headers: [['Content-Type', 'application/json; charset=utf-8'], DATE, KESTREL, ['Access-Control-Allow-Origin', '*'], ['Transfer-Encoding', 'chunked']],
    body: '[]',
  },
};

const evidenceOf = (a: Answer, related: Answer[] = []) => writtenEvidence(API, a, related);

const prints = (e: StackEvidence) => printsOf(aspnetcore, e);
const SERVER = 'strong Server: Kestrel';

describe('aspnetcore: recognise (answers written from source)', () => {
  it.each([
    ['preflight-origin-refused', [SERVER, "weak a bare 204 to the preflight, no CORS headers, is how ASP.NET Core's CorsMiddleware answers an origin its policy refuses"]],
    ['preflight-no-methods', [SERVER]],
    ['preflight-allowed', [SERVER]],
    // JwtBearer's bare "Bearer" challenge is what every bearer scheme sends (Fastify's recorded hook too): not a fingerprint.
    ['jwt-401-preflight', [SERVER]],
    ['https-redirect-307', [SERVER]],
    [
      'dev-page-missing-usecors',
      [
        SERVER,
        'strong 500 text/plain "System.InvalidOperationException: …" followed by HEADERS ======= is ASP.NET Core\'s developer exception page',
        'strong "contains CORS metadata, but a middleware was not found that supports CORS" is ASP.NET Core\'s EndpointMiddleware: app.UseCors() is missing or not between UseRouting and the endpoints',
      ],
    ],
    ['problem-details-400', [SERVER, 'strong 400 ProblemDetails with "type":"https://tools.ietf.org/html/rfc…" and a W3C "traceId" is ASP.NET Core\'s ProblemDetailsFactory']],
    // With the Server header turned off, Kestrel's bare 500 only fits it by the order of its two lines.
    ['bare-500-no-server-header', ["weak header lines in Kestrel's order (Content-Length first, then Content-Type, Date, and the rest by name)"]],
    ['any-origin-credentialed', [SERVER]],
  ] as const)('%s: exact fingerprints', (name, expected) => {
    expect(prints(evidenceOf(ANSWERS[name] as Answer))).toEqual(expected);
  });

  it('reads Server: Kestrel from the paired answer and from the server identity corscope remembers', () => {
    const e: StackEvidence = { stage: 'request', status: 200, headers: [['Content-Type', 'application/json']], related: [{ status: 204, headers: [DATE, KESTREL] }], identity: [KESTREL] };
    expect(strongOf(aspnetcore, e)).toEqual(['Server: Kestrel (on the paired answer)', 'Server: Kestrel (on earlier answers)']);
  });
});

describe('aspnetcore: answers of other stacks give no strong fingerprint', () => {
  const text = (t: string) => textBody(t, null);
  const hand: [string, StackEvidence][] = [
    ['Spring 403 "Invalid CORS request"', { stage: 'preflight', status: 403, headers: [['Vary', 'Origin'], ['Vary', 'Access-Control-Request-Method'], ['Vary', 'Access-Control-Request-Headers'], ['Transfer-Encoding', 'chunked'], DATE], body: text('Invalid CORS request'), related: [], identity: [] }],
    ['Spring Boot error JSON', { stage: 'request', status: 500, headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked'], DATE, ['Connection', 'close']], body: text('{"timestamp":"2024-12-03T10:00:00.000+00:00","status":500,"error":"Internal Server Error","path":"/api/items"}'), related: [], identity: [] }],
    ['Spring 6 ProblemDetail', { stage: 'request', status: 404, headers: [['Content-Type', 'application/problem+json'], DATE], body: text('{"type":"about:blank","title":"Not Found","status":404,"instance":"/api/x"}'), related: [], identity: [] }],
    ['nginx 404', { stage: 'preflight', status: 404, headers: [['Server', 'nginx/1.22.1'], DATE, ['Content-Type', 'text/html']], related: [], identity: [] }],
  ];
  itFindsNoStrongFingerprint(aspnetcore, [...everyRecordedAnswer(), ...hand], '%s');
});

const BASE: FixContext = baseContext(204);

describe('aspnetcore: fix per code', () => {
  const ORDER = 'app.UseRouting(); app.UseCors(); app.UseAuthentication(); app.UseAuthorization();';
  const policy = (chain: string) => `builder.Services.AddCors(options => options.AddDefaultPolicy(policy => policy.WithOrigins("http://localhost:5173")${chain}));`;
  const cases: [DiagnosisCode, Partial<FixContext>, string][] = [
    ['no-cors', { method: 'GET', requestHeaders: [], status: 200 }, `ASP.NET Core sends CORS headers only from its CORS middleware: in Program.cs ${policy('.AllowAnyHeader().AllowAnyMethod()')} and, after builder.Build(), ${ORDER} (UseCors after UseRouting, before UseAuthentication and UseAuthorization)`],
    [
      'origin-not-allowed',
      {},
      `The CORS policy does not allow http://localhost:5173: ASP.NET Core then answers the preflight 204 with no CORS headers at all, and the request without them. WithOrigins compares the Origin exactly (lower-cased): scheme, host and port, no trailing slash or path (WithOrigins("http://localhost:5173/") never matches; localhost and 127.0.0.1 differ). If the endpoint names a policy ([EnableCors("name")], .RequireCors("name"), app.UseCors("name")), that policy must list it: ${policy('.AllowAnyHeader().AllowAnyMethod()')}`,
    ],
    [
      'wildcard-with-credentials',
      { method: 'GET', credentials: true, allowOrigin: '*', status: 200 },
      `AllowAnyOrigin() sends *, which a credentialed request may not use, and ASP.NET Core refuses AllowAnyOrigin() with AllowCredentials() ("The CORS protocol does not allow specifying a wildcard (any) origin and credentials at the same time"). Name the origin: ${policy('.AllowAnyHeader().AllowAnyMethod().AllowCredentials()')} (SetIsOriginAllowed(origin => true) echoes any origin: only for trusted callers)`,
    ],
    [
      'credentials-not-allowed',
      { method: 'GET', credentials: true, status: 200 },
      `A CORS policy sends no Access-Control-Allow-Credentials unless it calls AllowCredentials() (CorsPolicy.SupportsCredentials is false by default): ${policy('.AllowAnyHeader().AllowAnyMethod().AllowCredentials()')}`,
    ],
    [
      'auth-before-cors',
      { method: 'GET', requestHeaders: ['authorization'], status: 401 },
      `The 401 came from authentication or authorization before the CORS middleware ran, and a preflight never carries credentials. Middleware run in the order Program.cs adds them: put app.UseCors() after app.UseRouting() and before app.UseAuthentication() and app.UseAuthorization(): ${ORDER} CorsMiddleware then answers the preflight itself (204) and adds its headers to the 401 answers`,
    ],
    [
      'preflight-unhandled',
      { status: 405 },
      `No CORS policy answered OPTIONS /api/items/1, so endpoint routing did (405, Allow listing the endpoint's methods): add the CORS middleware with a default policy: ${policy('.AllowAnyHeader().AllowAnyMethod()')} ${ORDER} Or give the endpoint its own policy with [EnableCors("name")] or .RequireCors("name")`,
    ],
    [
      'error-without-cors',
      { status: 500 },
      `The 500 went out without CORS headers, so Chrome hides it. In ASP.NET Core: (1) an unhandled exception that reaches Kestrel becomes a bare 500 without the headers UseCors adds as the response starts: add app.UseExceptionHandler(...) before app.UseCors(), so the error answer is written inside the pipeline and keeps them (dotnet/aspnetcore#2378); (2) "contains CORS metadata, but a middleware was not found that supports CORS" in the log or the developer exception page means app.UseCors() is missing or placed before app.UseRouting(): ${ORDER} Then fix the 500 itself`,
    ],
    [
      'method-not-allowed',
      { missingMethods: ['PUT'] },
      `The CORS policy lists no methods: without WithMethods or AllowAnyMethod CorsService sends no Access-Control-Allow-Methods, so only GET, HEAD and POST pass: add PUT with .WithMethods(...) or .AllowAnyMethod(): ${policy('.AllowAnyHeader().WithMethods("PUT")')}`,
    ],
    [
      'method-not-allowed',
      { method: 'DELETE', allowedMethods: ['GET', 'POST'], missingMethods: ['DELETE'] },
      `The CORS policy allows GET,POST only: add DELETE with .WithMethods(...) or .AllowAnyMethod(): ${policy('.AllowAnyHeader().WithMethods("GET", "POST", "DELETE")')}`,
    ],
    [
      'header-not-allowed',
      { requestHeaders: ['authorization', 'content-type'], allowedHeaders: ['Content-Type'], missingHeaders: ['authorization'] },
      `The CORS policy allows Content-Type only, and the page sends authorization: add them with .WithHeaders(...) or .AllowAnyHeader(): ${policy('.WithHeaders("Content-Type", "Authorization").AllowAnyMethod()')}`,
    ],
    [
      'redirect-before-cors',
      { status: 307, location: 'https://localhost:7001/api/items/1' },
      'app.UseHttpsRedirection() answered 307 to https://localhost:7001/api/items/1 before the CORS middleware, and Chrome never follows a redirect of a preflight: call https://localhost:7001/api/items/1 (the https URL) from the page; for plain http in development, drop app.UseHttpsRedirection() or put app.UseCors() before it',
    ],
    [
      'redirect-to-login',
      { method: 'GET', requestHeaders: [], status: 302, path: '/api/me', location: 'http://localhost:9000/login' },
      'Cookie authentication redirects an unauthenticated call to its LoginPath (http://localhost:9000/login), which has no CORS and which a fetch cannot use (it answers 401 only when X-Requested-With: XMLHttpRequest is sent). Answer 401 instead, in AddCookie(options => ...) (ConfigureApplicationCookie with Identity): options.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };',
    ],
  ];
  itFixesPerCode(aspnetcore, BASE, cases);

  itWritesAFixForEveryCode(aspnetcore, BASE);
});

describe('aspnetcore: the real diagnose() on answers written from source', () => {
  // The same server allowed another origin on this path before (a second SPA on port 3000).
  const allowedOther: ServerHistory = {
    ...EMPTY_HISTORY,
    answers: 3,
    answersWithCors: 2,
    allowOrigins: ['http://localhost:3000'],
    pathsWithCors: ['/api/items/1'],
    echoesOrigin: true,
    echoPaths: ['/api/items/1'],
    identity: [KESTREL],
  };
  it.each([
    ['preflight-origin-refused', 'omit', allowedOther, 'origin-not-allowed', 'WithOrigins("http://localhost:5173")'],
    ['jwt-401-preflight', 'omit', EMPTY_HISTORY, 'auth-before-cors', 'app.UseRouting(); app.UseCors(); app.UseAuthentication(); app.UseAuthorization();'],
    ['https-redirect-307', 'omit', EMPTY_HISTORY, 'redirect-before-cors', 'app.UseHttpsRedirection()'],
    ['preflight-no-methods', 'omit', EMPTY_HISTORY, 'method-not-allowed', '.WithMethods("PUT")'],
    ['dev-page-missing-usecors', 'omit', EMPTY_HISTORY, 'error-without-cors', 'app.UseCors() is missing or placed before app.UseRouting()'],
    ['any-origin-credentialed', 'include', EMPTY_HISTORY, 'wildcard-with-credentials', '.AllowCredentials()'],
  ] as const)('%s (%s) -> %s, stack aspnetcore, fix with %s', (name, credentials, history, code, api) => {
    const d = diagnoseWritten(API, ANSWERS[name] as Answer, credentials, history);
    expect(d).toMatchObject({ code, stack: 'aspnetcore' });
    expect(d!.fix).toContain(api);
  });
});
