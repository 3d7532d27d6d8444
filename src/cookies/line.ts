/**
 * A Set-Cookie line as Chrome reads it (net/cookies/parsed_cookie.cc: ParseTokenValuePairs,
 * SetupAttributes, IsValidCookieNameValuePair), keeping where its Domain and Path attributes sit so
 * they can be rewritten in place. Pure. Never keeps the cookie's value.
 */

/** A `Domain` or `Path` attribute's place in the line, for rewriting it in place. */
export interface AttributeSpan {
  /** The `;` in front of the attribute. */
  readonly separator: number;
  /** Where the attribute ends: the next `;` or the end of the line. */
  readonly end: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

export interface ParsedSetCookie {
  /** The cookie's name ('' for a line without `=` in its first pair). Never its value. */
  readonly name: string;
  /** Why Chrome's parser drops the whole line, if it does. */
  readonly invalid?: 'DisallowedCharacter' | 'NoCookieContent' | 'NameValuePairExceedsMaxSize';
  /** A nameless cookie whose value starts with `__Host-`/`__Secure-` (HasHiddenPrefixName). */
  readonly hiddenPrefix: boolean;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly partitioned: boolean;
  /** The last SameSite attribute: `undefined` when absent or not none/lax/strict (UNSPECIFIED). */
  readonly sameSite: 'none' | 'lax' | 'strict' | undefined;
  /** The last Domain attribute's value (Chrome keeps the last), as written. */
  readonly domain: string | undefined;
  /** The last Path attribute's value, as written. */
  readonly path: string | undefined;
  readonly domains: readonly AttributeSpan[];
  readonly paths: readonly AttributeSpan[];
}

// parsed_cookie.cc: kMaxCookieNamePlusValueSize, kMaxCookieAttributeValueSize.
const MAX_NAME_VALUE = 4096;
const MAX_ATTRIBUTE_VALUE = 1024;

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x09; // kWhitespace " \t"
// HttpUtil::IsControlChar: 0x00-0x1f and 0x7f (a tab inside a name or value is one).
const hasControl = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x1f || c === 0x7f) return true;
  }
  return false;
};

/** ParsedCookie::ParseTokenValuePairs and SetupAttributes, keeping where Domain and Path are. */
export function parseSetCookie(line: string): ParsedSetCookie {
  const domains: AttributeSpan[] = [];
  const paths: AttributeSpan[] = [];
  const out = {
    name: '',
    invalid: undefined as ParsedSetCookie['invalid'],
    hiddenPrefix: false,
    secure: false,
    httpOnly: false,
    partitioned: false,
    sameSite: undefined as ParsedSetCookie['sameSite'],
    domain: undefined as string | undefined,
    path: undefined as string | undefined,
    domains,
    paths,
  };
  const end = line.length;
  // A line cut short by a terminator (\n \r \0) is blocked (FindFirstTerminator).
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x00) return { ...out, invalid: 'DisallowedCharacter' };
  }
  if (end === 0) return { ...out, invalid: 'NoCookieContent' };
  let it = 0;
  for (let pair = 0; it < end; pair++) {
    const segmentStart = it;
    // ParseToken: the name, up to '=' or ';', whitespace trimmed.
    let p = it;
    while (p < end && isWhitespace(line.charCodeAt(p))) p++;
    let tokenStart = 0;
    let tokenEnd = 0;
    if (p === end) {
      if (pair !== 0) break;
      it = end; // the first pair is then parsed as a value from the start
    } else {
      tokenStart = p;
      while (p < end && line[p] !== ';' && line[p] !== '=') p++;
      it = p;
      let q = p;
      if (q !== tokenStart) {
        q--;
        while (q > tokenStart && isWhitespace(line.charCodeAt(q))) q--;
        q++;
      }
      tokenEnd = q;
    }
    let key: string;
    if (it === end || line[it] !== '=') {
      // No '=': the first pair is a value with an empty name (Mozilla bug 169091), an attribute a name.
      key = pair === 0 ? '' : line.slice(tokenStart, tokenEnd);
      if (pair === 0) it = tokenStart;
    } else {
      key = line.slice(tokenStart, tokenEnd);
      it++;
    }
    // ParseValue: up to ';', whitespace trimmed.
    while (it < end && isWhitespace(line.charCodeAt(it))) it++;
    const valueStart = it;
    while (it < end && line[it] !== ';') it++;
    let valueEnd = it;
    if (valueEnd !== valueStart) {
      valueEnd--;
      while (valueEnd > valueStart && isWhitespace(line.charCodeAt(valueEnd))) valueEnd--;
      valueEnd++;
    }
    const value = line.slice(valueStart, valueEnd);
    if (pair === 0) {
      out.name = key;
      // ParsedCookie::IsValidCookieNameValuePair, in its order.
      if (key === '' && value === '') return { ...out, invalid: 'NoCookieContent' };
      if (key.length + value.length > MAX_NAME_VALUE) return { ...out, invalid: 'NameValuePairExceedsMaxSize' };
      if (hasControl(key) || hasControl(value)) return { ...out, invalid: 'DisallowedCharacter' };
      // CanonicalCookie::HasHiddenPrefixName: leading blanks skipped, case-insensitive.
      out.hiddenPrefix = key === '' && /^[ \t]*__(host|secure)-/i.test(value);
    } else {
      const attribute = key.toLowerCase();
      if (hasControl(attribute) || hasControl(value)) return { ...out, invalid: 'DisallowedCharacter' };
      // A value over 1024 bytes makes Chrome ignore the attribute, not the cookie.
      if (value.length <= MAX_ATTRIBUTE_VALUE) {
        const span = { separator: segmentStart - 1, end: it, valueStart, valueEnd };
        switch (attribute) {
          case 'domain':
            out.domain = value;
            domains.push(span);
            break;
          case 'path':
            out.path = value;
            paths.push(span);
            break;
          case 'secure':
            out.secure = true;
            break;
          case 'httponly':
            out.httpOnly = true;
            break;
          case 'partitioned':
            out.partitioned = true;
            break;
          case 'samesite': {
            // StringToCookieSameSite: anything else is UNSPECIFIED.
            const v = value.toLowerCase();
            out.sameSite = v === 'none' || v === 'lax' || v === 'strict' ? v : undefined;
            break;
          }
        }
      }
    }
    if (it < end) it++; // past the ';'
  }
  return out;
}
