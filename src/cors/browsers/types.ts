/**
 * What another browser does with the same exchange Chrome's engine judges: its verdict and the exact
 * console lines it prints. Chrome stays the record's truth; these say what a Firefox or Safari user
 * will see, so a bug report from either browser can be matched to corscope's log.
 */

export type OtherBrowser = 'firefox' | 'safari';

/** `allowed` may still carry lines (Firefox's Authorization deprecation warning). */
export type BrowserVerdictKind = 'allowed' | 'blocked' | 'conditional';

export interface BrowserVerdict {
  /** `conditional`: blocked only if the page sends credentials, which the exchange does not show. */
  readonly verdict: BrowserVerdictKind;
  /**
   * The console lines, in the order the browser prints them. Empty when the browser prints nothing,
   * even for a block (WebKit's refusals before any request): never an invented line.
   */
  readonly lines: readonly string[];
  /**
   * Firefox only: the reason of its first blocking line, the `security.properties` key without its
   * version suffix (`CORSMissingAllowOrigin`), as MDN names its CORS error pages.
   */
  readonly reason?: string;
}

export interface OtherBrowsers {
  readonly firefox: BrowserVerdict;
  readonly safari: BrowserVerdict;
}
