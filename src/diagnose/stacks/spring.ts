/**
 * Spring (Spring MVC / WebFlux CORS, Spring Security, Spring Boot on Tomcat). Nothing here was
 * recorded: neither Java nor Maven Central is reachable from this machine, so every fingerprint is
 * read from the source: spring-web's DefaultCorsProcessor (servlet and reactive), CorsConfiguration,
 * HttpHeaders, Spring Security's HeadersConfigurer and its header writers, Spring Boot's
 * DefaultErrorAttributes, Tomcat's Http11Processor.prepareResponse.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, dqList, fingerprintCollector, headerName, headerValue, headerValues, neededHeaders, unique, type Lines } from './common.js';

// DefaultCorsProcessor.processRequest: response.addHeader(VARY, ...) for each, before it even looks at
// the Origin, so every answer it touches (refused, allowed, preflight or not) has them, first.
const VARY = ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'];
// CorsConfiguration.applyPermitDefaultValues (CorsRegistry.addMapping, @CrossOrigin): GET, HEAD, POST
// and maxAge 1800; HttpHeaders.setAccessControlAllowMethods joins with "," (collectionToCommaDelimitedString).
const DEFAULT_METHODS = ['GET', 'HEAD', 'POST'];
// HeadersConfigurer.getHeaderWriters: contentTypeOptions, xssProtection, cacheControl, hsts, frameOptions.
// XXssProtectionHeaderWriter writes "0" since Security 5.8/6.0 ("1; mode=block" before).
const CACHE_CONTROL = 'no-cache, no-store, max-age=0, must-revalidate';
// Spring Boot's DefaultErrorAttributes (message and trace left out by default since Boot 2.3);
// WebFlux's adds path before status and a requestId.
const BOOT_ERROR = /^\{"timestamp":"[^"]*","status":\d{3},"error":"[^"]*",(?:"message":"[^"]*",)?"path":"[^"]*"/;
const BOOT_ERROR_REACTIVE = /^\{"timestamp":"[^"]*","path":"[^"]*","status":\d{3},"error":"[^"]*",(?:"message":"[^"]*",)?"requestId":"[^"]*"/;

function springVary(headers: Lines): boolean {
  const vary = headerValues(headers, 'vary');
  const at = vary.indexOf(VARY[0] as string);
  return at >= 0 && VARY.every((v, i) => vary[at + i] === v);
}

/** The three Vary lines come before every Access-Control-* line (net/http sorts them after). */
function varyFirst(headers: Lines): boolean {
  const firstVary = headers.findIndex(([n]) => n.toLowerCase() === 'vary');
  const firstCors = headers.findIndex(([n]) => n.toLowerCase().startsWith('access-control-'));
  return firstCors > firstVary;
}

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  const text = e.body?.text ?? '';
  const h = e.headers;
  // DefaultCorsProcessor.rejectRequest (servlet): 403 and these bytes, for an origin, a method or
  // headers refused alike, and for every preflight no CorsConfiguration matched.
  if (text.startsWith('Invalid CORS request')) add(`${e.status} "Invalid CORS request" is Spring's DefaultCorsProcessor refusing the origin, the method or the headers`, 'strong');

  const vary = 'Vary: Origin, Vary: Access-Control-Request-Method, Vary: Access-Control-Request-Headers as three lines';
  if (springVary(h)) {
    if (e.stage === 'preflight' && e.status === 403) add(`403 with ${vary} is Spring's DefaultCorsProcessor.rejectRequest (WebFlux's writes no body)`, 'strong');
    else if (e.stage === 'request') add(`${vary} on an actual request is Spring's DefaultCorsProcessor (rs/cors adds them to preflights only)`, 'strong');
    else if (varyFirst(h)) add(`${vary}, ahead of the Access-Control-* lines, is Spring's DefaultCorsProcessor`, 'strong');
    else add(`${vary} is consistent with Spring's DefaultCorsProcessor`, 'weak');
  } else if (e.related.some((r) => springVary(r.headers) && varyFirst(r.headers))) {
    add(`${vary} on the paired preflight, ahead of its Access-Control-* lines, are Spring's DefaultCorsProcessor's`, 'strong');
  }

  if (BOOT_ERROR.test(text)) add(`${e.status} {"timestamp":…,"status":${e.status},"error":…,"path":…} is Spring Boot's default error answer (BasicErrorController)`, 'strong');
  if (BOOT_ERROR_REACTIVE.test(text)) add(`${e.status} {"timestamp":…,"path":…,"status":${e.status},"error":…,"requestId":…} is Spring Boot's WebFlux error answer`, 'strong');
  if (/^\{"type":"about:blank","title":"[^"]*","status":\d{3},/.test(text) && /"instance":"[^"]*"/.test(text)) add(`${e.status} ProblemDetail with "type":"about:blank" and "instance" is consistent with Spring 6's ProblemDetail`, 'weak');

  // Spring Security's default headers, in HeadersConfigurer's order.
  const security = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-XSS-Protection', headerValue(h, 'x-xss-protection') === '1; mode=block' ? '1; mode=block' : '0'],
    ['Cache-Control', CACHE_CONTROL],
    ['Pragma', 'no-cache'],
    ['Expires', '0'],
  ] as const;
  const at = security.map(([n, v]) => h.findIndex(([hn, hv]) => hn.toLowerCase() === n.toLowerCase() && hv === v));
  if (at.every((i, k) => i >= 0 && (k === 0 || i > (at[k - 1] as number)))) {
    const frame = headerValue(h, 'x-frame-options');
    const lines = [...security.map(([n, v]) => `${n}: ${v}`), ...(frame ? [`X-Frame-Options: ${frame}`] : [])];
    add(`${lines.join(', ')} in that order are Spring Security's default headers`, 'strong');
  } else if (headerValues(h, 'cache-control').includes(CACHE_CONTROL) && headerValues(h, 'expires').includes('0')) {
    add(`Cache-Control: ${CACHE_CONTROL} with Expires: 0 is Spring Security's CacheControlHeadersWriter`, 'weak');
  }
  if (headerValues(h, 'www-authenticate').includes('Basic realm="Realm"')) add('WWW-Authenticate: Basic realm="Realm" is Spring Security\'s default HTTP Basic realm', 'weak');

  // Named as HttpHeaders spells them (Tomcat and Reactor Netty keep the case): @fastify/cors 11 sends
  // the same GET,HEAD,POST under a lower-case name.
  for (const headers of answerAndPaired(e)) {
    const methods = headers.find(([n]) => n === 'Access-Control-Allow-Methods')?.[1];
    const maxAge = headers.find(([n]) => n === 'Access-Control-Max-Age')?.[1];
    if (methods === DEFAULT_METHODS.join(',') && maxAge === '1800') add("Access-Control-Allow-Methods GET,HEAD,POST with Access-Control-Max-Age 1800 are CorsConfiguration.applyPermitDefaultValues' (CorsRegistry, @CrossOrigin)", 'strong');
    else if (methods === DEFAULT_METHODS.join(',')) add("Access-Control-Allow-Methods GET,HEAD,POST is Spring's default allowedMethods", 'weak');
    else if (maxAge === '1800') add("Access-Control-Max-Age 1800 is Spring's default maxAge", 'weak');
  }
  // Tomcat's default keepAliveTimeout is its connectionTimeout, 60 s in embedded Tomcat.
  if (headerValues(h, 'keep-alive').includes('timeout=60')) add("Keep-Alive: timeout=60 is embedded Tomcat's default (Spring Boot's server)", 'weak');
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

