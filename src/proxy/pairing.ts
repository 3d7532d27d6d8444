import type { Verdict } from '../cors/types.js';
import type { Observation, StackName } from '../diagnose/types.js';

/**
 * Bounded memory of what the browser did a moment ago: which preflight let an actual request
 * through, and which redirect led to a request. Both are small LRU maps with expiry, so a long
 * session or a hostile client cannot grow them.
 */

/** A Map kept in recency order, capped in size, with a per-entry expiry. */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  take(key: string): V | undefined {
    const value = this.get(key);
    if (value !== undefined) this.entries.delete(key);
    return value;
  }

  /** Live keys, oldest first. */
  keys(): string[] {
    const now = this.now();
    const live: string[] = [];
    for (const [key, entry] of this.entries) if (entry.expires > now) live.push(key);
    return live;
  }
}

/** The actual request follows its preflight at once; keep the pairing at least this long. */
const PAIRING_GRACE_MS = 10_000;
/** Chrome caps Access-Control-Max-Age at two hours. */
const PAIRING_MAX_MS = 7_200_000;

/** A preflight as the diagnosis of its actual request needs it. */
export interface SeenPreflight {
  readonly observation: Observation;
  readonly verdict: Verdict;
  readonly id: string;
}

interface PreflightEntry {
  readonly preflightId: string;
  readonly seen: SeenPreflight | undefined;
  /** The id reserved for the first actual request, so the preflight record can name it. */
  reservedRequestId: string | undefined;
}

export interface PairResult {
  readonly preflight: string;
  /** What the preflight was answered and Chrome's verdict on it. */
  readonly seen?: SeenPreflight;
  /** Set when this request takes the id its preflight already announced. */
  readonly reservedId?: string;
}

/** Preflight ↔ actual request, keyed by (origin, url, method) as Chrome's preflight cache is. */
export class PreflightPairing {
  private readonly cache: BoundedCache<PreflightEntry>;

  constructor(maxEntries = 1_000, now: () => number = Date.now) {
    this.cache = new BoundedCache(maxEntries, now);
  }

  /** Remember a preflight that may let requests through for `maxAgeSeconds`. */
  remember(origin: string, url: string, method: string, preflightId: string, requestId: string, maxAgeSeconds = 5, seen?: SeenPreflight): void {
    const ttl = Math.min(Math.max(maxAgeSeconds * 1000, PAIRING_GRACE_MS), PAIRING_MAX_MS);
    this.cache.set(key(origin, url, method), { preflightId, seen, reservedRequestId: requestId }, ttl);
  }

  /** The preflight this actual request relies on, if one is remembered. */
  pair(origin: string, url: string, method: string): PairResult | undefined {
    const entry = this.cache.get(key(origin, url, method));
    if (!entry) return undefined;
    const reservedId = entry.reservedRequestId;
    entry.reservedRequestId = undefined;
    const seen = entry.seen ? { seen: entry.seen } : {};
    return reservedId ? { preflight: entry.preflightId, reservedId, ...seen } : { preflight: entry.preflightId, ...seen };
  }
}

/** A redirect hop: the chain's first URL, and the redirect answer itself (for the diagnosis). */
export interface RedirectHopSeen {
  readonly initialUrl: string;
  readonly redirect?: Observation;
  /**
   * Set when a hop of the chain went to another origin (another fronted target): the browser now
   * sends `Origin: null`, and Chrome's line still names the page's origin.
   */
  readonly tainted?: { readonly pageOrigin: string };
  /** The stack the user named for the target that redirected (its `stack` option). */
  readonly stack?: StackName;
}

/** Redirect hops corscope routed back through itself; the next request uses Chrome's "redirected from". */
export class RedirectMemory {
  private readonly cache: BoundedCache<RedirectHopSeen>;

  constructor(
    maxEntries = 1_000,
    private readonly ttlMs = 30_000,
    now: () => number = Date.now,
  ) {
    this.cache = new BoundedCache(maxEntries, now);
  }

  /** `origin`: the Origin the next request will carry (`null` once the chain is tainted). */
  remember(origin: string, nextUrl: string, hop: RedirectHopSeen): void {
    this.cache.set(key(origin, nextUrl), hop, this.ttlMs);
  }

  /**
   * The first URL of the chain that led to this request. The actual request consumes it; a
   * preflight sent for the redirected request only looks, since its actual request follows.
   */
  recall(origin: string, url: string, consume: boolean): RedirectHopSeen | undefined {
    return consume ? this.cache.take(key(origin, url)) : this.cache.get(key(origin, url));
  }
}

function key(...parts: string[]): string {
  return parts.join('\u0000');
}

/** `others` when no other origin was echoed: most of the time, and then nothing is allocated. */
const NONE: readonly string[] = Object.freeze([]);
/** A known origin's expiry is pushed back at most this often (each push is a Map delete and insert). */
const REFRESH_MS = 60_000;

/**
 * Origins the target echoed in Access-Control-Allow-Origin with credentials allowed. Seeing a second
 * one reveals a server that reflects any Origin (the engine's ReflectedOriginWithCredentials).
 *
 * Asked on every CORS request and told on every echoing response, so both are cheap: a known origin
 * is refreshed at most once a minute, and the live list is kept until it changes or one expires.
 */
export class EchoMemory {
  /** Origin → expiry, oldest first. */
  private readonly expiries = new Map<string, number>();
  private live: readonly string[] = NONE;
  /** `live` holds until an origin is added or this time passes (the earliest expiry in it). */
  private liveUntil = -Infinity;

  constructor(
    private readonly maxEntries = 16,
    private readonly ttlMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}

  add(origin: string): void {
    const now = this.now();
    const expires = this.expiries.get(origin);
    if (expires !== undefined && expires - now > this.ttlMs - REFRESH_MS) return;
    this.expiries.delete(origin);
    this.expiries.set(origin, now + this.ttlMs);
    while (this.expiries.size > this.maxEntries) this.expiries.delete(this.expiries.keys().next().value!);
    this.liveUntil = -Infinity;
  }

  /** The echoed origins other than this one, oldest first. */
  others(origin: string): readonly string[] {
    const live = this.liveOrigins();
    if (live.length === 0 || (live.length === 1 && live[0] === origin)) return NONE;
    return live.filter((o) => o !== origin);
  }

  private liveOrigins(): readonly string[] {
    const now = this.now();
    if (now < this.liveUntil) return this.live;
    const live: string[] = [];
    let until = Infinity;
    for (const [origin, expires] of this.expiries) {
      if (expires <= now) continue;
      live.push(origin);
      until = Math.min(until, expires);
    }
    this.live = live.length === 0 ? NONE : live;
    this.liveUntil = until;
    return this.live;
  }
}
