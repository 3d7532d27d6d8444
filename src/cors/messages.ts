import type { ConsoleLines, CorsErrorCode, Initiator, Wording } from './types.js';

/**
 * Chrome's CORS console messages: the only place their words live
 * (Blink `cors_error_string.cc`, `GetErrorStringForConsoleMessage`; verified against Chrome 156).
 */

const PREFLIGHT_INFIX = "Response to preflight request doesn't pass access control check: ";
const XHR_CREDENTIALS_SUFFIX =
  ' The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.';
const VALID_VALUE_SUFFIX: Record<Wording, string> = {
  current: ' Have the server send the header with a valid value.',
  legacy:
    " Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
};
const LEGACY_OPAQUE_SUFFIX =
  " If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.";

/** The schemes Chrome 156 lists for `CorsDisabledScheme` (`ListOfCorsEnabledURLSchemes`). */
export const CORS_ENABLED_SCHEMES = [
  'chrome', 'chrome-experimental-site-token-provider', 'chrome-extension', 'chrome-untrusted', 'data', 'http',
  'https', 'isolated-app',
];

type Suffix = 'valid-value' | 'xhr-credentials' | 'opaque' | 'none';

interface CatalogEntry {
  readonly body: (hint: string) => string;
  readonly preflightInfix: boolean;
  readonly suffix: Suffix;
}

const ACAO_WILDCARD = () =>
  "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.";
const ACAO_MISSING = () => "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
const ACAO_MULTIPLE = (hint: string) =>
  `The 'Access-Control-Allow-Origin' header contains multiple values '${hint}', but only one is allowed.`;
const ACAO_INVALID = (hint: string) => `The 'Access-Control-Allow-Origin' header contains the invalid value '${hint}'.`;
const ACAO_MISMATCH = (hint: string) =>
  `The 'Access-Control-Allow-Origin' header has a value '${hint}' that is not equal to the supplied origin.`;
const ACAC_INVALID = (hint: string) =>
  `The value of the 'Access-Control-Allow-Credentials' header in the response is '${hint}' which must be 'true' when the request's credentials mode is 'include'.`;

const entry = (body: (hint: string) => string, preflightInfix: boolean, suffix: Suffix): CatalogEntry => ({
  body,
  preflightInfix,
  suffix,
});

const CATALOG: Record<Exclude<CorsErrorCode, 'CorsDisabledScheme'>, CatalogEntry> = {
  DisallowedByMode: entry(() => 'Cross origin requests are not allowed by request mode.', false, 'none'),
  WildcardOriginNotAllowed: entry(ACAO_WILDCARD, false, 'xhr-credentials'),
  MissingAllowOriginHeader: entry(ACAO_MISSING, false, 'opaque'),
  MultipleAllowOriginValues: entry(ACAO_MULTIPLE, false, 'valid-value'),
  InvalidAllowOriginValue: entry(ACAO_INVALID, false, 'valid-value'),
  AllowOriginMismatch: entry(ACAO_MISMATCH, false, 'valid-value'),
  InvalidAllowCredentials: entry(ACAC_INVALID, false, 'xhr-credentials'),
  PreflightWildcardOriginNotAllowed: entry(ACAO_WILDCARD, true, 'xhr-credentials'),
  PreflightMissingAllowOriginHeader: entry(ACAO_MISSING, true, 'opaque'),
  PreflightMultipleAllowOriginValues: entry(ACAO_MULTIPLE, true, 'valid-value'),
  PreflightInvalidAllowOriginValue: entry(ACAO_INVALID, true, 'valid-value'),
  PreflightAllowOriginMismatch: entry(ACAO_MISMATCH, true, 'valid-value'),
  PreflightInvalidAllowCredentials: entry(ACAC_INVALID, true, 'xhr-credentials'),
  PreflightInvalidStatus: entry(() => 'It does not have HTTP ok status.', true, 'none'),
  PreflightDisallowedRedirect: entry(() => 'Redirect is not allowed for a preflight request.', true, 'none'),
  InvalidAllowMethodsPreflightResponse: entry(
    () => 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.',
    false,
    'none',
  ),
  InvalidAllowHeadersPreflightResponse: entry(
    () => 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.',
    false,
    'none',
  ),
  MethodDisallowedByPreflightResponse: entry(
    (hint) => `Method ${hint} is not allowed by Access-Control-Allow-Methods in preflight response.`,
    false,
    'none',
  ),
  HeaderDisallowedByPreflightResponse: entry(
    (hint) => `Request header field ${hint} is not allowed by Access-Control-Allow-Headers in preflight response.`,
    false,
    'none',
  ),
  RedirectContainsCredentials: entry(
    (hint) => `Redirect location '${hint}' contains a username and password, which is disallowed for cross-origin requests.`,
    false,
    'none',
  ),
};

