import { headerLineCount } from './header-list.js';
import { authorizationCoveredByWildcard, MAX_AGE_CAP_SECONDS, preflightCacheSeconds } from './preflight.js';
import type { ExchangeFacts } from './facts.js';
import type { Finding, HeaderLine, WarningCode } from './types.js';

/** Mistakes Chrome lets through today but that bite later. They never block. */

const CORS_RESPONSE_HEADERS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Expose-Headers',
  'Access-Control-Max-Age',
];

/** CORS-safelisted response-header names: a page can read these without Access-Control-Expose-Headers. */
const SAFELISTED_RESPONSE = new Set([
  'cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma',
]);
/** Response headers an app commonly reads. */
const USEFUL_RESPONSE = new Set([
  'etag', 'link', 'location', 'content-disposition', 'content-range', 'retry-after', 'www-authenticate', 'server-timing',
]);
/** `x-` headers that are meant for the browser or for nobody, not for scripts. */
const NOISE = new Set([
  'x-powered-by', 'x-content-type-options', 'x-frame-options', 'x-xss-protection', 'x-dns-prefetch-control',
  'x-download-options', 'x-permitted-cross-domain-policies', 'x-robots-tag',
]);

const warning = (code: WarningCode, header: string | undefined, value: string | null | undefined, rule: string, cause: string, fix: string): Finding => ({
  code,
  severity: 'warning',
  ...(header !== undefined ? { header } : {}),
  ...(value !== undefined ? { value } : {}),
  rule,
  cause,
  fix,
});

export interface WarningInput {
  readonly facts: ExchangeFacts;
  readonly response: readonly HeaderLine[];
  /** Whether credentials may be `include` (certain or unknown). */
  readonly mayInclude: boolean;
  /** Whether credentials may be other than `include`. */
  readonly mayOmit: boolean;
  /** Whether the exchange passes (under the mode(s) judged). */
  readonly passes: boolean;
  /** Other origins the same server was seen to echo with credentials. */
  readonly otherOriginsEchoed: readonly string[];
}

export function warnings(input: WarningInput): Finding[] {
  const { facts, response } = input;
  const found: Finding[] = [];
  for (const name of CORS_RESPONSE_HEADERS) {
    const lines = headerLineCount(response, name);
    if (lines > 1) {
      found.push(
        warning(
          'DuplicateCorsHeader',
          name,
          null,
          'Each CORS response header should be sent once.',
          `The response carries ${lines} ${name} lines: the header is added in two places (for example by CORS middleware and again by a proxy or the route).`,
          `Set ${name} in one place only.`,
        ),
      );
    }
  }
  const echoes = facts.allowOrigin !== null && facts.allowOrigin !== '*' && facts.allowOrigin === facts.origin;
  if (facts.stage === 'request' && echoes && facts.allowOrigin !== 'null' && !facts.vary.includes('origin') && !facts.vary.includes('*')) {
    found.push(
      warning(
        'MissingVaryOrigin',
        'Vary',
        null,
        'A response whose Access-Control-Allow-Origin depends on the request Origin must say Vary: Origin.',
        `The response allows '${facts.allowOrigin}' without Vary: Origin, so a browser or CDN cache can serve it to a page of another origin, which then fails CORS.`,
        'Add Vary: Origin to every response that sets Access-Control-Allow-Origin from the request.',
      ),
    );
  }
  if (facts.allowOrigin === 'null') {
    found.push(
      warning(
        'AllowOriginNull',
        'Access-Control-Allow-Origin',
        'null',
        "Access-Control-Allow-Origin: null should not be used: sandboxed iframes, file: pages and redirected requests all have origin 'null'.",
        "The response allows the origin 'null', which any page can obtain with a sandboxed iframe.",
        'Name the real origin of the page, or use * for a public resource without credentials.',
      ),
    );
  }
  if (echoes && input.mayInclude && facts.allowCredentials === 'true' && input.otherOriginsEchoed.length > 0) {
    found.push(
      warning(
        'ReflectedOriginWithCredentials',
        'Access-Control-Allow-Origin',
        facts.allowOrigin,
        'Reflecting any Origin together with Access-Control-Allow-Credentials: true lets every website read this API with the user\'s cookies.',
        `The server echoed '${facts.allowOrigin}' and also ${input.otherOriginsEchoed.map((o) => `'${o}'`).join(', ')}, each with credentials allowed.`,
        'Check the Origin against an allow-list of your own frontends before echoing it.',
      ),
    );
  }
  if (facts.stage === 'preflight') found.push(...preflightWarnings(input));
  if (facts.stage === 'request' && input.passes && facts.location === null) {
    const hidden = hiddenHeaders(response, facts.exposeHeaders, input.mayInclude);
    if (hidden.length > 0) {
      found.push(
        warning(
          'HiddenResponseHeaders',
          'Access-Control-Expose-Headers',
          facts.exposeHeaders,
          'Scripts on another origin can read only the CORS-safelisted response headers and those in Access-Control-Expose-Headers.',
          `The page cannot read ${hidden.join(', ')} from this response.`,
          `If the page needs them, send Access-Control-Expose-Headers: ${hidden.join(', ')}.`,
        ),
      );
    }
  }
  return found;
}

function preflightWarnings({ facts, mayOmit }: WarningInput): Finding[] {
  const found: Finding[] = [];
  const allowed = facts.allowLists.headers ?? [];
  if (mayOmit && authorizationCoveredByWildcard(facts.requestedHeaders, allowed, false)) {
    found.push(
      warning(
        'AuthorizationCoveredByWildcard',
        'Access-Control-Allow-Headers',
        facts.allowLists.rawHeaders,
        "Access-Control-Allow-Headers: * will not cover Authorization: the standard requires it to be listed by name; Chrome 156 still lets it through with a deprecation issue.",
        'The page sends Authorization and the preflight allows it only through *.',
        `Send Access-Control-Allow-Headers: ${[...new Set(['authorization', ...facts.requestedHeaders])].join(', ')}.`,
      ),
    );
  }
  if (facts.maxAge !== null && preflightCacheSeconds(facts.maxAge) === MAX_AGE_CAP_SECONDS && Number(facts.maxAge) > MAX_AGE_CAP_SECONDS) {
    found.push(
      warning(
        'MaxAgeAboveCap',
        'Access-Control-Max-Age',
        facts.maxAge,
        `Chrome caps Access-Control-Max-Age at ${MAX_AGE_CAP_SECONDS} seconds (2 hours).`,
        `The preflight asks to be cached for ${facts.maxAge} seconds; Chrome keeps it ${MAX_AGE_CAP_SECONDS}.`,
        `Send Access-Control-Max-Age: ${MAX_AGE_CAP_SECONDS} or less.`,
      ),
    );
  }
  return found;
}

function hiddenHeaders(response: readonly HeaderLine[], exposeHeaders: string | null, mayInclude: boolean): string[] {
  const exposed = new Set((exposeHeaders ?? '').split(',').map((h) => h.trim().toLowerCase()));
  if (exposed.has('*') && !mayInclude) return [];
  const hidden = new Set<string>();
  for (const [name] of response) {
    const lower = name.toLowerCase();
    if (SAFELISTED_RESPONSE.has(lower) || exposed.has(lower) || NOISE.has(lower)) continue;
    if (USEFUL_RESPONSE.has(lower) || lower.startsWith('x-')) hidden.add(name);
  }
  return [...hidden];
}
