/**
 * The engine's plain-data vocabulary. Everything Chrome decides about an exchange is a function of
 * these values: no Node types, no sockets, no logger.
 */

/** One raw header line as it was on the wire: name as sent, value as sent. Order and duplicates matter. */
export type HeaderLine = readonly [name: string, value: string];

/** The request as the browser sent it, seen where corscope sits. */
export interface RequestSnapshot {
  /** The absolute URL the browser used (the URL Chrome prints), e.g. `http://localhost:8081/api?x=1`. */
  readonly url: string;
  /** The method as on the wire (fetch uppercases only DELETE GET HEAD OPTIONS POST PUT). */
  readonly method: string;
  readonly headers: readonly HeaderLine[];
}

/** The response as the server sent it. */
export interface ResponseSnapshot {
  readonly status: number;
  readonly headers: readonly HeaderLine[];
}

/** A CORS-preflight fetch (`OPTIONS` + `Access-Control-Request-Method`) or any other request. */
export type Stage = 'preflight' | 'request';

/** Who made the call: it changes the first words of Chrome's line and its suffixes. */
export type Initiator = 'fetch' | 'xhr';

/**
 * The credentials mode of the *actual* request, as far as it can be known.
 * `include` is certain when a cross-origin request carries cookies; otherwise it may be either.
 */
export type CredentialsKnowledge = 'include' | 'omit' | 'unknown';

/** Chrome's wording: `current` is Chrome 156 (verified); `legacy` is Chrome up to ~132. */
export type Wording = 'current' | 'legacy';

/** A redirect that led to this request (the first URL of the chain is what Chrome prints). */
export interface RedirectHop {
  /** The URL of the first request of the chain (`redirected from '…'`). */
  readonly initialUrl: string;
  /** Whether a cross-origin hop tainted the request (its `Origin` became `null`). */
  readonly tainted?: boolean;
}

export interface ExchangeContext {
  /** Assumed initiator; the message for the other one is always given too. Default `fetch`. */
  readonly initiator?: Initiator;
  /** What is known of the credentials mode; default: derived from the request (`Cookie` → include). */
  readonly credentials?: CredentialsKnowledge;
  /** Set when this request follows one or more redirects. */
  readonly redirect?: RedirectHop;
  /**
   * The page's own origin, which Chrome prints in `from origin '…'`. It differs from the `Origin`
   * header only after a tainting redirect (header `null`, page origin printed). Default: the header.
   */
  readonly pageOrigin?: string;
  /** Default `current`. */
  readonly wording?: Wording;
  /**
   * Other origins the same server was seen to echo in `Access-Control-Allow-Origin` with credentials
   * allowed (the caller keeps that memory; the engine stays pure). Reveals an origin-reflecting server.
   */
  readonly otherOriginsEchoed?: readonly string[];
  /**
   * The names of the headers the page set, in the order it set them, when known (`corscope check`).
   * With XMLHttpRequest this order decides which refused header Chrome names; a preflight does not
   * show it, so without it the sorted `Access-Control-Request-Headers` order stands in.
   */
  readonly authorHeaderOrder?: readonly string[];
}

export interface Exchange {
  readonly stage: Stage;
  readonly request: RequestSnapshot;
  readonly response: ResponseSnapshot;
  readonly context?: ExchangeContext;
}

/** Chromium's `network::mojom::CorsError` names, for the errors a console line exists for. */
export type CorsErrorCode =
  | 'DisallowedByMode'
  | 'WildcardOriginNotAllowed'
  | 'MissingAllowOriginHeader'
  | 'MultipleAllowOriginValues'
  | 'InvalidAllowOriginValue'
  | 'AllowOriginMismatch'
  | 'InvalidAllowCredentials'
  | 'CorsDisabledScheme'
  | 'PreflightInvalidStatus'
  | 'PreflightDisallowedRedirect'
  | 'PreflightWildcardOriginNotAllowed'
  | 'PreflightMissingAllowOriginHeader'
  | 'PreflightMultipleAllowOriginValues'
  | 'PreflightInvalidAllowOriginValue'
  | 'PreflightAllowOriginMismatch'
  | 'PreflightInvalidAllowCredentials'
  | 'InvalidAllowMethodsPreflightResponse'
  | 'InvalidAllowHeadersPreflightResponse'
  | 'MethodDisallowedByPreflightResponse'
  | 'HeaderDisallowedByPreflightResponse'
  | 'RedirectContainsCredentials';