export interface MessageInput {
  /** The URL of the last request Chrome issued (the one that failed). */
  readonly url: string;
  /** The first URL of a redirect chain, when different from `url`. */
  readonly initialUrl?: string;
  /** The page's origin as Chrome prints it. */
  readonly origin: string;
  /** Chrome's `failed_parameter`, raw; it is encoded here as Chrome encodes it. */
  readonly hint?: string;
  readonly wording?: Wording;
}

/** The console line for one initiator. */
export function consoleMessage(code: CorsErrorCode, initiator: Initiator, input: MessageInput): string {
  if (code === 'CorsDisabledScheme') return schemeMessage(initiator, input);
  const spec = CATALOG[code];
  const wording = input.wording ?? 'current';
  let line = opening(initiator, input);
  if (spec.preflightInfix) line += PREFLIGHT_INFIX;
  line += spec.body(encodeHint(input.hint ?? ''));
  return line + suffix(spec.suffix, initiator, wording);
}

/** The console lines for both initiators: they look alike on the wire. */
export function consoleLines(code: CorsErrorCode, input: MessageInput): ConsoleLines {
  return { fetch: consoleMessage(code, 'fetch', input), xhr: consoleMessage(code, 'xhr', input) };
}

function opening(initiator: Initiator, { url, initialUrl, origin }: MessageInput): string {
  const kind = initiator === 'fetch' ? 'fetch' : 'XMLHttpRequest';
  const redirected = initialUrl !== undefined && initialUrl !== url ? `(redirected from '${initialUrl}') ` : '';
  return `Access to ${kind} at '${url}' ${redirected}from origin '${origin}' has been blocked by CORS policy: `;
}

function suffix(kind: Suffix, initiator: Initiator, wording: Wording): string {
  switch (kind) {
    case 'valid-value':
      return initiator === 'fetch' ? VALID_VALUE_SUFFIX[wording] : '';
    case 'xhr-credentials':
      return initiator === 'xhr' ? XHR_CREDENTIALS_SUFFIX : '';
    case 'opaque':
      return initiator === 'fetch' && wording === 'legacy' ? LEGACY_OPAQUE_SUFFIX : '';
    case 'none':
      return '';
  }
}

/**
 * A URL whose scheme Chrome cannot CORS-fetch. fetch() refuses it in the renderer with its own
 * words; XMLHttpRequest reaches the CORS loader and gets `CorsDisabledScheme`, except for file:
 * (refused for both as a local resource) and ftp: (XHR's own refusal). Chrome 156 observations.
 */
function schemeMessage(initiator: Initiator, { url, origin }: MessageInput): string {
  const scheme = /^([^:]*):/.exec(url)?.[1] ?? '';
  // A web page may not load file: URLs at all; Chrome's security check answers before fetch or XHR.
  if (scheme.toLowerCase() === 'file') return `Not allowed to load local resource: ${url}`;
  if (initiator === 'fetch') {
    return `Fetch API cannot load ${url}. URL scheme "${scheme}" is not supported.`;
  }
  if (scheme.toLowerCase() === 'ftp') return 'FTP is not supported.';
  return (
    `Access to XMLHttpRequest at '${url}' from origin '${origin}' has been blocked by CORS policy: ` +
    `Cross origin requests are only supported for protocol schemes: ${CORS_ENABLED_SCHEMES.join(', ')}.`
  );
}

/** `EncodeHint`: printable ASCII as is, every other byte as `\uXXXX` (header values are Latin-1 bytes). */
export function encodeHint(hint: string): string {
  let out = '';
  for (const char of hint) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) {
      out += char;
    } else {
      const bytes = code <= 0xff ? [code] : UTF8.encode(char);
      for (const b of bytes) out += `\\u${b.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return out;
}

const UTF8 = new TextEncoder();
