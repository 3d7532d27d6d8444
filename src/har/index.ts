/** `corscope har`: a recorded session (HAR 1.2, as Chrome's devtools export it) judged by the engine. */
export { analyzeHar, type HarAnalysis, type HarOptions, type HarRecord, type Unanswered } from './analyze.js';
export { readHarFile, parseHar, type HarRead } from './read.js';
export { checkCommandFor, summarizeHar, summaryLine, type HarSummary } from './summary.js';
export type { HarEntry } from './validate.js';
