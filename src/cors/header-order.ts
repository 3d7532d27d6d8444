/**
 * Which refused request header Chrome names when several are refused. Chrome walks the request's
 * headers in its own internal order, which is not the order the page set them in nor the sorted
 * order of Access-Control-Request-Headers (Chrome 156 names x-zeta for {x-alpha, x-zeta}).
 */
export function pickDisallowedHeader(refused: readonly string[]): string {
  return refused[0] ?? '';
}
