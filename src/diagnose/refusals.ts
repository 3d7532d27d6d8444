/**
 * CORS libraries that refuse a preflight (or a call) with an answer of their own, and what each
 * refusal means. Chrome hides these bodies from the page; corscope reads the first bytes of them.
 * One entry per wording: adding a library is adding a line.
 */
import type { DiagnosisCode, StackName } from './types.js';

export interface Refusal {
  /** Matched against the body excerpt's text. */
  readonly pattern: RegExp;
  readonly code: DiagnosisCode;
  /** Who writes it, for the evidence line. */
  readonly library: string;
  /** The stack the wording names by itself, when it does. */
  readonly stack?: StackName;
}

export const REFUSALS: readonly Refusal[] = [
  // Starlette's CORSMiddleware.preflight_response: "Disallowed CORS " + ", ".join(failures), 400.
  { pattern: /^Disallowed CORS origin/, code: 'origin-not-allowed', library: "Starlette's CORSMiddleware", stack: 'fastapi' },
  { pattern: /^Disallowed CORS method/, code: 'method-not-allowed', library: "Starlette's CORSMiddleware", stack: 'fastapi' },
  { pattern: /^Disallowed CORS headers/, code: 'header-not-allowed', library: "Starlette's CORSMiddleware", stack: 'fastapi' },
  // aiohttp-cors' _preflight_handler raises HTTPForbidden with these texts.
  { pattern: /CORS preflight request failed: origin '[^']*' is not allowed/, code: 'origin-not-allowed', library: 'aiohttp-cors', stack: 'aiohttp' },
  { pattern: /CORS preflight request failed: request method '[^']*' is not allowed/, code: 'method-not-allowed', library: 'aiohttp-cors', stack: 'aiohttp' },
  { pattern: /CORS preflight request failed: headers are not allowed/, code: 'header-not-allowed', library: 'aiohttp-cors', stack: 'aiohttp' },
  // hapi's lib/cors.js answers a refused preflight 200 with a JSON message and no CORS headers
  // (recorded from hapi 21.4: test/fixtures/servers/hapi.json).
  { pattern: /CORS error: Origin not allowed/, code: 'origin-not-allowed', library: "hapi's route cors", stack: 'hapi' },
  { pattern: /CORS error: Some headers are not allowed/, code: 'header-not-allowed', library: "hapi's route cors", stack: 'hapi' },
  { pattern: /CORS is disabled for this route/, code: 'route-excluded', library: "hapi's route cors", stack: 'hapi' },
  // Spring's DefaultCorsProcessor.rejectRequest: 403 "Invalid CORS request".
  { pattern: /^Invalid CORS request/, code: 'origin-not-allowed', library: "Spring's DefaultCorsProcessor", stack: 'spring' },
  // The origin callback of the cors package's README example: callback(new Error('Not allowed by CORS')),
  // which Express's default error handler prints as a 500 page.
  { pattern: /Error: Not allowed by CORS/, code: 'origin-not-allowed', library: "the cors package's origin callback (its README's example error)" },
];

/** The first refusal the body's text shows, if any. */
export function refusalIn(text: string | undefined): Refusal | undefined {
  if (!text) return undefined;
  const head = text.trimStart();
  return REFUSALS.find((r) => r.pattern.test(head));
}
