/**
 * nginx, as a server or in front of an application, with CORS done by add_header. Fingerprints and
 * behaviour read from nginx 1.22.1 (test/fixtures/servers/nginx.json) and its docs: add_header
 * without `always` reaches only 200, 201, 204, 206, 301, 302, 303, 304, 307, 308
 * (ngx_http_headers_filter_module); add_header directives are inherited from the enclosing level
 * only if the current level has none; an empty value adds no header at all.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { answerAndPaired, authRefusedPreflight, fingerprintCollector, headerValues, joinLists, markHeader, needsPreflight, originLines, pathOf, preflightMethods } from './common.js';

// `Server: nginx`, `nginx/1.22.1`, `nginx/1.18.0 (Ubuntu)` (server_tokens off drops the version).
const SERVER = /^nginx(\/\d+(\.\d+)*)?( \([^)]*\))?$/;
// ngx_http_special_response.c: every error page and redirect nginx writes itself ends with this.
const OWN_PAGE = /<hr><center>(nginx(\/\d+(\.\d+)*)?( \([^)]*\))?)<\/center>/;
// enable-cors.org's nginx snippet (and the gist it came from): a 20-day Max-Age and this list.
const SNIPPET_MAX_AGE = '1728000';
const SNIPPET_HEADERS = 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range';

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  markHeader(e, add, 'server', (v) => SERVER.test(v));

  const page = OWN_PAGE.exec(e.body?.text ?? '');
  if (page) add(`${e.status} page ending <center>${page[1]}</center> is nginx's own (it made this answer, not the app behind it)`, 'strong');

  for (const headers of answerAndPaired(e)) {
    if (headerValues(headers, 'access-control-max-age').includes(SNIPPET_MAX_AGE)) add(`Access-Control-Max-Age: ${SNIPPET_MAX_AGE} is enable-cors.org's nginx snippet`, 'weak');
    if (headerValues(headers, 'access-control-allow-headers').includes(SNIPPET_HEADERS)) add(`Access-Control-Allow-Headers ${SNIPPET_HEADERS} is enable-cors.org's nginx snippet`, 'weak');
  }
  return found;
}

const acao = (origin: string) => `add_header Access-Control-Allow-Origin "${origin}" always;`;
const ACAC = 'add_header Access-Control-Allow-Credentials "true" always;';
const corsLines = (c: FixContext) => originLines(c, acao(c.origin), ACAC);

/** The preflight answered by nginx itself, in the location that serves the path. */
function preflightBlock(c: FixContext): string {
  const methods = preflightMethods(c);
  const lines = [
    acao(c.origin),
    ...(c.credentials ? [ACAC] : []),
    `add_header Access-Control-Allow-Methods "${methods}" always;`,
    ...(c.requestHeaders.length > 0 ? [`add_header Access-Control-Allow-Headers "${c.requestHeaders.join(', ')}" always;`] : []),
    'return 204;',
  ];
  return `if ($request_method = OPTIONS) {\n${lines.map((l) => `    ${l}`).join('\n')}\n}`;
}


function fix(c: FixContext): string | undefined {
  // A 401/403 preflight that carries CORS headers (added with always, or by a header directive) is
  // still the authentication answering first: its status is what Chrome refuses.
  if (authRefusedPreflight(c)) return fix({ ...c, code: 'auth-before-cors' });
  const where = `in the location that serves ${c.path}`;
  switch (c.code) {
    case 'no-cors':
      return `nginx adds no CORS header here. Add ${where} (always: also on 4xx/5xx answers):\n${corsLines(c)}${needsPreflight(c) ? `\nand answer the preflight there:\n${preflightBlock(c)}` : ''}`;
    case 'origin-malformed':
    case 'origin-fixed-other':
      return `Send the page's origin exactly (scheme://host:port, no path, no trailing slash):\n${acao(c.origin)}`;
    case 'origin-not-allowed':
      return `nginx's allow-list leaves ${c.origin} out, and add_header sends nothing for an empty value. Add it to the map on $http_origin (in http{}):\nmap $http_origin $cors_origin {\n    default "";\n    "${c.origin}" $http_origin;\n}\nadd_header Access-Control-Allow-Origin $cors_origin always;`;
    case 'wildcard-with-credentials':
      return `Chrome refuses * on a call with credentials: name the origin and allow credentials:\n${acao(c.origin)}\n${ACAC}`;
    case 'credentials-not-allowed':
      return `The call carries credentials: add\n${ACAC}`;
    case 'method-not-allowed':
      return `Allow ${c.missingMethods.join(', ') || c.method} in the block that answers the preflight:\nadd_header Access-Control-Allow-Methods "${joinLists(c.allowedMethods, c.missingMethods)}" always;`;
    case 'header-not-allowed':
      return `Allow ${c.missingHeaders.join(', ')} in the block that answers the preflight:\nadd_header Access-Control-Allow-Headers "${joinLists(c.allowedHeaders, c.missingHeaders)}" always;`;
    case 'auth-before-cors':
      // auth_basic runs in the access phase, before proxy_pass; a preflight never carries Authorization.
      return `nginx's auth_basic answered the preflight 401 (a preflight never carries Authorization). Let OPTIONS through it ${where}:\nlimit_except OPTIONS { auth_basic "Restricted"; auth_basic_user_file /etc/nginx/.htpasswd; }\n(keep your realm and file), or answer the preflight before the access phase:\n${preflightBlock(c)}`;
    case 'error-without-cors':
      return `add_header without always only reaches 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 answers; this ${c.status} went out without it. Add always:\n${corsLines(c)}`;
    case 'route-excluded':
      return `An add_header ${where} replaces every add_header inherited from server{} (nginx inherits them only into a level that has none). Repeat the CORS lines there:\n${corsLines(c)}`;
    case 'route-overrides':
      return `The location that serves ${c.path} sets its own Access-Control-Allow-Origin; make it send what the others send:\n${corsLines(c)}`;
    case 'duplicate-layers':
      return `nginx and the app behind it both send the CORS headers. Keep one layer: drop nginx's add_header lines, or hide the app's ${where}:\nproxy_hide_header Access-Control-Allow-Origin;${c.credentials ? '\nproxy_hide_header Access-Control-Allow-Credentials;' : ''}`;
    case 'preflight-unhandled':
      return `The preflight never reached a CORS answer (nginx serves no OPTIONS for files, and the app behind may not either). Answer it ${where}:\n${preflightBlock(c)}`;
    case 'preflight-status':
      return `The preflight came back ${c.status}: answer it in nginx with 204 before it reaches the app, ${where}:\n${preflightBlock(c)}`;
    case 'redirect-before-cors': {
      const target = c.location === undefined ? undefined : pathOf(c.location);
      if (target === `${c.path}/`) {
        // ngx_http_core_find_config_handler: a prefix location ending in "/" with proxy_pass answers
        // the same URI without the slash with a 301 to it, before any add_header or if runs.
        return `nginx redirects ${c.path} to ${c.path}/ because its location ends with a slash, and a preflight cannot follow a redirect. Declare the location without it:\nlocation ${c.path} {\n    ...\n}\n(or have the page call ${c.path}/)`;
      }
      return `A redirect (return 301, rewrite ... permanent) answered ${c.path} before CORS, and a preflight cannot follow one: have the page call ${c.location ?? 'the final URL'} directly, or keep the rule off the API.`;
    }
    default:
      return undefined;
  }
}

export const nginx: StackProfile = { name: 'nginx', title: 'nginx', recognise: fingerprints, fix };
