/**
 * Apache httpd 2.4, as a server or in front of an application (mod_proxy), with CORS done by
 * mod_headers. Fingerprints read from Apache 2.4.71 (test/fixtures/servers/apache.json) with
 * Debian's security.conf defaults (ServerTokens OS, ServerSignature On). The mod_headers docs:
 * `Header set` writes the `onsuccess` table, which error documents Apache writes itself (401,
 * 503 from mod_proxy, a RewriteRule [R=200] answer) never carry; `always` writes a second table,
 * which does not replace a header already in the first (a proxied app's own).
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { authRefusedPreflight, escapeRegex, fingerprintCollector, joinLists, markHeader, needsPreflight, originLines, preflightMethods } from './common.js';

// `Server: Apache`, `Apache/2.4.71 (Debian)`, `Apache/2.4.57 (Unix) OpenSSL/3.0.2` (ServerTokens).
const SERVER = /^Apache(\/\d+(\.\d+)*)?( .*)?$/;
// ServerSignature On: the last line of every error document Apache writes itself.
const SIGNATURE = /<address>(Apache(\/[^<]*)? Server at [^<]*)<\/address>/;
// ap_send_error_response's layout: the status line as title, the reason as heading.
const ERROR_DOC = /<html><head>\s*<title>(\d{3} [^<]+)<\/title>\s*<\/head><body>\s*<h1>[^<]+<\/h1>/;

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  markHeader(e, add, 'server', (v) => SERVER.test(v));

  const text = e.body?.text ?? '';
  const signature = SIGNATURE.exec(text);
  if (signature) add(`${e.status} page signed <address>${signature[1]}</address> is Apache's own (it made this answer, not the app behind it)`, 'strong');
  const doc = ERROR_DOC.exec(text);
  if (doc && e.status === 200 && doc[1] === '200 OK') {
    // Only a RewriteRule with [R=200] makes Apache write an error document for a 200.
    add('200 page "<title>200 OK</title>" is the error document Apache writes for RewriteRule [R=200]', 'strong');
  } else if (doc && !signature) {
    add(`${e.status} page "<title>${doc[1]}</title>" is laid out as Apache's error documents are`, 'weak');
  }
  return found;
}

const acao = (origin: string) => `Header always set Access-Control-Allow-Origin "${origin}"`;
const ACAC = 'Header always set Access-Control-Allow-Credentials "true"';
const corsLines = (c: FixContext) => originLines(c, acao(c.origin), ACAC);
const OPTIONS_204 = 'RewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^ - [R=204,L]';

/** Apache answering the preflight itself, the headers on the always table. */
function preflightBlock(c: FixContext): string {
  const methods = preflightMethods(c);
  return [
    corsLines(c),
    `Header always set Access-Control-Allow-Methods "${methods}"`,
    ...(c.requestHeaders.length > 0 ? [`Header always set Access-Control-Allow-Headers "${c.requestHeaders.join(', ')}"`] : []),
    OPTIONS_204,
  ].join('\n');
}

/** The first path segment as a prefix (`/api/items` -> `/api/`), for rules to leave the API alone. */
const prefixOf = (path: string) => /^\/[^/]+\//.exec(path)?.[0] ?? path;

function fix(c: FixContext): string | undefined {
  // A 401/403 preflight that carries CORS headers (added with always, or by a header directive) is
  // still the authentication answering first: its status is what Chrome refuses.
  if (authRefusedPreflight(c)) return fix({ ...c, code: 'auth-before-cors' });
  switch (c.code) {
    case 'no-cors':
      return `Apache adds no CORS header here. Add (always: also on Apache's own error pages):\n${corsLines(c)}${needsPreflight(c) ? `\nand answer the preflight in Apache:\n${preflightBlock(c)}` : ''}`;
    case 'origin-malformed':
    case 'origin-fixed-other':
      return `Send the page's origin exactly (scheme://host:port, no path, no trailing slash):\n${acao(c.origin)}`;
    case 'origin-not-allowed':
      return `The SetEnvIf (or <If>) that picks allowed origins leaves ${c.origin} out, so the Header line with env= sends nothing. Add it:\nSetEnvIf Origin "^${escapeRegex(c.origin)}$" CORS_ORIGIN=$0\nHeader always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN\nHeader always merge Vary Origin`;
    case 'wildcard-with-credentials':
      return `Chrome refuses * on a call with credentials: name the origin and allow credentials:\n${acao(c.origin)}\n${ACAC}`;
    case 'credentials-not-allowed':
      return `The call carries credentials: add\n${ACAC}`;
    case 'method-not-allowed':
      return `Allow ${c.missingMethods.join(', ') || c.method}:\nHeader always set Access-Control-Allow-Methods "${joinLists(c.allowedMethods, c.missingMethods)}"`;
    case 'header-not-allowed':
      return `Allow ${c.missingHeaders.join(', ')}:\nHeader always set Access-Control-Allow-Headers "${joinLists(c.allowedHeaders, c.missingHeaders)}"`;
    case 'auth-before-cors':
      // mod_auth_basic runs in the check_user_id hook, before mod_proxy hands the request on.
      return `Apache's authentication answered the preflight ${c.status} (a preflight never carries credentials). Require a user for every method but OPTIONS:\n<Location ${prefixOf(c.path)}>\n  AuthType Basic\n  ...\n  <LimitExcept OPTIONS>\n    Require valid-user\n  </LimitExcept>\n</Location>`;
    case 'error-without-cors':
      return `Header set writes only the onsuccess table, which the error pages Apache writes itself (401, 413, 503 from mod_proxy, ...) never carry; this ${c.status} went out without it. Use always:\n${corsLines(c)}`;
    case 'route-excluded':
      return `The CORS Header lines do not reach ${c.path} (another <Location>, <Directory> or <If> leaves it out): add them there:\n${corsLines(c)}`;
    case 'route-overrides':
      return `Something for ${c.path} sets its own Access-Control-Allow-Origin; make it send what the others send:\n${acao(c.origin)}`;
    case 'duplicate-layers':
      // Header add appends; Header always set writes the always table and the app's header stays in
      // the onsuccess one: both go out. Unset (onsuccess) removes the app's first.
      return `Apache and the app behind it both send Access-Control-Allow-Origin (Header add appends, and Header always set cannot replace the app's). Keep one: drop Apache's Header lines, or remove the app's before setting yours:\nHeader unset Access-Control-Allow-Origin\n${acao(c.origin)}`;
    case 'preflight-unhandled':
      return `The preflight got no CORS headers (Header set does not reach the answers Apache writes itself, and the app behind may not answer OPTIONS). Answer it in Apache, the headers on the always table:\n${preflightBlock(c)}`;
    case 'preflight-status':
      return `The preflight came back ${c.status}: answer OPTIONS in Apache with 204 before it reaches the app:\n${preflightBlock(c)}`;
    case 'redirect-before-cors':
      return `A Redirect or RewriteRule [R] answered ${c.path} before CORS, and a preflight cannot follow a redirect. Keep the rule off the API, before its RewriteRule:\nRewriteCond %{REQUEST_URI} !^${prefixOf(c.path)}\n(or have the page call ${c.location ?? 'the final URL'} directly)`;
    default:
      return undefined;
  }
}

export const apache: StackProfile = { name: 'apache', title: 'Apache httpd (mod_headers)', recognise: fingerprints, fix };