/** corscope's own codes for mistakes Chrome lets through today but that bite later. */
export type WarningCode =
  | 'AuthorizationCoveredByWildcard'
  | 'MissingVaryOrigin'
  | 'MaxAgeAboveCap'
  | 'AllowOriginNull'
  | 'ReflectedOriginWithCredentials'
  | 'HiddenResponseHeaders'
  | 'DuplicateCorsHeader';

export type FindingCode = CorsErrorCode | WarningCode;

/** The exact console line, for each initiator. */
export interface ConsoleLines {
  readonly fetch: string;
  readonly xhr: string;
}

export interface Finding {
  readonly code: FindingCode;
  /** `error`: Chrome blocks; `warning`: Chrome lets it through. */
  readonly severity: 'error' | 'warning';
  /**
   * When set, the finding holds only under this credentials mode, which corscope could not see
   * (e.g. `include`: "if the request is made with credentials: 'include' / withCredentials").
   */
  readonly onlyIf?: 'credentials-include' | 'credentials-not-include';
  /** Chrome's console lines for an error (absent for warnings). */
  readonly chrome?: ConsoleLines;
  /** The response (or request) header the finding is about, e.g. `Access-Control-Allow-Origin`. */
  readonly header?: string;
  /** That header's value as received (several lines joined with ", "); null when absent. */
  readonly value?: string | null;
  /** Chrome's `failed_parameter`, when the line quotes one. */
  readonly hint?: string;
  /** The rule broken, in plain words. */
  readonly rule: string;
  /** The cause: what is wrong, naming the header and its value as received. */
  readonly cause: string;
  /** The fix: the concrete response headers to send. */
  readonly fix: string;
}

export type VerdictKind = 'allowed' | 'blocked' | 'conditional' | 'not-cors';

/** Why Chrome does not CORS-check this request at all. */
export type NotCorsReason =
  | 'no-origin'
  | 'same-origin'
  | 'mode-navigate'
  | 'mode-no-cors'
  | 'mode-same-origin'
  | 'mode-websocket';

/** Response header edits that make Chrome accept the exchange (patch mode applies exactly these). */
export interface PatchPlan {
  /** Replace the status (a failing preflight is answered 204). */
  readonly status?: number;
  /** Headers to remove entirely (lowercase names), e.g. `location` on a redirected preflight. */
  readonly remove: readonly string[];
  /** Headers to set: every existing line of that name is replaced by this one line. */
  readonly set: readonly HeaderLine[];
}

export interface Verdict {
  readonly verdict: VerdictKind;
  readonly stage: Stage;
  /** Set when `verdict` is `not-cors`. */
  readonly notCors?: NotCorsReason;
  /** The error Chrome reports (first in its check order), for a blocked or conditional verdict. */
  readonly primary?: Finding;
  /** Every finding: Chrome's error first, then the ones that will surface once it is fixed, then warnings. */
  readonly findings: readonly Finding[];
  /** The credentials mode the verdict assumed. */
  readonly credentials: CredentialsKnowledge;
  /** The initiator the verdict's primary message is written for. */
  readonly initiator: Initiator;
  /** The `Origin` the request carried (`null` after tainting); null when absent. */
  readonly origin: string | null;
  /** Edits that make Chrome accept this exchange under every credentials mode; empty when none needed. */
  readonly patch: PatchPlan;
  /** For a preflight: how long Chrome caches it (seconds, after Chrome's default and cap). */
  readonly maxAgeSeconds?: number;
}
