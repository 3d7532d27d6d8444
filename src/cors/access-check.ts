import { isValidGurl } from './origin.js';

/**
 * The CORS check (Fetch §4.9 "CORS check"; Chromium `cors.cc` `CheckAccess`), with Chrome's own
 * classification of a failing `Access-Control-Allow-Origin` into multiple / invalid / mismatch.
 */

export type AccessFailure =
  | 'WildcardOriginNotAllowed'
  | 'MissingAllowOriginHeader'
  | 'MultipleAllowOriginValues'
  | 'InvalidAllowOriginValue'
  | 'AllowOriginMismatch'
  | 'InvalidAllowCredentials';

export interface AccessCheckInput {
  /** Normalized `Access-Control-Allow-Origin` (lines joined with ", "), null when absent. */
  readonly allowOrigin: string | null;
  /** Normalized `Access-Control-Allow-Credentials`, null when absent. */
  readonly allowCredentials: string | null;
  /** Whether the request's credentials mode is `include`. */
  readonly include: boolean;
  /** The serialized request origin: the `Origin` header sent (`null` after tainting). */
  readonly origin: string;
}

export interface AccessFailureDetail {
  readonly failure: AccessFailure;
  /** Chrome's `failed_parameter`. */
  readonly hint: string;
}

/** Returns null when the check passes, otherwise the single failure Chrome reports. */
export function checkAccess(input: AccessCheckInput): AccessFailureDetail | null {
  const { allowOrigin, allowCredentials, include, origin } = input;
  if (allowOrigin === '*') {
    if (!include) return null;
    return { failure: 'WildcardOriginNotAllowed', hint: '' };
  }
  if (allowOrigin === null) return { failure: 'MissingAllowOriginHeader', hint: '' };
  if (allowOrigin !== origin) {
    if (allowOrigin.includes(' ') || allowOrigin.includes(',')) {
      return { failure: 'MultipleAllowOriginValues', hint: allowOrigin };
    }
    if (allowOrigin === 'null') return { failure: 'AllowOriginMismatch', hint: allowOrigin };
    if (!isValidGurl(allowOrigin)) return { failure: 'InvalidAllowOriginValue', hint: allowOrigin };
    return { failure: 'AllowOriginMismatch', hint: allowOrigin };
  }
  return checkCredentials(allowCredentials, include);
}

/** The credentials half of the check: only for `include`, and only the exact `true` passes. */
export function checkCredentials(allowCredentials: string | null, include: boolean): AccessFailureDetail | null {
  if (!include || allowCredentials === 'true') return null;
  return { failure: 'InvalidAllowCredentials', hint: allowCredentials ?? '' };
}