function methodsOf(ctx: FixContext): string[] {
  const allowed = ctx.allowedMethods.length ? ctx.allowedMethods : DEFAULT_METHODS;
  return unique([...allowed, ...ctx.missingMethods, ctx.method].map((m) => m.toUpperCase()));
}

function headersOf(ctx: FixContext): string[] {
  return unique([...ctx.allowedHeaders, ...ctx.missingHeaders, ...ctx.requestHeaders].map(headerName));
}

/** registry.addMapping("/**").allowedOrigins(...)..., the one-line global configuration. */
function mapping(ctx: FixContext, opts: { headers?: boolean; credentials?: boolean } = {}): string {
  const methods = methodsOf(ctx);
  const list = opts.headers && ctx.requestHeaders.length ? dqList(headersOf(ctx)) : '"*"';
  const creds = opts.credentials ?? ctx.credentials;
  return `registry.addMapping("/**").allowedOrigins("${ctx.origin}")${methods.join() === DEFAULT_METHODS.join() ? '' : `.allowedMethods(${dqList(methods)})`}${opts.headers ? `.allowedHeaders(${list})` : ''}${creds ? '.allowCredentials(true)' : ''};`;
}

const IN_MVC = 'in a WebMvcConfigurer (WebFluxConfigurer for WebFlux), addCorsMappings(CorsRegistry registry):';
const SECURITY = 'With Spring Security, also http.cors(Customizer.withDefaults()) in the SecurityFilterChain, so its CorsFilter answers the preflight before authentication.';

