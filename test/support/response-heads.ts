/**
 * Whole answers of a target, byte for byte, that a strict HTTP/1.1 parser refuses or reads
 * differently from Chrome. test/browser/response-heads.test.ts asks Chromium about each (and
 * records test/fixtures/chrome-response-heads.json); test/proxy/chrome-response.test.ts replays
 * the recording against src/proxy/chrome-response.ts.
 */

/** What the page saw: the response (headers it may read, framing lines left out), or the failure. */
export type HeadObservation =
  | {
      readonly ok: true;
      readonly status: number;
      readonly statusText: string;
      /** The body's bytes as latin1. */
      readonly body: string;
      /** `[name, value]` as `fetch` lists them (lower-case, sorted, duplicates joined). */
      readonly headers: readonly (readonly [string, string])[];
      readonly cors: readonly string[];
    }
  | { readonly ok: false; readonly netError: string | null; readonly cors: readonly string[] };

export interface ResponseHeadCase {
  readonly id: string;
  /** The target's whole answer (latin1); the target closes the connection after it. */
  readonly raw: string;
  readonly method?: string;
}

export interface ResponseHeadFixture {
  readonly recorded: string;
  readonly chromium: string;
  readonly how: string;
  readonly cases: readonly (ResponseHeadCase & { readonly chrome: HeadObservation })[];
}

const CORS = 'Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: *\r\n';
const ok = (head: string, body = 'hello world'): string => `HTTP/1.1 200 OK\r\n${CORS}${head}\r\n${body}`;

export const RESPONSE_HEAD_CASES: readonly ResponseHeadCase[] = [
  { id: 'well-formed', raw: ok('Content-Length: 11\r\n') },
  // Content-Length
  { id: 'cl-twice-same', raw: ok('Content-Length: 5\r\nContent-Length: 5\r\n') },
  { id: 'cl-twice-differ', raw: ok('Content-Length: 5\r\nContent-Length: 6\r\n') },
  { id: 'cl-list-same', raw: ok('Content-Length: 5, 5\r\n') },
  { id: 'cl-list-differ', raw: ok('Content-Length: 5, 6\r\n') },
  { id: 'cl-negative', raw: ok('Content-Length: -1\r\n') },
  { id: 'cl-trailing-junk', raw: ok('Content-Length: 5x\r\n') },
  { id: 'cl-plus', raw: ok('Content-Length: +5\r\n') },
  { id: 'cl-empty', raw: ok('Content-Length:\r\n') },
  { id: 'cl-spaces', raw: ok('Content-Length:   5  \r\n') },
  { id: 'cl-and-chunked', raw: ok('Content-Length: 100\r\nTransfer-Encoding: chunked\r\n', '5\r\nhello\r\n0\r\n\r\n') },
  { id: 'cl-differ-te-other', raw: ok('Transfer-Encoding: foo\r\nContent-Length: 5\r\nContent-Length: 6\r\n') },
  // Transfer-Encoding
  { id: 'te-identity-chunked', raw: ok('Transfer-Encoding: identity, chunked\r\n', '5\r\nhello\r\n0\r\n\r\n') },
  { id: 'te-chunked-not-last', raw: ok('Transfer-Encoding: chunked, identity\r\n', 'hello') },
  { id: 'te-chunked-http10', raw: `HTTP/1.0 200 OK\r\n${CORS}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n` },
  { id: 'chunk-bare-lf', raw: ok('Transfer-Encoding: chunked\r\n', '5\nhello\n0\n\n') },
  { id: 'chunk-size-invalid', raw: ok('Transfer-Encoding: chunked\r\n', 'zz\r\nhello\r\n0\r\n\r\n') },
  { id: 'chunk-extension-trailer', raw: ok('Transfer-Encoding: chunked\r\n', '5;a=b\r\nhello\r\n0\r\nX-T: 1\r\n\r\n') },
  // Line ends and folding
  { id: 'bare-lf', raw: ok('Content-Length: 5\r\n').replace(/\r\n/g, '\n') },
  { id: 'bare-lf-last', raw: `HTTP/1.1 200 OK\r\n${CORS}Content-Length: 5\n\r\nhello` },
  { id: 'cr-only-lines', raw: ok('Content-Length: 5\r\n').replace(/\r\n/g, '\r') },
  { id: 'bare-cr-in-value', raw: ok('X-A: a\rb\r\nContent-Length: 5\r\n') },
  { id: 'obs-fold', raw: ok('X-Fold: a\r\n  b\r\n\tc\r\nContent-Length: 5\r\n') },
  { id: 'fold-after-status', raw: `HTTP/1.1 200 OK\r\n X-Lead: a\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  // Names and lines
  { id: 'space-before-colon', raw: 'HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin : *\r\nAccess-Control-Expose-Headers: *\r\nX-B : b\r\nContent-Length: 5\r\n\r\nhello' },
  { id: 'line-without-colon', raw: ok('garbage line\r\nContent-Length: 5\r\n') },
  { id: 'name-with-space', raw: ok('Bad Name: x\r\nContent-Length: 5\r\n') },
  { id: 'empty-name', raw: ok(': x\r\nContent-Length: 5\r\n') },
  { id: 'name-non-token', raw: ok('X(a): x\r\nContent-Length: 5\r\n') },
  // Values
  { id: 'value-control-char', raw: ok('X-Ctl: a\x01b\r\nContent-Length: 5\r\n') },
  { id: 'value-del', raw: ok('X-Del: a\x7fb\r\nContent-Length: 5\r\n') },
  { id: 'value-nul', raw: ok('X-Nul: a\x00b\r\nContent-Length: 5\r\n') },
  { id: 'value-latin1', raw: ok('X-L: caf\xe9\r\nContent-Length: 5\r\n') },
  { id: 'value-empty', raw: ok('X-E:\r\nContent-Length: 5\r\n') },
  // Status line
  { id: 'status-four-digits', raw: `HTTP/1.1 2000 OK\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'status-two-digits', raw: `HTTP/1.1 099 Odd\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'status-missing', raw: `HTTP/1.1\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'status-not-digits', raw: `HTTP/1.1 abc\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'status-spaces', raw: `HTTP/1.1   201   Made  \r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'version-lower-case', raw: `http/1.1 200 OK\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'version-bad', raw: `HTTP/x 200 OK\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'junk-before-status', raw: `\r\n\r\nHTTP/1.1 200 OK\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'no-status-line', raw: 'hello world' },
  // Locations and dispositions
  { id: 'location-twice-differ', raw: ok('Location: /a\r\nLocation: /b\r\nContent-Length: 5\r\n') },
  { id: 'location-twice-same-bad-cl', raw: ok('Location: /a\r\nLocation: /a\r\nContent-Length: 5\r\nContent-Length: 5\r\n') },
  // Bodies that must not be read
  { id: 'head-cl-twice', method: 'HEAD', raw: ok('Content-Length: 5\r\nContent-Length: 5\r\n', '') },
  { id: 'status-205-body', raw: `HTTP/1.1 205 Reset Content\r\n${CORS}Content-Length: 5\r\n\r\nhello` },
  { id: 'status-204-body-bad-cl', raw: `HTTP/1.1 204 No Content\r\n${CORS}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello` },
];
