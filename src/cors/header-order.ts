import { headerMapOrder } from './blink-hash.js';
import { safeUrl } from './origin.js';
import type { Initiator } from './types.js';

/**
 * Which refused request header Chrome names when several are refused: the first in Blink's header
 * map order (see blink-hash.ts), which is neither the order the page set them in nor sorted
 * (Chrome 156 names x-zeta for {x-alpha, x-zeta}, mmm for {aaa, zzz, mmm}, x-2 for x-1…x-6).
 *
 * What a preflight shows is the sorted list of unsafe names (Access-Control-Request-Headers): for
 * fetch() that is the order Chrome used; for XHR, the order the page called setRequestHeader in can
 * change the slot order when names collide, and the page's safelisted headers (not in the list)
 * can too. `authorOrder` is the page's order when the caller knows it. Besides the page's headers the map holds the default User-Agent client hints (sent
 * only to potentially trustworthy URLs) and User-Agent, inserted after them.
 */
export function pickDisallowedHeader(refused: readonly string[], authorOrder: readonly string[], initiator: Initiator, url: string): string {
  if (refused.length <= 1) return refused[0] ?? '';
  // fetch() keeps its header list sorted; XHR's own map (filled in call order) is copied in its slot order.
  const own = initiator === 'fetch' ? [...authorOrder].sort() : headerMapOrder(authorOrder);
  const extra = isPotentiallyTrustworthy(url) ? CLIENT_HINTS_AND_UA : UA_ONLY;
  const refusedSet = new Set(refused);
  return headerMapOrder([...own, ...extra]).find((name) => refusedSet.has(name)) ?? refused[0]!;
}

const CLIENT_HINTS_AND_UA = ['sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'user-agent'];
const UA_ONLY = ['user-agent'];

/** https:, or http: to a loopback host (Chrome sends the default client hints only there). */
function isPotentiallyTrustworthy(url: string): boolean {
  const parsed = safeUrl(url);
  if (parsed === null) return false;
  if (parsed.protocol === 'https:' || parsed.protocol === 'wss:') return true;
  const host = parsed.hostname;
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
}
