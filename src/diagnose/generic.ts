/**
 * The fix when the stack is not known: what to change, fitted to the cause, in words any server's
 * configuration can follow, then the header-level fix the engine worked out.
 */
import type { FixContext } from './types.js';

export function genericFix(ctx: FixContext): string {
  const headers = ctx.headerFix;
  const then = headers === '' ? '' : ` ${headers}`;
  switch (ctx.code) {
    case 'no-cors':
      return `Add CORS to this server (its framework's CORS middleware, or the headers in the proxy in front of it) for ${ctx.origin}.${then}`;
    case 'origin-not-allowed':
      return `Add ${ctx.origin} to the allowed origins, exactly (scheme, host and port; localhost and 127.0.0.1 are different origins).${then}`;
    case 'origin-fixed-other':
      return `Allow ${ctx.origin} instead of the fixed ${ctx.allowOrigin ?? 'origin'}: keep a list of allowed origins and echo the request's Origin when it is in it.${then}`;
    case 'origin-malformed':
      return `Write the allowed origin as an origin: ${ctx.origin} (scheme://host:port, no path, no trailing slash, no quotes, one origin per value).${then}`;
    case 'wildcard-with-credentials':
      return `Replace '*' with the page's origin and allow credentials: a credentialed call needs both.${then}`;
    case 'credentials-not-allowed':
      return `Allow credentials in the CORS configuration.${then}`;
    case 'duplicate-layers':
      return `Keep one layer that adds the CORS headers: remove them from the application (its CORS middleware or a route) or from the proxy in front of it.${then}`;
    case 'route-overrides':
      return `Remove the route's own Access-Control-Allow-Origin and let the CORS layer answer as it does elsewhere.${then}`;
    case 'auth-before-cors':
      return `Run the CORS layer before authentication, or let OPTIONS requests through the authentication check (a preflight never carries credentials), and keep the CORS headers on 401/403 answers so the page can read them.${then}`;
    case 'preflight-unhandled':
      return `Let the CORS layer answer OPTIONS ${ctx.path} (before the router's own OPTIONS answer or its 404/405).${then}`;
    case 'error-without-cors':
      return `Send the CORS headers on error answers too (the error handler runs outside the CORS layer), so the page sees the real ${ctx.status} and its body; then fix the error itself.${then}`;
    case 'route-excluded':
      return `Apply the CORS layer to ${ctx.path} as well: other answers of this server carry the CORS headers, this one does not.${then}`;
    case 'method-not-allowed':
      return `Add ${(ctx.missingMethods.length ? ctx.missingMethods : [ctx.method]).join(', ')} to the allowed methods.${then}`;
    case 'header-not-allowed':
      return `Add ${(ctx.missingHeaders.length ? ctx.missingHeaders : ctx.requestHeaders).join(', ')} to the allowed request headers.${then}`;
    case 'redirect-before-cors':
      return ctx.location
        ? `Call ${ctx.location} directly (the URL the server redirects to), or let the CORS layer answer before the redirect; a preflight must never be redirected.`
        : 'Let the CORS layer answer before the redirect; a preflight must never be redirected.';
    case 'redirect-target-no-cors':
      return `Send the CORS headers on ${ctx.location ?? 'the redirect target'} too, or call it directly.${then}`;
    case 'redirect-to-login':
      return 'Answer an unauthenticated API call with 401 (and the CORS headers) instead of redirecting it to the sign-in page, and let the page send the user there.';
    case 'preflight-status':
      return `Answer OPTIONS ${ctx.path} with 204 (or 200), before any authentication or routing check that refuses it: its CORS headers are there, its status (${ctx.status}) is what Chrome refuses.`;
  }
}
