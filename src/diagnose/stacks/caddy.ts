/**
 * Caddy 2, as a server or in front of an application (reverse_proxy), with CORS done by the
 * `header` directive. Fingerprints and behaviour read from Caddy 2.6.2
 * (test/fixtures/servers/caddy.json) and its docs: `header` sets the headers before the next
 * handler runs, so reverse_proxy adds the app's own next to them (two lines); deferred ops
 * (`defer`, `-Field`, `?Field`) apply only when a handler writes the answer, so Caddy's own error
 * answers (502 from reverse_proxy, with no handle_errors) go out without them. The Caddyfile sorts
 * directives (header before basicauth before respond), whatever their order in the file.
 */
import type { FixContext, Fingerprint, StackEvidence, StackProfile } from '../types.js';
import { authRefusedPreflight, fingerprintCollector, headerValues, joinLists, markHeader, needsPreflight, originLines, preflightMethods } from './common.js';

function fingerprints(e: StackEvidence): Fingerprint[] {
  const { found, add } = fingerprintCollector();
  // Caddy's server sets `Server: Caddy` on every answer (no version), unless `header -Server`.
  markHeader(e, add, 'server', (v) => v === 'Caddy');

  // An error a handler returned, written by the server with no handle_errors: status, no body, no type.
  const empty = headerValues(e.headers, 'content-length').includes('0') && headerValues(e.headers, 'content-type').length === 0;
  if (e.status >= 400 && empty && (e.body === undefined || e.body.bytes === 0)) {
    add(`${e.status} with an empty body and no Content-Type is how Caddy answers a handler's error (no handle_errors)`, 'weak');
  }
  return found;
}

const acao = (origin: string) => `\theader Access-Control-Allow-Origin "${origin}"`;
const ACAC = '\theader Access-Control-Allow-Credentials true';
const corsLines = (c: FixContext) => originLines(c, acao(c.origin), ACAC);

/** Caddy answering the preflight itself; `header` reaches the 204 because it sorts before respond. */
function preflightBlock(c: FixContext): string {
  const methods = preflightMethods(c);
  return [
    '\t@options method OPTIONS',
    '\trespond @options 204',
    corsLines(c),
    `\theader Access-Control-Allow-Methods "${methods}"`,
    ...(c.requestHeaders.length > 0 ? [`\theader Access-Control-Allow-Headers "${c.requestHeaders.join(', ')}"`] : []),
  ].join('\n');
}

/** The first path segment as a path matcher (`/api/items` -> `/api/*`). */
const matcherOf = (path: string) => (/^\/[^/]+\//.exec(path)?.[0] ?? `${path}/`) + '*';

function fix(c: FixContext): string | undefined {
  // A 401/403 preflight that carries CORS headers (added with always, or by a header directive) is
  // still the authentication answering first: its status is what Chrome refuses.
  if (authRefusedPreflight(c)) return fix({ ...c, code: 'auth-before-cors' });
  const site = 'in the site block';
  switch (c.code) {
    case 'no-cors':
      return `Caddy adds no CORS header here. Add ${site}:\n${corsLines(c)}${needsPreflight(c) ? `\nand answer the preflight:\n${preflightBlock(c)}` : ''}`;
    case 'origin-malformed':
    case 'origin-fixed-other':
      return `Send the page's origin exactly (scheme://host:port, no path, no trailing slash):\n${acao(c.origin)}`;
    case 'origin-not-allowed':
      return `The matcher that gates Access-Control-Allow-Origin leaves ${c.origin} out. Add it (header values of one field in a matcher are OR'd):\n\t@cors {\n\t\theader Origin ${c.origin}\n\t}\n\theader @cors Access-Control-Allow-Origin {http.request.header.Origin}`;
    case 'wildcard-with-credentials':
      return `Chrome refuses * on a call with credentials: name the origin and allow credentials:\n${acao(c.origin)}\n${ACAC}`;
    case 'credentials-not-allowed':
      return `The call carries credentials: add\n${ACAC}`;
    case 'method-not-allowed':
      return `Allow ${c.missingMethods.join(', ') || c.method}:\n\theader Access-Control-Allow-Methods "${joinLists(c.allowedMethods, c.missingMethods)}"`;
    case 'header-not-allowed':
      return `Allow ${c.missingHeaders.join(', ')}:\n\theader Access-Control-Allow-Headers "${joinLists(c.allowedHeaders, c.missingHeaders)}"`;
    case 'auth-before-cors':
      // basicauth sorts before respond and reverse_proxy: it answers a preflight before either.
      return `Caddy's basicauth answered the preflight ${c.status} (a preflight never carries credentials, and basicauth runs before respond and reverse_proxy). Leave OPTIONS out of its matcher:\n\t@protected {\n\t\tpath ${matcherOf(c.path)}\n\t\tnot method OPTIONS\n\t}\n\tbasicauth @protected {\n\t\t...\n\t}`;
    case 'error-without-cors':
      return `Caddy's own error answers (this ${c.status}) skip deferred header ops (defer, -Field, ?Field). Set the CORS header without deferring:\n${corsLines(c)}\n(if the app sends its own, strip that with header_down -Access-Control-Allow-Origin in reverse_proxy), or set it in handle_errors too`;
    case 'route-excluded':
      return `The header directive's matcher (a path, or the handle block it sits in) leaves ${c.path} out: set it there too:\n${corsLines(c)}`;
    case 'route-overrides':
      return `Something for ${c.path} sets its own Access-Control-Allow-Origin; make it send what the others send:\n${acao(c.origin)}`;
    case 'duplicate-layers':
      // reverse_proxy copies the app's headers next to the ones `header` already set.
      return `Caddy's header directive and the app behind it both send Access-Control-Allow-Origin (reverse_proxy adds the app's next to Caddy's). Keep one: drop the header line, or strip the app's:\n\treverse_proxy <upstream> {\n\t\theader_down -Access-Control-Allow-Origin\n\t}`;
    case 'preflight-unhandled':
    case 'preflight-status':
      return `The preflight came back ${c.status} from the app behind Caddy. Answer OPTIONS in Caddy (it sorts header before respond, so the 204 carries them):\n${preflightBlock(c)}`;
    case 'redirect-before-cors':
      return `A redir answered ${c.path} before CORS, and a preflight cannot follow a redirect: leave the API out of the redir's matcher, or have the page call ${c.location ?? 'the final URL'} directly.`;
    default:
      return undefined;
  }
}

export const caddy: StackProfile = { name: 'caddy', title: 'Caddy', recognise: fingerprints, fix };
