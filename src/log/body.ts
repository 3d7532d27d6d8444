/**
 * The first bytes of an answer's body as the record shows them: decoded when compressed, text only
 * when it is text, bounded, with secrets the request carried (and tokens that look like secrets)
 * redacted. Chrome hides the body of a refused answer from the page; this is how people see it.
 */
import zlib from 'node:zlib';
import { firstHeaderValue } from '../cors/index.js';
import type { HeaderLine } from '../cors/types.js';
import type { BodyExcerpt } from '../diagnose/types.js';
import { REDACTED } from './redact.js';

/** Bytes of the body kept (before decoding) and characters of text shown. */
export const BODY_EXCERPT_BYTES = 2048;

const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|problem\+json)|application\/ld\+json)/i;

/** A JWT, or a long opaque token after "token"/"bearer"/"session"/"password" words. */
const SECRET_PATTERNS = [
  /eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g,
  /((?:bearer|token|secret|password|passwd|session(?:id)?|api[_-]?key)["']?\s*[:=]\s*["']?)([^\s"'<>&,;]{6,})/gi,
];

export interface ExcerptInput {
  /** The first bytes as they came on the wire (possibly compressed). */
  readonly bytes: Buffer;
  /** Bytes seen in all (may exceed `bytes.length`). */
  readonly seen: number;
  /** The body went on past what was seen. */
  readonly truncated: boolean;
  readonly responseHeaders: readonly HeaderLine[];
  /** The request's lines: their Cookie and Authorization values never show in an excerpt. */
  readonly requestHeaders: readonly HeaderLine[];
  readonly logSecrets: boolean;
}

export function bodyExcerpt(input: ExcerptInput): BodyExcerpt {
  const type = firstHeaderValue(input.responseHeaders, 'content-type') ?? null;
  const base = { type, bytes: input.seen, truncated: input.truncated };
  if (input.bytes.length === 0) return base;
  const decoded = decode(input.bytes, firstHeaderValue(input.responseHeaders, 'content-encoding'));
  if (decoded === undefined || !looksTextual(type, decoded)) return base;
  let text = decoded.toString('utf8');
  if (text.length > BODY_EXCERPT_BYTES) text = text.slice(0, BODY_EXCERPT_BYTES);
  // A body cut inside a multi-byte character ends with a replacement character: drop it.
  text = text.replace(/\uFFFD$/, '');
  return { ...base, text: input.logSecrets ? text : redact(text, input.requestHeaders), truncated: input.truncated || decoded.length > BODY_EXCERPT_BYTES };
}

/** Decodes what a prefix of a compressed body gives; undefined for an encoding corscope cannot read. */
function decode(bytes: Buffer, encoding: string | undefined): Buffer | undefined {
  const coding = (encoding ?? '').trim().toLowerCase();
  try {
    if (coding === '' || coding === 'identity') return bytes;
    if (coding === 'gzip' || coding === 'x-gzip') return zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    if (coding === 'deflate') {
      // "deflate" is zlib-wrapped by the spec, raw deflate in practice from some servers.
      try {
        return zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch {
        return zlib.inflateRawSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      }
    }
    if (coding === 'br') return zlib.brotliDecompressSync(bytes, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  } catch {
    return undefined;
  }
  return undefined;
}

function looksTextual(type: string | null, bytes: Buffer): boolean {
  if (type !== null && type.trim() !== '') return TEXTUAL.test(type.trim()) && !bytes.includes(0);
  // No Content-Type: text when it holds no NUL and few control bytes.
  let control = 0;
  for (const b of bytes.subarray(0, 512)) {
    if (b === 0) return false;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  }
  return control * 20 < Math.min(bytes.length, 512);
}

function redact(text: string, requestHeaders: readonly HeaderLine[]): string {
  let out = text;
  for (const [name, value] of requestHeaders) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const credential = value.replace(/^\S+\s+/, '');
      if (credential.length >= 6) out = out.split(credential).join(REDACTED);
    } else if (lower === 'cookie') {
      for (const pair of value.split(';')) {
        const cookie = pair.slice(pair.indexOf('=') + 1).trim();
        if (cookie.length >= 6) out = out.split(cookie).join(REDACTED);
      }
    }
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, (match, prefix?: string) => (typeof prefix === 'string' && match.startsWith(prefix) ? prefix + REDACTED : REDACTED));
  return out;
}
