/** corscope's CORS engine: pure functions of (request, response, context). */
export { judge, credentialsOf } from './judge.js';
export { classifyRequest, type Classification } from './classify.js';
export { consoleMessage, consoleLines, encodeHint, CORS_ENABLED_SCHEMES, type MessageInput } from './messages.js';
export {
  normalizeMethod,
  isCorsSafelistedMethod,
  isCorsSafelistedHeader,
  isForbiddenRequestHeader,
  corsUnsafeRequestHeaderNames,
  needsPreflight,
  accessControlRequestHeaders,
} from './request.js';
export { preflightCacheSeconds, DEFAULT_MAX_AGE_SECONDS, MAX_AGE_CAP_SECONDS } from './preflight.js';
export { redirectLocation, resolveLocation, hasUrlCredentials, redirectTaints } from './redirect.js';
export { urlOrigin, urlScheme, isSameOrigin } from './origin.js';
export { firstHeaderValue, headerValues, normalizedHeader, headerLineCount } from './header-list.js';
export { schemeError } from './scheme.js';
export { applyPatchPlan, type PatchedResponse } from './minimal-headers.js';
export type * from './types.js';
export { otherBrowsers, firefoxVerdict, safariVerdict, refusedBeforeSending, FIREFOX_CATALOG, SAFARI_CATALOG } from './browsers/index.js';
export type { BrowserVerdict, BrowserVerdictKind, OtherBrowser, OtherBrowsers, RefusedCall } from './browsers/index.js';
