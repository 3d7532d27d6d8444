/**
 * ASP.NET Core (Kestrel, Microsoft.AspNetCore.Cors, endpoint routing). Nothing here was recorded:
 * .NET cannot be installed on this machine, so every fingerprint is read from dotnet/aspnetcore's
 * source: CORS/src/Infrastructure/CorsMiddleware.cs, CorsService.cs, CorsPolicyBuilder.cs and
 * Resources.resx; Kestrel's CodeGenerator/KnownHeaders.cs (the order it writes header lines);
 * ParsingHelpers.SetHeaderJoined; DeveloperExceptionPageMiddlewareImpl; ProblemDetailsDefaults;
 * Routing's EndpointMiddleware; HttpsPolicy's HttpsRedirectionMiddleware.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { dqList, fingerprintCollector, hasCorsHeader, headerName, headerValues, markHeader, neededHeaders, unique, type Lines } from './common.js';

// KnownHeaders.cs (.NET 5+): Content-Length is written first, then the known headers by index:
// the primary ones (Connection, Content-Type, Date, Server) sorted, then the others sorted; headers
// Kestrel does not know come after all of them.
const KESTREL_ORDER = [
  'connection', 'content-type', 'date', 'server', 'accept-ranges', 'access-control-allow-credentials',
  'access-control-allow-headers', 'access-control-allow-methods', 'access-control-allow-origin',
  'access-control-expose-headers', 'access-control-max-age', 'age', 'allow', 'alt-svc', 'cache-control',
  'content-encoding', 'content-language', 'content-location', 'content-md5', 'content-range', 'etag', 'expires',
  'grpc-encoding', 'keep-alive', 'last-modified', 'location', 'pragma', 'proxy-authenticate', 'proxy-connection',
  'retry-after', 'set-cookie', 'trailer', 'transfer-encoding', 'upgrade', 'vary', 'via', 'warning', 'www-authenticate',
];
// ProblemDetailsDefaults: "type" links to the RFC section of the status (rfc7231 before .NET 8),
// and ProblemDetailsFactory adds "traceId" (Activity.Current.Id, W3C format).
const PROBLEM_TYPE = /"type":"https:\/\/tools\.ietf\.org\/html\/rfc(?:7231|9110)#section-[\d.]+"/;
const TRACE_ID = /"traceId":"00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"/;

function kestrelOrder(headers: Lines): boolean {
  const names = headers.map(([n]) => n.toLowerCase());
  if (!names.includes('date')) return false;
  let last = -1;
  let unknownSeen = false;
  for (const [i, name] of names.entries()) {
    if (name === 'content-length') {
      if (i !== 0) return false;
      continue;
    }
    const at = KESTREL_ORDER.indexOf(name);
    if (at < 0) unknownSeen = true;
    else if (unknownSeen || at <= last) return false;
    else last = at;
  }
  return true;
}

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  // KestrelServerOptions.AddServerHeader (on by default).
  markHeader(e, add, 'server', (v) => v === 'Kestrel');
  for (const [name, value] of [...e.headers, ...e.identity]) {
    if (name.toLowerCase() === 'x-powered-by' && value.trim() === 'ASP.NET') add(`${name}: ${value} is IIS hosting ASP.NET`, 'weak');
  }

  const text = e.body?.text ?? '';
  const type = PROBLEM_TYPE.test(text);
  const trace = TRACE_ID.test(text);
  if (type && trace) add(`${e.status} ProblemDetails with "type":"https://tools.ietf.org/html/rfc…" and a W3C "traceId" is ASP.NET Core's ProblemDetailsFactory`, 'strong');
  else if (type || trace) add(`${e.status} ProblemDetails with ${type ? 'a tools.ietf.org "type"' : 'a W3C "traceId"'} is consistent with ASP.NET Core`, 'weak');
  // DeveloperExceptionPageMiddlewareImpl, for an Accept without text/html: exception.ToString(),
  // a blank line, "HEADERS", "=======", the request headers; text/plain; charset=utf-8.
  const exception = /^((?:[A-Za-z_]\w*\.)+[A-Za-z_]\w*Exception): /.exec(text)?.[1];
  if (exception && /\r?\nHEADERS\r?\n=======\r?\n/.test(text)) add(`${e.status} text/plain "${exception}: …" followed by HEADERS ======= is ASP.NET Core's developer exception page`, 'strong');
  // EndpointMiddleware.ThrowMissingCorsMiddlewareException.
  if (text.includes('contains CORS metadata, but a middleware was not found that supports CORS')) {
    add('"contains CORS metadata, but a middleware was not found that supports CORS" is ASP.NET Core\'s EndpointMiddleware: app.UseCors() is missing or not between UseRouting and the endpoints', 'strong');
  }

  // CorsMiddleware.EvaluateAndApplyPolicy: 204 for every preflight a policy covers; ApplyResult
  // adds nothing when the origin is refused (CorsService.cs), and Kestrel sends no Content-Length on a 204.
  if (e.stage === 'preflight' && e.status === 204 && !hasCorsHeader(e.headers) && headerValues(e.headers, 'content-length').length === 0 && text === '') {
    add("a bare 204 to the preflight, no CORS headers, is how ASP.NET Core's CorsMiddleware answers an origin its policy refuses", 'weak');
  }
  if (!e.headers.some(([n, v]) => n.toLowerCase() === 'server' && v.trim() === 'Kestrel') && e.headers.length >= 2 && kestrelOrder(e.headers)) {
    add("header lines in Kestrel's order (Content-Length first, then Content-Type, Date, and the rest by name)", 'weak');
  }
  return found;
}

// ---- fixes -------------------------------------------------------------------------------------

interface PolicyOptions {
  /** List the methods (WithMethods) instead of AllowAnyMethod. */
  methods?: boolean;
  /** List the headers (WithHeaders) instead of AllowAnyHeader. */
  headers?: boolean;
  credentials?: boolean;
}

