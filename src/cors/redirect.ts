import { headerValues } from './header-list.js';
import { safeUrl, urlOrigin } from './origin.js';
import type { HeaderLine } from './types.js';

/**
 * Redirect rules (Fetch §4.4 "HTTP-redirect fetch"; Chromium `CorsURLLoader::OnReceiveRedirect`).
 */

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The Location of a redirect response (net's `IsRedirect`: a redirect status with a Location), else null. */
export function redirectLocation(status: number, headers: readonly HeaderLine[]): string | null {
  if (!REDIRECT_STATUSES.has(status)) return null;
  const location = headerValues(headers, 'location')[0];
  return location === undefined ? null : location;
}

/** The Location resolved against the URL that answered, or null when it does not parse. */
export function resolveLocation(location: string, base: string): string | null {
  try {
    return new URL(location, base).href;
  } catch {
    return null;
  }
}

/** Whether a resolved Location carries a username or password (`RedirectContainsCredentials`). */
export function hasUrlCredentials(url: string): boolean {
  const parsed = safeUrl(url);
  return parsed !== null && (parsed.username !== '' || parsed.password !== '');
}

/**
 * A hop taints the request's origin (its `Origin` becomes `null`) when it goes to another origin and
 * the current URL is not same-origin with the page.
 */
export function redirectTaints(currentUrl: string, nextUrl: string, pageOrigin: string): boolean {
  const current = urlOrigin(currentUrl);
  return current !== urlOrigin(nextUrl) && current !== pageOrigin;
}
