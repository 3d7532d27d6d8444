/** `corscope check`: the calls Chrome would make, made for real, judged by the engine. */
export { runCheck, type CheckResult, type CheckFailure, type WireExchange } from './run.js';
export { parseCheckInput, parseOrigin, parseHeaderLine, type CheckOptions, type CheckInput, type CheckInputError, type RawCheckInput } from './options.js';
export { fetchSite } from './wire.js';
export { MAX_REDIRECTS } from './redirect.js';
export type { NetworkFailure } from './send.js';
