/**
 * WebKit's (Safari's) CORS console messages: the only place their words live. WebCore
 * `CrossOriginAccessControl.cpp` (`passesAccessControlCheck`, `validatePreflightResponse`,
 * `validateCrossOriginRedirectionURL`), `CrossOriginPreflightResultCache.cpp` (the method and header
 * rules), WebKit `NetworkLoadChecker.cpp` (redirects), and the line the Fetch API or XMLHttpRequest
 * adds; verified against WebKitGTK 2.50 (Safari's engine and wording).
 */

export const SAFARI_CATALOG = {
  wildcardWithCredentials: () => 'Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.',
  multipleOrigins: () => 'Access-Control-Allow-Origin cannot contain more than one origin.',
  /** Said for a missing, a wrong and an invalid Access-Control-Allow-Origin alike. */
  originNotAllowed: (origin: string, status: number) =>
    `Origin ${origin} is not allowed by Access-Control-Allow-Origin. Status code: ${status}`,
  credentialsNotTrue: () => 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
  preflightNotSuccessful: (status: number) => `Preflight response is not successful. Status code: ${status}`,
  invalidAllowMethods: (value: string) => `Header Access-Control-Allow-Methods has an invalid value: ${value}`,
  invalidAllowHeaders: (value: string) => `Header Access-Control-Allow-Headers has an invalid value: ${value}`,
  methodNotAllowed: (method: string) => `Method ${method} is not allowed by Access-Control-Allow-Methods.`,
  headerNotAllowed: (name: string) => `Request header field ${name} is not allowed by Access-Control-Allow-Headers.`,
  redirectDenied: (target: string, reason: string) =>
    `Cross-origin redirection to ${target} denied by Cross-Origin Resource Sharing policy: ${reason}`,
  redirectHasCredentials: (location: string) => `redirection URL ${location} has credentials`,
  redirectNonCorsScheme: () => 'not allowed to follow a cross-origin CORS redirection with non CORS scheme',
  /** A redirect to an ftp: URL (WebKit no longer fetches ftp:). */
  ftpDisabled: () => 'FTP URLs are disabled',
  /** `DocumentThreadableLoader`: a URL whose scheme WebKit cannot fetch cross-origin (no request is made). */
  onlyHttp: () => 'Cross origin requests are only supported for HTTP.',
  /** fetch's `mode: 'same-origin'` to another origin (no request is made). */
  sameOriginMode: (url: string) => `Fetch API cannot load ${url}.`,
  /** The page-side line that follows every access-control failure. */
  fetchCannotLoad: (url: string) => `Fetch API cannot load ${url} due to access control checks.`,
  xhrCannotLoad: (url: string) => `XMLHttpRequest cannot load ${url} due to access control checks.`,
} as const;

/**
 * WebKit's common header names (`HTTPHeaderNames.in`) a page can set: `HTTPHeaderMap` keeps them
 * under their canonical spelling and iterates them before every other header, so they are named
 * first and spelled this way whatever case the page used.
 */
export const WEBKIT_COMMON_REQUEST_HEADERS: ReadonlyMap<string, string> = new Map(
  [
    'Accept', 'Accept-Charset', 'Accept-Encoding', 'Accept-Language', 'Authorization', 'Cache-Control',
    'Content-Disposition', 'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Range',
    'Content-Type', 'DNT', 'ETag', 'If-Match', 'If-Modified-Since', 'If-None-Match', 'If-Range',
    'If-Unmodified-Since', 'Last-Event-ID', 'Pragma', 'Purpose', 'Range', 'X-Content-Type-Options',
    'X-DNS-Prefetch-Control', 'X-Frame-Options', 'X-Powered-By', 'X-XSS-Protection',
  ].map((name) => [name.toLowerCase(), name]),
);