function securityCors(ctx: FixContext): string {
  return `http.cors(Customizer.withDefaults()) in the SecurityFilterChain (Spring Security's CorsFilter then answers the preflight before any authentication, from your addCorsMappings or a CorsConfigurationSource bean: CorsConfiguration config = new CorsConfiguration(); config.setAllowedOrigins(List.of("${ctx.origin}")); config.setAllowedMethods(List.of(${dqList(methodsOf(ctx))})); config.setAllowedHeaders(List.of("*"));${ctx.credentials ? ' config.setAllowCredentials(true);' : ''} UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource(); source.registerCorsConfiguration("/**", config);)`;
}

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `Spring adds no CORS headers unless a CorsConfiguration covers the path: ${IN_MVC} ${mapping(ctx)} (or @CrossOrigin(origins = "${ctx.origin}") on the controller). ${SECURITY}`;
    case 'origin-not-allowed':
      if (ctx.status === 403) {
        const asked = ctx.requestHeaders.length ? ` with headers ${ctx.requestHeaders.join(', ')}` : '';
        return `Spring answers 403 "Invalid CORS request" alike when the origin is not in allowedOrigins, when the method is not in allowedMethods (GET, HEAD, POST unless set), when none of the requested headers is allowed, and to every preflight no CORS mapping covers. The page is ${ctx.origin} asking ${ctx.method}${asked}: ${IN_MVC} ${mapping(ctx, { headers: true })} ${SECURITY}`;
      }
      return `allowedOrigins does not list ${ctx.origin} (an exact match of scheme, host and port: localhost and 127.0.0.1 differ): ${IN_MVC} ${mapping(ctx)} (or allowedOriginPatterns("http://localhost:[*]") for any local port)`;
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `Spring's CORS echoes the request's Origin when it matches (and trims a trailing slash from allowedOrigins), so Access-Control-Allow-Origin: ${ctx.allowOrigin ?? ''} is written by hand: a filter or controller calling response.setHeader("Access-Control-Allow-Origin", ...), ResponseEntity.header(...), or a proxy in front. Remove it and configure ${mapping(ctx)}`;
    case 'wildcard-with-credentials':
      return `allowedOrigins("*") (and @CrossOrigin's default) sends *, which a credentialed request may not use, and since Spring 5.3 allowCredentials(true) with "*" throws IllegalArgumentException. Name the origin: ${mapping(ctx, { credentials: true })} (or allowedOriginPatterns("*").allowCredentials(true), which echoes any origin: only for trusted callers)`;
    case 'credentials-not-allowed':
      return `allowCredentials is off by default in CorsConfiguration (@CrossOrigin too): add .allowCredentials(true): ${mapping(ctx, { credentials: true })} (or @CrossOrigin(origins = "${ctx.origin}", allowCredentials = "true"))`;
    case 'duplicate-layers':
      return `Access-Control-Allow-Origin is sent twice (${ctx.allowOrigin ?? ''}). DefaultCorsProcessor skips an answer that already has one, so the second line comes from another layer: a proxy in front (nginx add_header), Spring Cloud Gateway's globalcors in front of a Spring service that does CORS too (spring.cloud.gateway.default-filters=DedupeResponseHeader=Access-Control-Allow-Origin Access-Control-Allow-Credentials), or a filter using response.addHeader. Keep one layer`;
    case 'route-overrides':
      return `${ctx.path} writes its own Access-Control-Allow-Origin: ${ctx.allowOrigin ?? '*'} (response.setHeader or @CrossOrigin("*") on that handler), and Spring's CORS leaves an answer that already has one alone: remove it so the global mapping answers: ${mapping(ctx)}`;
    case 'auth-before-cors':
      return `Spring Security answered ${ctx.status} before Spring MVC's CORS handling ran (a preflight never carries cookies or Authorization): enable CORS in the security chain: ${securityCors(ctx)}. Permitting OPTIONS alone (requestMatchers(HttpMethod.OPTIONS, "/**").permitAll()) lets the preflight through, but the calls' own ${ctx.status}s still lack CORS headers${ctx.status === 403 ? `. A 403 with no body and none of Spring Security's headers is WebFlux's CORS refusal instead (its DefaultCorsProcessor.rejectRequest writes no body; origin, method or headers not allowed): ${IN_MVC} ${mapping(ctx, { headers: true })}` : ''}`;
    case 'preflight-unhandled':
      return `OPTIONS ${ctx.path} was answered ${ctx.status} by something outside Spring MVC's handler mappings (a servlet or filter of its own), which Spring's CORS never sees: register a CorsFilter first: @Bean FilterRegistrationBean<CorsFilter> corsFilter() with new CorsFilter(source) and setOrder(Ordered.HIGHEST_PRECEDENCE), source registering "/**" for ${ctx.origin} (${dqList(methodsOf(ctx))})`;
    case 'error-without-cors':
      return `The ${ctx.status} went out without CORS headers, so Chrome hides it. In Spring this is most often (1) an exception before Spring MVC's CORS handling, in a filter or Spring Security: enable ${securityCors(ctx)}; or (2) since Spring 5.3, CorsConfiguration.checkOrigin throwing "IllegalArgumentException: When allowCredentials is true, allowedOrigins cannot contain the special value "*" …" (look for it in the log): replace allowedOrigins("*") with allowedOriginPatterns("*") or list "${ctx.origin}". Then fix the ${ctx.status} itself`;
    case 'route-excluded':
      return `The preflight passed but ${ctx.method} ${ctx.path} answered without CORS headers: the path is outside registry.addMapping(...)'s pattern, @CrossOrigin sits on another handler, or a filter answered before DispatcherServlet. Map every path: ${mapping(ctx)}`;
    case 'method-not-allowed':
      return `allowedMethods defaults to GET, HEAD, POST (CorsConfiguration.applyPermitDefaultValues, used by CorsRegistry and @CrossOrigin): list ${ctx.method}: .allowedMethods(${dqList(methodsOf(ctx))}), e.g. ${mapping(ctx)}`;
    case 'header-not-allowed':
      return `allowedHeaders lacks ${neededHeaders(ctx).join(', ')}: Spring answers a preflight with only the requested headers it allows (CorsConfiguration.checkHeaders): .allowedHeaders(${dqList(headersOf(ctx))}) (or "*", the CorsRegistry default), e.g. ${mapping(ctx, { headers: true })}`;
    case 'redirect-before-cors':
      return `A ${ctx.status} redirect${ctx.location ? ` to ${ctx.location}` : ''} answered before CORS ran, and Chrome never follows one for a preflight: call the final URL from the page. In Spring Boot the usual sources are Spring Security's requiresChannel()/requiresSecure() (http to https) and Tomcat's redirect of a context root without its slash`;
    case 'redirect-target-no-cors':
      return `The redirect carried CORS headers but ${ctx.location ?? 'its target'} did not: the target path is outside the CORS mapping: ${mapping(ctx)}`;
    case 'redirect-to-login':
      return `Spring Security's formLogin() sends an unauthenticated call to its login page${ctx.location ? ` (${ctx.location})` : ''}, which has no CORS and which a fetch cannot use: answer API paths with 401 instead: http.exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), request -> request.getRequestURI().startsWith("${apiPrefix(ctx.path)}")))`;
    case 'preflight-status':
      return `The preflight carries CORS headers but status ${ctx.status}: Spring's own preflight answer is 200 (CorsFilter and Spring MVC's PreFlightHandler end it), so a layer after the headers were set answered (authentication, or a filter setting them by hand): ${securityCors(ctx)}`;
    default:
      return undefined;
  }
}

/** `/api/items/1` -> `/api/`, the prefix an entry point matcher should cover. */
function apiPrefix(path: string): string {
  const first = path.split('/').find((s) => s !== '');
  return first === undefined ? '/' : `/${first}/`;
}

export const spring: StackProfile = {
  name: 'spring',
  title: 'Spring (Spring MVC / WebFlux CORS, Spring Security)',
  recognise: fingerprints,
  fix,
};
