/**
 * Requests Node's HTTP parser refuses before any handler runs (a lowercase `patch` from fetch(),
 * header lines past the limit). corscope reads what it can from the raw bytes, so the browser gets
 * an explanation and the log gets a judged record, instead of a silent 400.
 */
import type { HeaderLine } from '../cors/types.js';

export interface RawHead {
  readonly method: string;
  readonly target: string;
  readonly headers: HeaderLine[];
}

export interface Refusal {
  readonly status: 400 | 408 | 431;
  readonly code: string;
  readonly why: string;
}

/** The request line and header lines of an HTTP/1 request head, as far as they arrived. */
export function parseRawHead(raw: Buffer | undefined): RawHead | null {
  if (!raw) return null;
  const text = raw.subarray(0, 65_536).toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = (end === -1 ? text : text.slice(0, end)).split('\r\n');
  const request = /^([^ ]{1,32}) ([^ ]{1,8192}) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!request) return null;
  const headers: HeaderLine[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  return { method: request[1]!, target: request[2]!, headers };
}

export function describeRefusal(code: string | undefined, head: RawHead | null): Refusal {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      code,
      why: "the request's header lines exceed Node's limit (16 KiB by default; raise it with NODE_OPTIONS=--max-http-header-size=65536)",
    };
  }
  if (code === 'HPE_INVALID_METHOD') {
    const shown = head ? `'${head.method}'` : 'the request method';
    return {
      status: 400,
      code,
      why: `${shown} is not a method Node's HTTP parser accepts; fetch() sends methods other than DELETE GET HEAD OPTIONS POST PUT exactly as written, so a lowercase 'patch' stays lowercase: write it in uppercase`,
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code, why: "the request's header lines did not all arrive within 60 s (Node's headersTimeout)" };
  }
  return { status: 400, code: code ?? 'HPE_ERROR', why: `Node's HTTP parser refused the request (${code ?? 'parse error'})` };
}
