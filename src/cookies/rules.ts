/**
 * Chrome's rules for storing a cookie from a `Set-Cookie` line, as far as they can be applied to
 * one line without the cookie jar (no OverwriteSecure; the browser's third-party cookie setting is
 * only a warning). Pure.
 * Read from Chromium's net/cookies/ (the line itself: line.ts): canonical_cookie.cc
 * (CanonicalCookie::Create), cookie_util.cc (Domain, prefixes, Partitioned) and cookie_base.cc
 * (IsSetPermittedInContext); proven against Chromium in test/fixtures/chrome-cookies.json.
 * Reasons carry the names DevTools shows (the protocol's Network.SetCookieBlockedReason); DevTools
 * names no reason for an invalid Partitioned attribute, which carries Chromium's own
 * (CookieInclusionStatus::EXCLUDE_INVALID_PARTITIONED).
 */
import type { ParsedSetCookie } from './line.js';

export type CookieBlockedReason =
  | 'DisallowedCharacter'
  | 'NoCookieContent'
  | 'NameValuePairExceedsMaxSize'
  | 'InvalidDomain'
  | 'InvalidPrefix'
  | 'InvalidPartitioned'
  | 'SecureOnly'
  | 'SameSiteNoneInsecure'
  // Chrome 156's DevTools names every cross-site refusal "Schemeful" (schemeful same-site is on).
  | 'SchemefulSameSiteStrict'
  | 'SchemefulSameSiteLax'
  | 'SchemefulSameSiteUnspecifiedTreatedAsLax';

export interface CookieRejection {
  readonly code: CookieBlockedReason;
  /** One sentence: what Chrome refuses and the change that makes it store the cookie. */
  readonly message: string;
}

/** A cookie Chrome stores or refuses by the browser's settings: a third-party one. */
export interface CookieWarning {
  readonly code: 'UserPreferences';
  readonly message: string;
}

// ---------------------------------------------------------------------------------------------
// Hosts and sites

/** A URL's host without IPv6 brackets, lowercased (the WHATWG parser lowercases already). */
export const bareHost = (hostname: string): string =>
  (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname).toLowerCase();

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
export const isIpAddress = (host: string): boolean => IPV4.test(host) || host.includes(':');

