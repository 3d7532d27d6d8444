/** `corscope check`: the calls Chrome would make, made for real, judged by the engine. */
export { runCheck, MAX_REDIRECTS, type CheckResult, type CheckFailure, type WireExchange } from './run.js';
export { parseCheckInput, parseOrigin, parseHeaderLine, type CheckOptions, type CheckInput, type CheckInputError, type RawCheckInput } from './options.js';
export { fetchSite } from './wire.js';
export type { NetworkFailure } from './send.js';
