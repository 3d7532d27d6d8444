/** The diagnosis: why the server sent what Chrome refuses, and the fix in its own terms. Pure. */
export { diagnose } from './diagnose.js';
export { observe, identityLines } from './history.js';
export { EMPTY_HISTORY } from './types.js';
export type * from './types.js';