/** net::IsLocalhost (url_util.cc): localhost, *.localhost, 127.0.0.0/8, ::1. Chrome treats these as secure. */
export function isLocalhost(host: string): boolean {
  const h = bareHost(host);
  if (h.includes(':')) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  const ip = IPV4.exec(h);
  if (ip) return ip[1] === '127';
  const name = h.endsWith('.') ? h.slice(0, -1) : h;
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * The registrable domain (eTLD+1) as Chrome's GetDomainAndRegistry gives it, or '' when there is
 * none (an IP address, a single label such as `localhost`). Without the public suffix list this is
 * the last two labels: Chrome counts a top-level name it does not know (`.test`, `.localhost`) as a
 * registry too, but multi-label suffixes (`co.uk`, `github.io`) are not known here.
 */
export function registrableDomain(host: string): string {
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  if (isIpAddress(h)) return '';
  const last = h.lastIndexOf('.');
  if (last <= 0) return '';
  const second = h.lastIndexOf('.', last - 1);
  return second < 0 ? h : h.slice(second + 1);
}

/** RFC 6265bis §5.1.3 domain-match, a leading dot ignored, case-insensitive. */
export function domainMatches(host: string, domain: string): boolean {
  const d = (domain.startsWith('.') ? domain.slice(1) : domain).toLowerCase();
  const h = host.toLowerCase();
  if (d === '') return false;
  return h === d || (!isIpAddress(h) && h.endsWith(`.${d}`));
}

type DomainProblem = 'mismatch' | 'public-suffix';

/** cookie_util::GetCookieDomainWithString: why Chrome refuses this Domain at `host`, if it does. */
export function domainProblem(host: string, domain: string | undefined): DomainProblem | undefined {
  if (domain === undefined || domain === '') return undefined; // a host-only cookie
  const lower = domain.toLowerCase();
  const bare = lower.startsWith('.') ? lower.slice(1) : lower;
  // An IP address may name itself (with or without a leading dot), and nothing else.
  if (isIpAddress(host)) return bare === host ? undefined : 'mismatch';
  if (lower.includes('%') || bare === '') return 'mismatch';
  const site = registrableDomain(host);
  // No registrable domain (localhost): only the host itself, which makes a host-only cookie.
  if (site === '') return bare === host ? undefined : 'mismatch';
  if (!domainMatches(host, bare)) return 'mismatch';
  // Same registrable domain required, so a public suffix (no eTLD+1 of its own) is refused.
  return registrableDomain(bare) === site ? undefined : 'public-suffix';
}

/** The schemeful site of a URL: its scheme, and its registrable domain or else its host. */
function siteOf(url: URL): { scheme: string; site: string } {
  const host = bareHost(url.hostname);
  return { scheme: url.protocol, site: registrableDomain(host) || host };
}

// ---------------------------------------------------------------------------------------------
// The judgment

export interface Where {
  /** The URL the browser requested, as parsed. */
  readonly url: URL;
  readonly host: string;
}

export interface Judgment {
  readonly rejected?: CookieRejection;
  readonly warning?: CookieWarning;
}

const NOTHING: Judgment = {};

/**
 * Chrome's first reason to refuse the cookie at `where` (CanonicalCookie::Create's, then
 * CookieBase::IsSetPermittedInContext's, each in its order), or a warning when only the browser's
 * third-party cookie setting decides.
 */
export function judge(cookie: ParsedSetCookie, where: Where, initiator: string | undefined, rewriteWouldDrop: boolean): Judgment {
  const { url, host } = where;
  const origin = url.origin;
  // cookie_util::ProvisionalAccessScheme: https, or localhost, which Chrome treats as trustworthy.
  const trustworthy = url.protocol === 'https:' || url.protocol === 'wss:' || isLocalhost(host);
  if (cookie.invalid !== undefined) return { rejected: { code: cookie.invalid, message: INVALID[cookie.invalid] } };

  const problem = domainProblem(host, cookie.domain);
  if (problem !== undefined) return { rejected: { code: 'InvalidDomain', message: domainMessage(problem, cookie.domain ?? '', host, rewriteWouldDrop) } };

  const prefix = prefixMessage(cookie, trustworthy, host, origin);
  if (prefix !== undefined) return { rejected: { code: 'InvalidPrefix', message: prefix } };

  // cookie_util::IsCookiePartitionedValid.
  if (cookie.partitioned && !(cookie.secure && trustworthy)) {
    return {
      rejected: {
        code: 'InvalidPartitioned',
        message: cookie.secure
          ? `Chrome accepts a Partitioned cookie only from an https: URL or localhost, and ${origin} is neither: serve it over https or drop Partitioned in development.`
          : 'Chrome accepts a Partitioned cookie only with Secure: add Secure.',
      },
    };
  }
  if (cookie.secure && !trustworthy) {
    return {
      rejected: {
        code: 'SecureOnly',
        message: `Chrome stores a Secure cookie only from an https: URL or localhost, and ${origin} is neither: open the app through http://localhost or over https, or drop Secure in development.`,
      },
    };
  }
  if (cookie.sameSite === 'none' && !cookie.secure) {
    return {
      rejected: {
        code: 'SameSiteNoneInsecure',
        message: trustworthy
          ? `Chrome refuses SameSite=None without Secure: add Secure (Chrome accepts it from ${origin}), or use SameSite=Lax when the page and the API are the same site.`
          : `Chrome refuses SameSite=None without Secure, and Secure needs an https: URL or localhost: serve ${host} over https or reach it as localhost, or use SameSite=Lax when the page and the API are the same site.`,
      },
    };
  }
  return initiator === undefined ? NOTHING : sameSiteJudgment(cookie, url, initiator);
}

const INVALID: Record<NonNullable<ParsedSetCookie['invalid']>, string> = {
  DisallowedCharacter: 'Chrome drops a Set-Cookie line with a control character (a tab inside the name, the value or an attribute, or a line break): remove it.',
  NoCookieContent: 'Chrome drops a Set-Cookie line with neither a name nor a value: send name=value first.',
  NameValuePairExceedsMaxSize: "Chrome drops a cookie whose name and value together exceed 4096 bytes: keep the session's data on the server and send an id.",
};

function domainMessage(problem: DomainProblem, domain: string, host: string, rewriteWouldDrop: boolean): string {
  switch (problem) {
    case 'mismatch':
      return rewriteWouldDrop
        ? `Domain=${domain} does not cover ${host}, where the browser sent this request: let corscope rewrite cookies (it drops this Domain, so the cookie is stored for ${host}), or drop the attribute.`
        : `Domain=${domain} does not cover ${host}, where the browser sent this request: drop the attribute (the cookie is then stored for ${host} alone) or name a domain that covers it.`;
    case 'public-suffix':
      return `Domain=${domain} is a public suffix (Chrome counts any top-level name as one), on which no site may set a cookie: drop the attribute or name ${host}'s own domain.`;
  }
}

/**
 * cookie_util::GetCookiePrefix and IsCookiePrefixValid (case-insensitive names, checked in this
 * order; __Http- and __Host-Http- are on in Chrome 156), and CanonicalCookie::HasHiddenPrefixName.
 */
function prefixMessage(cookie: ParsedSetCookie, trustworthy: boolean, host: string, origin: string): string | undefined {
  if (cookie.hiddenPrefix) return 'Chrome refuses a cookie without a name whose value starts with __Host- or __Secure-: give the cookie a name.';
  const name = cookie.name;
  const starts = (prefix: string): boolean => name.length >= prefix.length && name.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
  const prefix = ['__Secure-', '__Http-', '__Host-Http-', '__Host-'].find(starts);
  if (prefix === undefined) return undefined;
  const missing: string[] = [];
  if (!cookie.secure) missing.push('carry Secure');
  if (prefix.includes('Http') && !cookie.httpOnly) missing.push('carry HttpOnly');
  if (prefix.startsWith('__Host-')) {
    // HasValidHostPrefixAttributes: Path exactly "/", no Domain but an IP address naming itself.
    if (cookie.path !== '/') missing.push('carry Path=/');
    const domain = cookie.domain ?? '';
    if (domain !== '' && !(isIpAddress(host) && domain === host)) missing.push('have no Domain');
  }
  if (!trustworthy) missing.push(`come from an https: URL or localhost (not ${origin})`);
  if (missing.length === 0) return undefined;
  const last = missing.pop()!;
  return `A ${prefix} cookie must ${missing.length > 0 ? `${missing.join(', ')} and ${last}` : last}.`;
}

/**
 * A cookie set by a cross-site subresource response (cookie_util::ComputeSameSiteContextForSet,
 * schemeful): Strict, Lax and unspecified (Lax by default) are refused; SameSite=None is a
 * third-party cookie, stored only where the browser allows those.
 */
function sameSiteJudgment(cookie: ParsedSetCookie, url: URL, initiator: string): Judgment {
  let from: URL;
  try {
    from = new URL(initiator);
  } catch {
    return NOTHING; // an opaque or unreadable origin: not judged
  }
  const page = siteOf(from);
  const here = siteOf(url);
  if (page.site === here.site && page.scheme === here.scheme) return NOTHING;
  const why =
    page.site === here.site
      ? `the page ${from.origin} is the same host over another scheme than ${url.origin}, which Chrome counts as another site`
      : `the page ${from.origin} is another site than ${url.origin}`;
  const sameSite = 'serve the page from the same site (scheme and host; the port does not matter)';
  if (cookie.sameSite === 'none') {
    return {
      warning: {
        code: 'UserPreferences',
        message: `This is a third-party cookie, as ${why}: Chrome stores it only where third-party cookies are allowed (not in Incognito, nor in a fresh Chromium profile): ${sameSite}.`,
      },
    };
  }
  const kind = cookie.sameSite === 'strict' ? 'Strict' : cookie.sameSite === 'lax' ? 'Lax' : 'UnspecifiedTreatedAsLax';
  const what = cookie.sameSite === undefined ? 'a cookie without SameSite (Lax by default)' : `a SameSite=${kind} cookie`;
  return {
    rejected: {
      code: `SchemefulSameSite${kind}`,
      message: `A cross-site fetch cannot set ${what}, and ${why}: ${sameSite}, or send SameSite=None; Secure where third-party cookies are allowed.`,
    },
  };
}
