/** Which header lines decide the verdict and which Chrome refuses; the patch as a diff (/js/headers.js). Pure, tested in Node. */
// Browser code kept as text: no backtick and no dollar-brace inside (String.raw keeps backslashes).
export const HEADERS_JS = String.raw`// Which header lines decide the verdict, which one Chrome refuses (and the request line it is
// measured against), and what --patch changed, as a line diff. Pure; tested in Node.

const DECIDES_REQUEST = ['origin', 'access-control-request-method', 'access-control-request-headers'];

export function decidesRequest(name) {
  return DECIDES_REQUEST.includes(name.toLowerCase());
}

export function decidesResponse(name, status) {
  const n = name.toLowerCase();
  return n.startsWith('access-control-') || (n === 'location' && status >= 300 && status < 400);
}

// The request line a refusal is measured against: Origin for an Allow-Origin that names another,
// the requested method or headers for a preflight's allowed lists.
const MEASURED_AGAINST = {
  AllowOriginMismatch: 'origin',
  PreflightAllowOriginMismatch: 'origin',
  WildcardOriginNotAllowed: 'origin',
  PreflightWildcardOriginNotAllowed: 'origin',
  MissingAllowOriginHeader: 'origin',
  PreflightMissingAllowOriginHeader: 'origin',
  MethodDisallowedByPreflightResponse: 'access-control-request-method',
  InvalidAllowMethodsPreflightResponse: 'access-control-request-method',
  HeaderDisallowedByPreflightResponse: 'access-control-request-headers',
  InvalidAllowHeadersPreflightResponse: 'access-control-request-headers',
};

const STATUS_CODES = ['PreflightInvalidStatus'];

// What to mark in the record's header lines: 'response' and 'request' (lower-case names) offend,
// 'missing' is the header Chrome wanted and did not get (its name as Chrome spells it),
// 'status' when the status line is what Chrome refused, 'warned' the headers of warnings.
export function highlights(record, lines) {
  const out = { response: null, request: null, missing: null, status: false, warned: [] };
  const primary = record.findings && record.findings[0];
  for (const f of record.findings || []) if (f.severity === 'warning' && f.header) out.warned.push(f.header.toLowerCase());
  if (!primary || primary.severity !== 'error') return out;
  if (STATUS_CODES.includes(primary.code)) out.status = true;
  if (primary.header) {
    const name = primary.header.toLowerCase();
    out.response = name;
    const response = lines ? lines.response : [];
    if (!response.some((l) => l[0].toLowerCase() === name)) out.missing = primary.header;
  }
  const against = MEASURED_AGAINST[primary.code];
  if (against) out.request = against;
  return out;
}

// A line diff (longest common subsequence) of the target's lines and what the browser got:
// [{ op: ' ' | '-' | '+', line: [name, value] }].
export function diffLines(before, after) {
  const a = before.map((l) => l[0] + ': ' + l[1]);
  const b = after.map((l) => l[0] + ': ' + l[1]);
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', line: before[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: '-', line: before[i++] });
    else out.push({ op: '+', line: after[j++] });
  }
  while (i < n) out.push({ op: '-', line: before[i++] });
  while (j < m) out.push({ op: '+', line: after[j++] });
  return out;
}
`;
