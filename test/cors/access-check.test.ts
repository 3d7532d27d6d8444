import { describe, expect, it } from 'vitest';
import { checkAccess } from '../../src/cors/access-check.js';

const ORIGIN = 'http://localhost:5173';

describe("Chrome's classification of Access-Control-Allow-Origin", () => {
  it.each([
    ['star-no-credentials', '*', false, null],
    ['star-credentials', '*', true, 'WildcardOriginNotAllowed'],
    ['absent', null, false, 'MissingAllowOriginHeader'],
    ['exact', ORIGIN, false, null],
    ['star-star (observed)', '*, *', false, 'MultipleAllowOriginValues'],
    ['two-origins (observed)', `http://example.com, ${ORIGIN}`, false, 'MultipleAllowOriginValues'],
    ['space-inside', 'http://a b', false, 'MultipleAllowOriginValues'],
    ['null-for-real-origin (observed)', 'null', false, 'AllowOriginMismatch'],
    ['xyz (observed)', 'xyz', false, 'InvalidAllowOriginValue'],
    ['empty (observed)', '', false, 'InvalidAllowOriginValue'],
    ['port-out-of-range (observed)', 'http://example.com:67890', false, 'InvalidAllowOriginValue'],
    ['trailing-slash (observed)', `${ORIGIN}/`, false, 'AllowOriginMismatch'],
    ['uppercase-host (observed)', 'http://LOCALHOST:5173', false, 'AllowOriginMismatch'],
    ['other-origin (observed)', 'http://example.com', false, 'AllowOriginMismatch'],
  ] as const)('%s', (_name, allowOrigin, include, expected) => {
    const result = checkAccess({ allowOrigin, allowCredentials: 'true', include, origin: ORIGIN });
    expect(result?.failure ?? null).toBe(expected);
  });

  it.each([
    ['absent (observed)', null, ''],
    ['true-true (observed)', 'true, true', 'true, true'],
    ['uppercase (observed)', 'TRUE', 'TRUE'],
    ['exact', 'true', null],
  ] as const)('credentials %s', (_name, allowCredentials, hint) => {
    const result = checkAccess({ allowOrigin: ORIGIN, allowCredentials, include: true, origin: ORIGIN });
    expect(result === null ? null : result.hint).toBe(hint);
  });

  it('a tainted request (Origin: null) passes only with null or *', () => {
    expect(checkAccess({ allowOrigin: 'null', allowCredentials: null, include: false, origin: 'null' })).toBeNull();
    expect(checkAccess({ allowOrigin: ORIGIN, allowCredentials: null, include: false, origin: 'null' })?.failure).toBe(
      'AllowOriginMismatch',
    );
  });
});
