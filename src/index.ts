/** corscope's programmatic API: `createCorscope(options)` and the types of what it emits. */
export { createCorscope, CorscopeServer, ListenError, type CorscopeEvents, type Listening } from './proxy/server.js';
export { OptionsError, type CorscopeOptions, type TargetSpec } from './proxy/options.js';
export type { ExchangeRecord, ChromeLine, PatchRecord, UpstreamFailure } from './log/record.js';
export { createInspector, Inspector, HISTORY_LIMIT, type InspectorOptions, type InspectorInfo } from './inspector/index.js';
export { wireOf, type WireLines } from './log/wire.js';
export { createLogger, type LoggerOptions, type LogFormat, type LogLevel, type CorscopeLogger } from './log/logger.js';
export type {
  Finding,
  FindingCode,
  CorsErrorCode,
  WarningCode,
  HeaderLine,
  Initiator,
  Stage,
  Verdict,
  VerdictKind,
  CredentialsKnowledge,
  Wording,
} from './cors/types.js';
export { runCheck, parseCheckInput, type CheckOptions, type CheckResult, type CheckFailure } from './check/index.js';
export { analyzeHar, parseHar, readHarFile, summarizeHar, summaryLine, type HarAnalysis, type HarSummary } from './har/index.js';
