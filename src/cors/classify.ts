import { firstHeaderValue, hasHeader } from './header-list.js';
import { isSameOrigin } from './origin.js';
import type { NotCorsReason, RequestSnapshot, Stage } from './types.js';

/**
 * Whether Chrome CORS-checks a request at all, and whether it is a CORS-preflight fetch
 * (Chromium `ShouldCheckCors`, `SetCorsFlagIfNeeded`).
 */

export type Classification = { readonly stage: Stage } | { readonly notCors: NotCorsReason };

const SKIPPED_MODES: Record<string, NotCorsReason> = {
  navigate: 'mode-navigate',
  'no-cors': 'mode-no-cors',
  'same-origin': 'mode-same-origin',
  websocket: 'mode-websocket',
};

export function classifyRequest(request: RequestSnapshot): Classification {
  const origin = firstHeaderValue(request.headers, 'origin');
  if (origin === undefined) return { notCors: 'no-origin' };
  const mode = firstHeaderValue(request.headers, 'sec-fetch-mode')?.toLowerCase();
  if (mode !== undefined && mode in SKIPPED_MODES) return { notCors: SKIPPED_MODES[mode]! };
  if (isSameOrigin(origin, request.url)) return { notCors: 'same-origin' };
  const preflight =
    request.method.toUpperCase() === 'OPTIONS' && hasHeader(request.headers, 'access-control-request-method');
  return { stage: preflight ? 'preflight' : 'request' };
}
