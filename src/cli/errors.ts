/** Exit codes (documented in the README): 0 clean, 1 runtime failure, 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake on the command line: one line on stderr, exit 2, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
