/**
 * DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1 and then read
 * http://evil.example:8082/ as same-origin. The browser still sends `Host: evil.example:8082`, so
 * the inspector answers only requests that name it by a loopback address and its own port.
 */
import { isLoopback } from '../proxy/options.js';

/** The `Host` values the inspector answers to, for the port it listens on. */
export function allowedHosts(host: string, port: number): ReadonlySet<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  // Listening on a specific address (not a wildcard): that address names it too.
  if (host !== '0.0.0.0' && host !== '::' && !isLoopback(host)) names.add(host.includes(':') ? `[${host}]` : host);
  return new Set([...names].map((name) => `${name}:${port}`.toLowerCase()));
}

export function hostAllowed(allowed: ReadonlySet<string>, hostHeader: string | undefined): boolean {
  return hostHeader !== undefined && allowed.has(hostHeader.toLowerCase());
}
