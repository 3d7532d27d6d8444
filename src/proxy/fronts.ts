/**
 * The targets one corscope fronts, each on its own listener, and where the browser reaches each.
 * A page tells its APIs apart by origin, so every target keeps an origin of its own through
 * corscope; a redirect from one to another is pointed at the other's listener (head.ts,
 * `rewriteLocation`), so the browser stays inside corscope and the whole chain is judged.
 */

/** One fronted target: its URL, and its listener once bound. */
export interface FrontedTarget {
  readonly target: URL;
  readonly publicUrl: URL | undefined;
  /** The port bound (after listen). */
  port: number | undefined;
}

/** A Location prefix to rewrite: the target's origin and base path, and the browser-side origin. */
export interface Route {
  /** e.g. `http://localhost:3000` or `http://localhost:3000/v1` (no trailing slash). */
  readonly from: string;
  /** e.g. `http://localhost:8082`. */
  readonly to: string;
}

export class Fronts {
  constructor(readonly list: readonly FrontedTarget[]) {}

  get several(): boolean {
    return this.list.length > 1;
  }

  /**
   * Where the browser reaches each front, seen from a request that reached `self` at `addressed`
   * (its origin as the browser wrote it): the same scheme and host name with the other's port, so
   * `localhost` stays `localhost` (cookies and origins are per host name), or its public URL.
   */
  browserOrigin(front: FrontedTarget, self: FrontedTarget, addressed: string): string {
    if (front === self) return addressed;
    if (front.publicUrl) return front.publicUrl.origin;
    const at = new URL(addressed);
    return `${at.protocol}//${at.hostname}:${String(front.port ?? '')}`;
  }

  /** The page-visible origins of every front (the diagnosis' `frontedOrigins`). */
  browserOrigins(self: FrontedTarget, addressed: string): string[] {
    if (this.list.length === 1) return [addressed];
    return this.list.map((front) => this.browserOrigin(front, self, addressed));
  }

  /**
   * The Location rewrites for a redirect answered by `self`: every front, the one with the longest
   * base path first (two targets may share an origin and differ by path), `self` first among equals.
   */
  routes(self: FrontedTarget, addressed: string): Route[] {
    const routes = this.list.map((front) => ({ front, from: prefixOf(front.target), to: this.browserOrigin(front, self, addressed) }));
    routes.sort((a, b) => b.from.length - a.from.length || Number(b.front === self) - Number(a.front === self));
    return routes.map(({ from, to }) => ({ from, to }));
  }
}

/** The target's origin and path, without a trailing slash: what its Locations start with. */
export function prefixOf(target: URL): string {
  return target.origin + target.pathname.replace(/\/+$/, '');
}
