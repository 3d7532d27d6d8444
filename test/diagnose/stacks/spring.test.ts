/**
 * The Spring profile against answers WRITTEN FROM SOURCE, NOT RECORDED: neither Java nor Maven
 * Central is reachable on this machine, so no Spring server runs here. Each answer below is the
 * whole wire answer (status, header lines in the order Spring and Tomcat / Reactor Netty write them,
 * body) that the named source produces:
 *  - spring-web DefaultCorsProcessor (servlet): three response.addHeader(VARY, ...) first, then
 *    rejectRequest = 403 + "Invalid CORS request", or setAccessControlAllowOrigin / Methods ("," joined)
 *    / Headers (", " joined) / Credentials / Max-Age in that order; reactive DefaultCorsProcessor:
 *    the same Vary lines, rejectRequest = 403 with no body;
 *  - CorsConfiguration: applyPermitDefaultValues (GET, HEAD, POST; headers *; maxAge 1800),
 *    checkHeaders (only the requested headers it allows), checkOrigin -> validateAllowCredentials;
 *  - Spring Security HeadersConfigurer (nosniff, X-XSS-Protection 0 / "1; mode=block", Cache-Control,
 *    Pragma, Expires, X-Frame-Options DENY, written on commit), BasicAuthenticationEntryPoint;
 *  - Spring Boot DefaultErrorAttributes; Tomcat Http11Processor.prepareResponse (Content-Type,
 *    Content-Length or Transfer-Encoding, Date, Keep-Alive: timeout=60 + Connection: keep-alive, or
 *    Connection: close after a 500).
 */
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../../src/cors/types.js';
import { spring } from '../../../src/diagnose/stacks/spring.js';
import type { DiagnosisCode, FixContext, StackEvidence } from '../../../src/diagnose/types.js';
import { baseContext, diagnoseWritten, everyRecordedAnswer, itFindsNoStrongFingerprint, itFixesPerCode, itWritesAFixForEveryCode, PAGE, prints as printsOf, writtenCall as call, writtenEvidence, writtenPreflight as preflight, type WrittenAnswer as Answer } from '../../support/stack-cases.js';

const API = 'http://localhost:8080';
const DATE: HeaderLine = ['Date', 'Tue, 03 Dec 2024 10:00:00 GMT'];
const KEEP: HeaderLine[] = [['Keep-Alive', 'timeout=60'], ['Connection', 'keep-alive']];
const VARY: HeaderLine[] = [['Vary', 'Origin'], ['Vary', 'Access-Control-Request-Method'], ['Vary', 'Access-Control-Request-Headers']];
const SECURITY_6: HeaderLine[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-XSS-Protection', '0'],
  ['Cache-Control', 'no-cache, no-store, max-age=0, must-revalidate'],
  ['Pragma', 'no-cache'],
  ['Expires', '0'],
  ['X-Frame-Options', 'DENY'],
];
const SECURITY_5: HeaderLine[] = SECURITY_6.map(([n, v]) => (n === 'X-XSS-Protection' ? [n, '1; mode=block'] : [n, v]));

const bootError = (status: number, error: string, path: string) => `{"timestamp":"2024-12-03T10:00:00.000+00:00","status":${status},"error":"${error}","path":"${path}"}`;