function addCors(ctx: FixContext, o: PolicyOptions = {}): string {
  const methods = o.methods ? `.WithMethods(${dqList(unique([...ctx.allowedMethods, ...ctx.missingMethods, ctx.method].map((m) => m.toUpperCase())))})` : '.AllowAnyMethod()';
  const names = unique([...ctx.allowedHeaders, ...ctx.missingHeaders, ...ctx.requestHeaders].map(headerName));
  const headers = o.headers && names.length ? `.WithHeaders(${dqList(names)})` : '.AllowAnyHeader()';
  const creds = (o.credentials ?? ctx.credentials) ? '.AllowCredentials()' : '';
  return `builder.Services.AddCors(options => options.AddDefaultPolicy(policy => policy.WithOrigins("${ctx.origin}")${headers}${methods}${creds}));`;
}

const ORDER = 'app.UseRouting(); app.UseCors(); app.UseAuthentication(); app.UseAuthorization();';

function fix(ctx: FixContext): string | undefined {
  switch (ctx.code) {
    case 'no-cors':
      return `ASP.NET Core sends CORS headers only from its CORS middleware: in Program.cs ${addCors(ctx)} and, after builder.Build(), ${ORDER} (UseCors after UseRouting, before UseAuthentication and UseAuthorization)`;
    case 'origin-not-allowed':
      return `The CORS policy does not allow ${ctx.origin}: ASP.NET Core then answers the preflight 204 with no CORS headers at all, and the request without them. WithOrigins compares the Origin exactly (lower-cased): scheme, host and port, no trailing slash or path (WithOrigins("${ctx.origin}/") never matches; localhost and 127.0.0.1 differ). If the endpoint names a policy ([EnableCors("name")], .RequireCors("name"), app.UseCors("name")), that policy must list it: ${addCors(ctx)}`;
    case 'origin-fixed-other':
    case 'origin-malformed':
      return `CorsService echoes the request's Origin when the policy allows it, so Access-Control-Allow-Origin: ${ctx.allowOrigin ?? ''} is written elsewhere: Response.Headers.Append in a middleware or controller, <customHeaders> in IIS's web.config, or a proxy in front. Remove it and let the policy answer: ${addCors(ctx)}`;
    case 'wildcard-with-credentials':
      return `AllowAnyOrigin() sends *, which a credentialed request may not use, and ASP.NET Core refuses AllowAnyOrigin() with AllowCredentials() ("The CORS protocol does not allow specifying a wildcard (any) origin and credentials at the same time"). Name the origin: ${addCors(ctx, { credentials: true })} (SetIsOriginAllowed(origin => true) echoes any origin: only for trusted callers)`;
    case 'credentials-not-allowed':
      return `A CORS policy sends no Access-Control-Allow-Credentials unless it calls AllowCredentials() (CorsPolicy.SupportsCredentials is false by default): ${addCors(ctx, { credentials: true })}`;
    case 'duplicate-layers':
      return `Access-Control-Allow-Origin is sent twice (${ctx.allowOrigin ?? ''}): UseCors sets it once (CorsService.ApplyResult assigns, never appends), so another layer adds it too: <add name="Access-Control-Allow-Origin" ... /> under <customHeaders> in web.config (IIS), Response.Headers.Append in a middleware, or a proxy in front (nginx add_header). Keep UseCors alone`;
    case 'route-overrides':
      return `${ctx.path} answers with Access-Control-Allow-Origin: ${ctx.allowOrigin ?? '*'} where other endpoints echo the origin: its endpoint names another policy ([EnableCors("...")] or .RequireCors("...") on a policy with AllowAnyOrigin(), which CorsMiddleware prefers over the default policy) or sets the header itself. Give it the default policy ([EnableCors] without a name) or drop the header`;
    case 'auth-before-cors':
      return `The ${ctx.status} came from authentication or authorization before the CORS middleware ran, and a preflight never carries credentials. Middleware run in the order Program.cs adds them: put app.UseCors() after app.UseRouting() and before app.UseAuthentication() and app.UseAuthorization(): ${ORDER} CorsMiddleware then answers the preflight itself (204) and adds its headers to the ${ctx.status} answers`;
    case 'preflight-unhandled':
      return `No CORS policy answered OPTIONS ${ctx.path}, so endpoint routing did (${ctx.status}${ctx.status === 405 ? ', Allow listing the endpoint\'s methods' : ''}): add the CORS middleware with a default policy: ${addCors(ctx)} ${ORDER} Or give the endpoint its own policy with [EnableCors("name")] or .RequireCors("name")`;
    case 'error-without-cors':
      return `The ${ctx.status} went out without CORS headers, so Chrome hides it. In ASP.NET Core: (1) an unhandled exception that reaches Kestrel becomes a bare 500 without the headers UseCors adds as the response starts: add app.UseExceptionHandler(...) before app.UseCors(), so the error answer is written inside the pipeline and keeps them (dotnet/aspnetcore#2378); (2) "contains CORS metadata, but a middleware was not found that supports CORS" in the log or the developer exception page means app.UseCors() is missing or placed before app.UseRouting(): ${ORDER} Then fix the ${ctx.status} itself`;
    case 'route-excluded':
      return `The preflight passed but ${ctx.method} ${ctx.path} answered without CORS headers: its endpoint carries [DisableCors], names a policy that does not allow ${ctx.origin}, or a middleware before app.UseCors() answered it (app.Run, app.Map, UseStaticFiles). Put app.UseCors() ahead of them (${ORDER}) and drop [DisableCors]`;
    case 'method-not-allowed':
      return `The CORS policy ${ctx.allowedMethods.length ? `allows ${ctx.allowedMethods.join(',')} only` : 'lists no methods: without WithMethods or AllowAnyMethod CorsService sends no Access-Control-Allow-Methods, so only GET, HEAD and POST pass'}: add ${ctx.method} with .WithMethods(...) or .AllowAnyMethod(): ${addCors(ctx, { methods: true })}`;
    case 'header-not-allowed':
      return `The CORS policy ${ctx.allowedHeaders.length ? `allows ${ctx.allowedHeaders.join(',')} only` : 'lists no headers: without WithHeaders or AllowAnyHeader CorsService sends no Access-Control-Allow-Headers'}, and the page sends ${neededHeaders(ctx).join(', ')}: add them with .WithHeaders(...) or .AllowAnyHeader(): ${addCors(ctx, { headers: true })}`;
    case 'redirect-before-cors':
      if (ctx.location?.startsWith('https:')) {
        return `app.UseHttpsRedirection() answered ${ctx.status} to ${ctx.location} before the CORS middleware, and Chrome never follows a redirect of a preflight: call ${ctx.location} (the https URL) from the page; for plain http in development, drop app.UseHttpsRedirection() or put app.UseCors() before it`;
      }
      return `A ${ctx.status} redirect${ctx.location ? ` to ${ctx.location}` : ''} answered before the CORS middleware (app.UseRewriter, a controller's Redirect), and Chrome never follows one for a preflight: call the final URL from the page, and put app.UseCors() before the middleware that redirects`;
    case 'redirect-target-no-cors':
      return `The redirect carried CORS headers but ${ctx.location ?? 'its target'} did not: that endpoint carries [DisableCors] or names a policy without ${ctx.origin}; give it the default policy: ${addCors(ctx)}`;
    case 'redirect-to-login':
      return `Cookie authentication redirects an unauthenticated call to its LoginPath${ctx.location ? ` (${ctx.location})` : ''}, which has no CORS and which a fetch cannot use (it answers 401 only when X-Requested-With: XMLHttpRequest is sent). Answer 401 instead, in AddCookie(options => ...) (ConfigureApplicationCookie with Identity): options.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };`;
    case 'preflight-status':
      return `The preflight carries CORS headers but status ${ctx.status}: CorsMiddleware ends every preflight its policy covers with 204 itself, so these headers were added elsewhere (by hand, or IIS <customHeaders>) and something else answered ${ctx.status}. Drop the hand-written headers and let UseCors answer ahead of authentication: ${addCors(ctx)} ${ORDER}`;
    default:
      return undefined;
  }
}

export const aspnetcore: StackProfile = {
  name: 'aspnetcore',
  title: "ASP.NET Core's CORS middleware",
  recognise: fingerprints,
  fix,
};
