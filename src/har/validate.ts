/**
 * The part of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) corscope reads, checked
 * field by field so a bad file is named at the exact place: `log.entries[3].response.headers`.
 * Fields corscope does not read are not checked.
 */
import type { HeaderLine } from '../cors/types.js';

export interface HarEntry {
  /** Index in `log.entries`, for messages. */
  readonly index: number;
  /** Epoch ms, when `startedDateTime` parses. */
  readonly started: number | undefined;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: HeaderLine[];
    /** `request.cookies` is non-empty (Chrome lists the cookies it sent there too). */
    readonly hasCookies: boolean;
  };
  readonly response: {
    readonly status: number;
    readonly headers: HeaderLine[];
    /** The Location the browser followed, '' when none. */
    readonly redirectURL: string;
    /** Why there is no response (`net::ERR_FAILED`), from devtools' `_error` or Playwright's `_failureText`. */
    readonly error: string | undefined;
    /**
     * The first bytes of the body devtools kept (`content.text`, already decoded; base64 when
     * `content.encoding` says so), bounded: the diagnosis reads what Chrome hid from the page.
     */
    readonly content?: { readonly bytes: Buffer; readonly size: number };
  };
  /** Chrome's `_resourceType` (`fetch`, `xhr`, `preflight`, `document`, …) when present. */
  readonly resourceType: string | undefined;
}

/** A structural mistake in the file, and where. */
export interface HarShapeError {
  readonly place: string;
  readonly message: string;
}

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

class ShapeError extends Error {
  constructor(
    readonly place: string,
    message: string,
  ) {
    super(message);
  }
}

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

function field(parent: Record<string, Json>, name: string, place: string): Json {
  if (!(name in parent)) throw new ShapeError(`${place}.${name}`, 'missing');
  return parent[name];
}

function object(v: Json, place: string): Record<string, Json> {
  if (!isObject(v)) throw new ShapeError(place, `expected an object, found ${describe(v)}`);
  return v;
}

function array(v: Json, place: string): Json[] {
  if (!Array.isArray(v)) throw new ShapeError(place, `expected an array, found ${describe(v)}`);
  return v;
}

function string(v: Json, place: string): string {
  if (typeof v !== 'string') throw new ShapeError(place, `expected a string, found ${describe(v)}`);
  return v;
}

function headers(v: Json, place: string): HeaderLine[] {
  return array(v, place).flatMap((item, i) => {
    const h = object(item, `${place}[${i}]`);
    const name = string(field(h, 'name', `${place}[${i}]`), `${place}[${i}].name`);
    const value = string(field(h, 'value', `${place}[${i}]`), `${place}[${i}].value`);
    // HTTP/2 pseudo-headers (`:authority`, `:path`) are not header lines.
    return name.startsWith(':') ? [] : [[name, asWireBytes(value)] as const];
  });
}

/**
 * Devtools writes header bytes decoded as UTF-8; the engine reads values one character per byte,
 * as they were on the wire (and as Chrome quotes them). Plain ASCII is unchanged.
 */
function asWireBytes(value: string): string {
  return /^[\x00-\x7f]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

function entry(v: Json, index: number): HarEntry {
  const place = `log.entries[${index}]`;
  const e = object(v, place);
  const req = object(field(e, 'request', place), `${place}.request`);
  const res = object(field(e, 'response', place), `${place}.response`);
  const status = field(res, 'status', `${place}.response`);
  if (typeof status !== 'number' || !Number.isInteger(status)) {
    throw new ShapeError(`${place}.response.status`, `expected a whole number, found ${describe(status)}`);
  }
  const cookies = req.cookies === undefined ? [] : array(req.cookies, `${place}.request.cookies`);
  const started = typeof e.startedDateTime === 'string' ? Date.parse(e.startedDateTime) : NaN;
  return {
    index,
    started: Number.isNaN(started) ? undefined : started,
    request: {
      method: string(field(req, 'method', `${place}.request`), `${place}.request.method`),
      url: string(field(req, 'url', `${place}.request`), `${place}.request.url`),
      headers: headers(field(req, 'headers', `${place}.request`), `${place}.request.headers`),
      hasCookies: cookies.length > 0,
    },
    response: {
      status,
      headers: headers(field(res, 'headers', `${place}.response`), `${place}.response.headers`),
      redirectURL: res.redirectURL === undefined ? '' : string(res.redirectURL, `${place}.response.redirectURL`),
      error: [res._error, res._failureText, e._error].find((v): v is string => typeof v === 'string' && v !== ''),
      ...contentOf(res.content),
    },
    resourceType: typeof e._resourceType === 'string' ? e._resourceType : undefined,
  };
}

/** Bytes of a body kept from the file (the record shows at most its excerpt's bound). */
const CONTENT_BYTES = 4096;

/** `content.text` is optional and informative: a missing or odd one is no error, just no body. */
function contentOf(content: Json | undefined): { content?: { bytes: Buffer; size: number } } {
  if (content === null || typeof content !== 'object' || Array.isArray(content)) return {};
  const { text, encoding, size } = content as Record<string, Json>;
  if (typeof text !== 'string' || text === '') return {};
  const base64 = encoding === 'base64';
  const bytes = base64 ? Buffer.from(text.slice(0, Math.ceil((CONTENT_BYTES * 4) / 3) + 4), 'base64') : Buffer.from(text.slice(0, CONTENT_BYTES), 'utf8');
  const whole = typeof size === 'number' && size >= 0 ? size : base64 ? Math.floor((text.length * 3) / 4) : Buffer.byteLength(text);
  return { content: { bytes: bytes.subarray(0, CONTENT_BYTES), size: whole } };
}

/** The entries of a parsed HAR, or the first place where it is not one. */
export function harEntries(root: Json): HarEntry[] | HarShapeError {
  try {
    const top = object(root, '(top level)');
    const log = object(field(top, 'log', '(top level)'), 'log');
    return array(field(log, 'entries', 'log'), 'log.entries').map(entry);
  } catch (err) {
    if (err instanceof ShapeError) return { place: err.place.replace(/^\(top level\)\./, ''), message: err.message };
    throw err;
  }
}