const ANSWERS: Record<string, Answer> = {
  // DefaultCorsProcessor.handleInternal -> checkMethods null (PUT outside GET, HEAD, POST) -> rejectRequest;
  // the body is flushed without a length, so Tomcat chunks it.
  'servlet-refused': { stage: 'preflight', request: preflight('PUT', 'content-type'), status: 403, headers: [...VARY, ['Transfer-Encoding', 'chunked'], DATE, ...KEEP], body: 'Invalid CORS request' },
  // reactive DefaultCorsProcessor.rejectRequest: setStatusCode(FORBIDDEN) only; Reactor Netty adds content-length.
  'webflux-refused': { stage: 'preflight', request: preflight('DELETE'), status: 403, headers: [...VARY, ['content-length', '0']], body: '' },
  // CorsRegistry.addMapping("/**").allowedOrigins(page): applyPermitDefaultValues, allowedHeaders * echoes the request's.
  'servlet-allowed-defaults': {
    stage: 'preflight',
    request: preflight('POST', 'content-type'),
    status: 200,
    headers: [...VARY, ['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Methods', 'GET,HEAD,POST'], ['Access-Control-Allow-Headers', 'content-type'], ['Access-Control-Max-Age', '1800'], ['Content-Length', '0'], DATE, ...KEEP],
    body: '',
  },
  // allowedMethods("GET", "PUT").allowedHeaders("Content-Type"): checkHeaders keeps the allowed one of the two asked.
  'servlet-headers-partial': {
    stage: 'preflight',
    request: preflight('PUT', 'authorization,content-type'),
    status: 200,
    headers: [...VARY, ['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Methods', 'GET,PUT'], ['Access-Control-Allow-Headers', 'content-type'], ['Access-Control-Max-Age', '1800'], ['Content-Length', '0'], DATE, ...KEEP],
    body: '',
  },
  // CorsInterceptor on a credentialed GET, allowCredentials left unset.
  'servlet-request-no-credentials': {
    stage: 'request',
    request: call('GET', [['Cookie', 'JSESSIONID=4F1C']]),
    status: 200,
    headers: [...VARY, ['Access-Control-Allow-Origin', PAGE], ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked'], DATE, ...KEEP],
    body: '{"items":[]}',
  },
  // Spring Security 6 httpBasic without http.cors(): BasicAuthenticationEntryPoint adds WWW-Authenticate and
  // sends 401; HeaderWriterFilter writes its headers on commit; the ERROR dispatch is secured too, so no body.
  'security6-401-preflight': { stage: 'preflight', request: preflight('GET', 'authorization'), status: 401, headers: [['WWW-Authenticate', 'Basic realm="Realm"'], ...SECURITY_6, ['Content-Length', '0'], DATE, ...KEEP], body: '' },
  // Spring Boot 2.7 / Security 5.7: the same 401, then BasicErrorController's JSON on the ERROR dispatch.
  'boot2-401-json': {
    stage: 'request',
    request: call('GET'),
    status: 401,
    headers: [['WWW-Authenticate', 'Basic realm="Realm"'], ...SECURITY_5, ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked'], DATE, ...KEEP],
    body: bootError(401, 'Unauthorized', '/api/items'),
  },
  // A CorsFilter bean with allowedOrigins("*") + allowCredentials(true): checkOrigin -> validateAllowCredentials
  // throws IllegalArgumentException; Tomcat forwards to /error (the filter skips ERROR dispatches), 500 drops the connection.
  'boot-500-credentials-star': {
    stage: 'request',
    request: call('GET', [['Cookie', 'JSESSIONID=4F1C']]),
    status: 500,
    headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked'], DATE, ['Connection', 'close']],
    body: bootError(500, 'Internal Server Error', '/api/items'),
  },
  // Spring Boot 3 with spring.mvc.problemdetails.enabled: ProblemDetail for an unmapped path.
  'boot3-problem-404': {
    stage: 'request',
    request: call('GET'),
    status: 404,
    headers: [['Content-Type', 'application/problem+json'], ['Transfer-Encoding', 'chunked'], DATE, ...KEEP],
    body: '{"type":"about:blank","title":"Not Found","status":404,"detail":"No static resource api/itemz.","instance":"/api/itemz"}',
  },
};

const evidenceOf = (a: Answer, related: Answer[] = []) => writtenEvidence(API, a, related);

const prints = (e: StackEvidence) => printsOf(spring, e);

const REFUSED = "strong 403 \"Invalid CORS request\" is Spring's DefaultCorsProcessor refusing the origin, the method or the headers";
const V3 = 'Vary: Origin, Vary: Access-Control-Request-Method, Vary: Access-Control-Request-Headers as three lines';
const KEEPALIVE = "weak Keep-Alive: timeout=60 is embedded Tomcat's default (Spring Boot's server)";
const SEC = (xss: string) => `strong X-Content-Type-Options: nosniff, X-XSS-Protection: ${xss}, Cache-Control: no-cache, no-store, max-age=0, must-revalidate, Pragma: no-cache, Expires: 0, X-Frame-Options: DENY in that order are Spring Security's default headers`;
const REALM = 'weak WWW-Authenticate: Basic realm="Realm" is Spring Security\'s default HTTP Basic realm';

describe('spring: recognise (answers written from source)', () => {
  it.each([
    ['servlet-refused', [REFUSED, `strong 403 with ${V3} is Spring's DefaultCorsProcessor.rejectRequest (WebFlux's writes no body)`, KEEPALIVE]],
    ['webflux-refused', [`strong 403 with ${V3} is Spring's DefaultCorsProcessor.rejectRequest (WebFlux's writes no body)`]],
    [
      'servlet-allowed-defaults',
      [`strong ${V3}, ahead of the Access-Control-* lines, is Spring's DefaultCorsProcessor`, "strong Access-Control-Allow-Methods GET,HEAD,POST with Access-Control-Max-Age 1800 are CorsConfiguration.applyPermitDefaultValues' (CorsRegistry, @CrossOrigin)", KEEPALIVE],
    ],
    ['servlet-headers-partial', [`strong ${V3}, ahead of the Access-Control-* lines, is Spring's DefaultCorsProcessor`, "weak Access-Control-Max-Age 1800 is Spring's default maxAge", KEEPALIVE]],
    ['servlet-request-no-credentials', [`strong ${V3} on an actual request is Spring's DefaultCorsProcessor (rs/cors adds them to preflights only)`, KEEPALIVE]],
    ['security6-401-preflight', [SEC('0'), REALM, KEEPALIVE]],
    ['boot2-401-json', ['strong 401 {"timestamp":…,"status":401,"error":…,"path":…} is Spring Boot\'s default error answer (BasicErrorController)', SEC('1; mode=block'), REALM, KEEPALIVE]],
    ['boot-500-credentials-star', ['strong 500 {"timestamp":…,"status":500,"error":…,"path":…} is Spring Boot\'s default error answer (BasicErrorController)']],
    // Without Spring Boot's error JSON or Spring Security's headers, a ProblemDetail only fits Spring.
    ['boot3-problem-404', ['weak 404 ProblemDetail with "type":"about:blank" and "instance" is consistent with Spring 6\'s ProblemDetail', KEEPALIVE]],
  ] as const)('%s: exact fingerprints', (name, expected) => {
    expect(prints(evidenceOf(ANSWERS[name] as Answer))).toEqual(expected);
  });

  it("the Vary lines of the paired preflight name Spring on an actual answer that has none", () => {
    const request: Answer = { stage: 'request', request: call('POST'), status: 200, headers: [['Content-Type', 'application/json'], ['Content-Length', '2'], DATE], body: '{}' };
    expect(prints(evidenceOf(request, [ANSWERS['servlet-allowed-defaults'] as Answer]))).toContain(`strong ${V3} on the paired preflight, ahead of its Access-Control-* lines, are Spring's DefaultCorsProcessor's`);
  });
});

describe('spring: answers of other stacks give no strong fingerprint', () => {
  const kestrel: [string, StackEvidence][] = [
    ['Kestrel 204 preflight', { stage: 'preflight', status: 204, headers: [DATE, ['Server', 'Kestrel'], ['Access-Control-Allow-Methods', 'GET,HEAD,POST'], ['Access-Control-Allow-Origin', PAGE]], related: [], identity: [] }],
    ['Kestrel 400 ProblemDetails', { stage: 'request', status: 400, headers: [['Content-Type', 'application/problem+json; charset=utf-8'], DATE, ['Server', 'Kestrel']], body: { text: '{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"Bad Request","status":400,"traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}', type: 'application/problem+json; charset=utf-8', bytes: 150, truncated: false }, related: [], identity: [] }],
    ['Django security headers', { stage: 'request', status: 403, headers: [['X-Frame-Options', 'DENY'], ['X-Content-Type-Options', 'nosniff'], ['Referrer-Policy', 'same-origin'], ['Vary', 'Origin']], related: [], identity: [] }],
  ];
  itFindsNoStrongFingerprint(spring, [...everyRecordedAnswer(), ...kestrel], '%s');
});

const BASE: FixContext = baseContext(200);

describe('spring: fix per code', () => {
  const MVC = 'in a WebMvcConfigurer (WebFluxConfigurer for WebFlux), addCorsMappings(CorsRegistry registry):';
  const SEC_CORS = 'With Spring Security, also http.cors(Customizer.withDefaults()) in the SecurityFilterChain, so its CorsFilter answers the preflight before authentication.';
  const securityCors = (methods: string, creds = '') =>
    `http.cors(Customizer.withDefaults()) in the SecurityFilterChain (Spring Security's CorsFilter then answers the preflight before any authentication, from your addCorsMappings or a CorsConfigurationSource bean: CorsConfiguration config = new CorsConfiguration(); config.setAllowedOrigins(List.of("http://localhost:5173")); config.setAllowedMethods(List.of(${methods})); config.setAllowedHeaders(List.of("*"));${creds} UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource(); source.registerCorsConfiguration("/**", config);)`;
  const cases: [DiagnosisCode, Partial<FixContext>, string][] = [
    ['no-cors', { method: 'GET', requestHeaders: [] }, `Spring adds no CORS headers unless a CorsConfiguration covers the path: ${MVC} registry.addMapping("/**").allowedOrigins("http://localhost:5173"); (or @CrossOrigin(origins = "http://localhost:5173") on the controller). ${SEC_CORS}`],
    [
      'origin-not-allowed',
      { status: 403 },
      `Spring answers 403 "Invalid CORS request" alike when the origin is not in allowedOrigins, when the method is not in allowedMethods (GET, HEAD, POST unless set), when none of the requested headers is allowed, and to every preflight no CORS mapping covers. The page is http://localhost:5173 asking PUT with headers content-type: ${MVC} registry.addMapping("/**").allowedOrigins("http://localhost:5173").allowedMethods("GET", "HEAD", "POST", "PUT").allowedHeaders("Content-Type"); ${SEC_CORS}`,
    ],
    [
      'origin-not-allowed',
      { method: 'GET', requestHeaders: [], status: 200 },
      `allowedOrigins does not list http://localhost:5173 (an exact match of scheme, host and port: localhost and 127.0.0.1 differ): ${MVC} registry.addMapping("/**").allowedOrigins("http://localhost:5173"); (or allowedOriginPatterns("http://localhost:[*]") for any local port)`,
    ],
    [
      'origin-fixed-other',
      { method: 'GET', allowOrigin: 'http://localhost:3000' },
      `Spring's CORS echoes the request's Origin when it matches (and trims a trailing slash from allowedOrigins), so Access-Control-Allow-Origin: http://localhost:3000 is written by hand: a filter or controller calling response.setHeader("Access-Control-Allow-Origin", ...), ResponseEntity.header(...), or a proxy in front. Remove it and configure registry.addMapping("/**").allowedOrigins("http://localhost:5173");`,
    ],
    [
      'wildcard-with-credentials',
      { method: 'GET', credentials: true, allowOrigin: '*' },
      'allowedOrigins("*") (and @CrossOrigin\'s default) sends *, which a credentialed request may not use, and since Spring 5.3 allowCredentials(true) with "*" throws IllegalArgumentException. Name the origin: registry.addMapping("/**").allowedOrigins("http://localhost:5173").allowCredentials(true); (or allowedOriginPatterns("*").allowCredentials(true), which echoes any origin: only for trusted callers)',
    ],
    [
      'credentials-not-allowed',
      { method: 'GET', credentials: true },
      'allowCredentials is off by default in CorsConfiguration (@CrossOrigin too): add .allowCredentials(true): registry.addMapping("/**").allowedOrigins("http://localhost:5173").allowCredentials(true); (or @CrossOrigin(origins = "http://localhost:5173", allowCredentials = "true"))',
    ],
    [
      'auth-before-cors',
      { method: 'GET', requestHeaders: ['authorization'], status: 401 },
      `Spring Security answered 401 before Spring MVC's CORS handling ran (a preflight never carries cookies or Authorization): enable CORS in the security chain: ${securityCors('"GET", "HEAD", "POST"')}. Permitting OPTIONS alone (requestMatchers(HttpMethod.OPTIONS, "/**").permitAll()) lets the preflight through, but the calls' own 401s still lack CORS headers`,
    ],
    [
      'error-without-cors',
      { method: 'GET', credentials: true, status: 500 },
      `The 500 went out without CORS headers, so Chrome hides it. In Spring this is most often (1) an exception before Spring MVC's CORS handling, in a filter or Spring Security: enable ${securityCors('"GET", "HEAD", "POST"', ' config.setAllowCredentials(true);')}; or (2) since Spring 5.3, CorsConfiguration.checkOrigin throwing "IllegalArgumentException: When allowCredentials is true, allowedOrigins cannot contain the special value "*" …" (look for it in the log): replace allowedOrigins("*") with allowedOriginPatterns("*") or list "http://localhost:5173". Then fix the 500 itself`,
    ],
    [
      'method-not-allowed',
      { allowedMethods: ['GET', 'HEAD', 'POST'], missingMethods: ['PUT'] },
      'allowedMethods defaults to GET, HEAD, POST (CorsConfiguration.applyPermitDefaultValues, used by CorsRegistry and @CrossOrigin): list PUT: .allowedMethods("GET", "HEAD", "POST", "PUT"), e.g. registry.addMapping("/**").allowedOrigins("http://localhost:5173").allowedMethods("GET", "HEAD", "POST", "PUT");',
    ],
    [
      'header-not-allowed',
      { requestHeaders: ['authorization', 'content-type'], allowedMethods: ['GET', 'PUT'], allowedHeaders: ['content-type'], missingHeaders: ['authorization'] },
      'allowedHeaders lacks authorization: Spring answers a preflight with only the requested headers it allows (CorsConfiguration.checkHeaders): .allowedHeaders("Content-Type", "Authorization") (or "*", the CorsRegistry default), e.g. registry.addMapping("/**").allowedOrigins("http://localhost:5173").allowedMethods("GET", "PUT").allowedHeaders("Content-Type", "Authorization");',
    ],
    [
      'redirect-to-login',
      { method: 'GET', requestHeaders: [], status: 302, path: '/api/me', location: 'http://localhost:9000/login' },
      'Spring Security\'s formLogin() sends an unauthenticated call to its login page (http://localhost:9000/login), which has no CORS and which a fetch cannot use: answer API paths with 401 instead: http.exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), request -> request.getRequestURI().startsWith("/api/")))',
    ],
  ];
  itFixesPerCode(spring, BASE, cases);

  itWritesAFixForEveryCode(spring, BASE);
});

describe('spring: the real diagnose() on answers written from source', () => {
  it.each([
    ['servlet-refused', 'omit', 'origin-not-allowed', '.allowedMethods("GET", "HEAD", "POST", "PUT")'],
    ['webflux-refused', 'omit', 'auth-before-cors', "is WebFlux's CORS refusal instead"],
    ['servlet-headers-partial', 'omit', 'header-not-allowed', '.allowedHeaders("Content-Type", "Authorization")'],
    ['security6-401-preflight', 'omit', 'auth-before-cors', 'http.cors(Customizer.withDefaults())'],
    ['boot-500-credentials-star', 'include', 'error-without-cors', 'allowedOriginPatterns("*")'],
  ] as const)('%s (%s) -> %s, stack spring, fix with %s', (name, credentials, code, api) => {
    const d = diagnoseWritten(API, ANSWERS[name] as Answer, credentials);
    expect(d).toMatchObject({ code, stack: 'spring' });
    expect(d!.fix).toContain(api);
  });
});
