/**
 * The Set-Cookie lines record.mjs shows Chromium, and where. Each case: a page (`page`, the origin
 * whose /page the browser opens) fetches `url` with credentials: 'include'; that response carries
 * `setCookie`; then the page fetches `next` (default: /me on the same origin) and each of `alsoAt`,
 * with credentials, and the servers note the Cookie header each carried.
 * `incognito`: also run in an off-the-record context (third-party cookies blocked there).
 * `through`: the line a target at that URL sends, which the recording serves as corscope's
 * cookiesOf (dist/cookies/index.js, rewriting on) writes it for `url`.
 * Ports are fixed (the recording runs in its own network namespace); *.example.com, *.example.co.uk
 * and *.example.test resolve to 127.0.0.1 there (Chromium's --host-resolver-rules).
 */
const L = 'http://localhost:8081';
const L_PAGE = 'http://localhost:5173';
const IP = 'http://127.0.0.1:8081';
const IP_PAGE = 'http://127.0.0.1:5173';
const S = 'https://localhost:8443';
const S_PAGE = 'https://localhost:5443';
const SIP = 'https://127.0.0.1:8443';
const SIP_PAGE = 'https://127.0.0.1:5443';
const APP = 'http://app.localhost:8081';
const APP_PAGE = 'http://app.localhost:5173';
const DEV = 'http://dev.example.com:8081';
const DEV_PAGE = 'http://dev.example.com:5173';
const TEST = 'http://app.example.test:8081';
const TEST_PAGE = 'http://app.example.test:5173';
const UK = 'http://shop.example.co.uk:8081';
const UK_PAGE = 'http://shop.example.co.uk:5173';
const REMOTE = 'https://api.staging.example.com/v1';

export const cases = [
  // Domain
  { id: 'host-only-localhost', incognito: true, what: 'a host-only cookie from another port of localhost is stored and sent to every port', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Path=/', alsoAt: [`${L_PAGE}/me`] },
  { id: 'domain-target-host-at-localhost', what: "the target's own host as Domain, at localhost", page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=api.staging.example.com; Path=/' },
  { id: 'domain-target-parent-at-localhost', what: "the target's parent domain, with a leading dot, at localhost", page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=.example.com; Path=/' },
  { id: 'domain-localhost', what: 'Domain=localhost at localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=localhost; Path=/' },
  { id: 'domain-dot-localhost', what: 'Domain=.localhost at localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=.localhost; Path=/' },
  { id: 'domain-localhost-uppercase', what: 'Domain=LocalHost at localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=LocalHost; Path=/' },
  { id: 'domain-ip-at-localhost', what: 'Domain=127.0.0.1 at localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=127.0.0.1; Path=/' },
  { id: 'domain-ip-at-ip', what: 'Domain=127.0.0.1 at 127.0.0.1', page: IP_PAGE, url: `${IP}/login`, setCookie: 'sid=1; Domain=127.0.0.1; Path=/' },
  { id: 'domain-dot-ip-at-ip', what: 'Domain=.127.0.0.1 at 127.0.0.1', page: IP_PAGE, url: `${IP}/login`, setCookie: 'sid=1; Domain=.127.0.0.1; Path=/' },
  { id: 'domain-localhost-at-ip', what: 'Domain=localhost at 127.0.0.1', page: IP_PAGE, url: `${IP}/login`, setCookie: 'sid=1; Domain=localhost; Path=/' },
  { id: 'domain-localhost-at-app-localhost', what: 'Domain=localhost at app.localhost (no registrable domain under .localhost)', page: APP_PAGE, url: `${APP}/login`, setCookie: 'sid=1; Domain=localhost; Path=/' },
  { id: 'domain-self-at-app-localhost', what: 'Domain=app.localhost at app.localhost', page: APP_PAGE, url: `${APP}/login`, setCookie: 'sid=1; Domain=app.localhost; Path=/' },
  { id: 'domain-parent-at-dev', what: 'Domain=example.com at dev.example.com: a domain cookie, sent to a sibling host too', page: DEV_PAGE, url: `${DEV}/login`, setCookie: 'sid=1; Domain=example.com; Path=/', alsoAt: ['http://api.example.com:8081/me'] },
  { id: 'domain-dot-parent-at-dev', what: 'Domain=.example.com at dev.example.com', page: DEV_PAGE, url: `${DEV}/login`, setCookie: 'sid=1; Domain=.example.com; Path=/' },
  { id: 'domain-public-suffix-at-dev', what: 'Domain=com (a public suffix) at dev.example.com', page: DEV_PAGE, url: `${DEV}/login`, setCookie: 'sid=1; Domain=com; Path=/' },
  { id: 'domain-sibling-at-dev', what: 'Domain=api.example.com (a sibling) at dev.example.com', page: DEV_PAGE, url: `${DEV}/login`, setCookie: 'sid=1; Domain=api.example.com; Path=/' },
  { id: 'domain-multi-label-suffix', what: 'Domain=co.uk (a two-label public suffix) at shop.example.co.uk', page: UK_PAGE, url: `${UK}/login`, setCookie: 'sid=1; Domain=co.uk; Path=/' },
  { id: 'domain-parent-under-multi-label-suffix', what: 'Domain=example.co.uk at shop.example.co.uk', page: UK_PAGE, url: `${UK}/login`, setCookie: 'sid=1; Domain=example.co.uk; Path=/' },
  { id: 'domain-parent-under-unlisted-tld', what: 'Domain=example.test at app.example.test (.test is in no public suffix list)', page: TEST_PAGE, url: `${TEST}/login`, setCookie: 'sid=1; Domain=example.test; Path=/' },
  { id: 'domain-self-under-unlisted-tld', what: 'Domain=app.example.test at app.example.test', page: TEST_PAGE, url: `${TEST}/login`, setCookie: 'sid=1; Domain=app.example.test; Path=/' },
  { id: 'domain-empty', what: 'an empty Domain attribute is ignored', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=; Path=/' },
  { id: 'domain-last-wins-bad', what: 'two Domain attributes: the last one counts', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=localhost; Domain=api.staging.example.com; Path=/' },
  { id: 'domain-last-wins-good', what: 'two Domain attributes: the last one counts', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Domain=api.staging.example.com; Domain=localhost; Path=/' },

  // Secure
  { id: 'secure-localhost', what: 'Secure from http://localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Secure; Path=/' },
  { id: 'secure-ip', what: 'Secure from http://127.0.0.1', page: IP_PAGE, url: `${IP}/login`, setCookie: 'sid=1; Secure; Path=/' },
  { id: 'secure-app-localhost', what: 'Secure from http://app.localhost', page: APP_PAGE, url: `${APP}/login`, setCookie: 'sid=1; Secure; Path=/' },
  { id: 'secure-http-domain', what: 'Secure from http://dev.example.com', page: DEV_PAGE, url: `${DEV}/login`, setCookie: 'sid=1; Secure; Path=/' },
  { id: 'secure-https', what: 'Secure from https://localhost', page: S_PAGE, url: `${S}/login`, setCookie: 'sid=1; Secure; Path=/' },

  // SameSite
  { id: 'samesite-none-insecure-localhost', what: 'SameSite=None without Secure at http://localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; SameSite=None; Path=/' },
  { id: 'samesite-none-insecure-https', what: 'SameSite=None without Secure at https://localhost', page: S_PAGE, url: `${S}/login`, setCookie: 'sid=1; SameSite=None; Path=/' },
  { id: 'samesite-none-secure-localhost', what: 'SameSite=None; Secure at http://localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; SameSite=None; Secure; Path=/' },
  { id: 'samesite-lax-cross-port', incognito: true, what: 'SameSite=Lax from another port of the same host (same site)', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; SameSite=Lax; Path=/' },
  { id: 'samesite-strict-cross-port', what: 'SameSite=Strict from another port of the same host (same site)', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; SameSite=Strict; Path=/' },
  { id: 'samesite-unspecified-cross-site', incognito: true, what: 'no SameSite, fetched from a page on 127.0.0.1 (another site)', page: IP_PAGE, url: `${L}/login`, setCookie: 'sid=1; Path=/' },
  { id: 'samesite-lax-cross-site', incognito: true, what: 'SameSite=Lax fetched from another site', page: IP_PAGE, url: `${L}/login`, setCookie: 'sid=1; SameSite=Lax; Path=/' },
  { id: 'samesite-strict-cross-site', incognito: true, what: 'SameSite=Strict fetched from another site', page: IP_PAGE, url: `${L}/login`, setCookie: 'sid=1; SameSite=Strict; Path=/' },
  { id: 'samesite-bogus-cross-site', incognito: true, what: 'an unknown SameSite value counts as none given, fetched from another site', page: IP_PAGE, url: `${L}/login`, setCookie: 'sid=1; SameSite=Bogus; Path=/' },
  { id: 'samesite-none-secure-cross-site', incognito: true, what: 'SameSite=None; Secure fetched from another site', page: IP_PAGE, url: `${L}/login`, setCookie: 'sid=1; SameSite=None; Secure; Path=/' },
  { id: 'samesite-unspecified-schemeful', incognito: true, what: 'no SameSite, http://localhost fetched from https://localhost (same host, another scheme)', page: S_PAGE, url: `${L}/login`, setCookie: 'sid=1; Path=/' },
  { id: 'samesite-unspecified-schemeful-up', incognito: true, what: 'no SameSite, https://localhost fetched from http://localhost', page: L_PAGE, url: `${S}/login`, setCookie: 'sid=1; Path=/' },

  // Prefixes
  { id: 'host-prefix-https', what: '__Host- with Secure and Path=/ at https://localhost', page: S_PAGE, url: `${S}/login`, setCookie: '__Host-sid=1; Secure; Path=/' },
  { id: 'host-prefix-localhost-http', what: '__Host- with Secure and Path=/ at http://localhost', page: L_PAGE, url: `${L}/login`, setCookie: '__Host-sid=1; Secure; Path=/' },
  { id: 'host-prefix-no-path', what: '__Host- without Path', page: S_PAGE, url: `${S}/login`, setCookie: '__Host-sid=1; Secure' },
  { id: 'host-prefix-other-path', what: '__Host- with Path=/app', page: S_PAGE, url: `${S}/login`, setCookie: '__Host-sid=1; Secure; Path=/app' },
  { id: 'host-prefix-domain', what: '__Host- with Domain=localhost', page: S_PAGE, url: `${S}/login`, setCookie: '__Host-sid=1; Secure; Path=/; Domain=localhost' },
  { id: 'host-prefix-ip-domain', what: '__Host- with Domain naming the IP address it comes from', page: SIP_PAGE, url: `${SIP}/login`, setCookie: '__Host-sid=1; Secure; Path=/; Domain=127.0.0.1' },
  { id: 'host-prefix-no-secure', what: '__Host- without Secure', page: S_PAGE, url: `${S}/login`, setCookie: '__Host-sid=1; Path=/' },
  { id: 'host-prefix-uppercase', what: '__HOST- (prefixes are case-insensitive) without Secure', page: S_PAGE, url: `${S}/login`, setCookie: '__HOST-sid=1; Path=/' },
  { id: 'secure-prefix-https', what: '__Secure- with Secure at https://localhost', page: S_PAGE, url: `${S}/login`, setCookie: '__Secure-sid=1; Secure; Path=/' },
  { id: 'secure-prefix-no-secure', what: '__Secure- without Secure', page: S_PAGE, url: `${S}/login`, setCookie: '__Secure-sid=1; Path=/' },
  { id: 'secure-prefix-localhost-http', what: '__Secure- with Secure at http://localhost', page: L_PAGE, url: `${L}/login`, setCookie: '__Secure-sid=1; Secure; Path=/' },
  { id: 'http-prefix-no-httponly', what: '__Http- with Secure but without HttpOnly (a prefix behind a Chromium feature)', page: L_PAGE, url: `${L}/login`, setCookie: '__Http-sid=1; Secure; Path=/' },
  { id: 'http-prefix-httponly', what: '__Http- with Secure and HttpOnly', page: L_PAGE, url: `${L}/login`, setCookie: '__Http-sid=1; Secure; HttpOnly; Path=/' },
  { id: 'host-http-prefix-no-httponly', what: '__Host-Http- with Secure and Path=/ but without HttpOnly', page: L_PAGE, url: `${L}/login`, setCookie: '__Host-Http-sid=1; Secure; Path=/' },
  { id: 'hidden-prefix', what: 'a nameless cookie whose value starts with __Host-', page: S_PAGE, url: `${S}/login`, setCookie: '__Host-sid; Secure; Path=/' },

  // Partitioned
  { id: 'partitioned-secure-localhost', what: 'Partitioned; Secure at http://localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Secure; Partitioned; Path=/' },
  { id: 'partitioned-no-secure-localhost', what: 'Partitioned without Secure at http://localhost', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Partitioned; Path=/' },
  { id: 'partitioned-secure-https', what: 'Partitioned; Secure at https://localhost', page: S_PAGE, url: `${S}/login`, setCookie: 'sid=1; Secure; Partitioned; Path=/' },
  { id: 'partitioned-secure-http-domain', what: 'Partitioned; Secure at http://dev.example.com', page: DEV_PAGE, url: `${DEV}/login`, setCookie: 'sid=1; Secure; Partitioned; Path=/' },

  // Path
  { id: 'path-target-base', what: "a Path under the target's base path, seen from the browser's paths", page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Path=/v1', alsoAt: [`${L}/v1/me`] },
  { id: 'path-sub', what: 'Path=/auth: stored from /login, sent under /auth only', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Path=/auth', next: `${L}/auth/me`, alsoAt: [`${L}/me`] },
  { id: 'path-default', what: "no Path: the directory of the URL that set it", page: L_PAGE, url: `${L}/api/login`, setCookie: 'sid=1', alsoAt: [`${L}/api/me`] },
  { id: 'path-not-absolute', what: 'Path=v1 (no leading slash): the default path instead', page: L_PAGE, url: `${L}/api/login`, setCookie: 'sid=1; Path=v1', alsoAt: [`${L}/api/me`] },

  // The line
  { id: 'tab-in-value', what: 'a tab inside the value', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=a\tb; Path=/' },
  { id: 'tab-in-attribute', what: 'a tab inside an attribute value', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; Path=/a\tb' },
  { id: 'nameless', what: 'a line without "=" in its first pair: a cookie with an empty name', page: L_PAGE, url: `${L}/login`, setCookie: 'justvalue; Path=/' },
  { id: 'attributes-uppercase', what: 'attribute names and values in capitals', page: L_PAGE, url: `${L}/login`, setCookie: 'sid=1; DOMAIN=LOCALHOST; PATH=/; SECURE; SAMESITE=NONE; HTTPONLY' },
  { id: 'spaces', what: 'blanks around names, values and separators', page: L_PAGE, url: `${L}/login`, setCookie: '  sid = 1 ;  Path = /  ;Secure ' },
  { id: 'empty-line', what: 'an empty Set-Cookie line', page: L_PAGE, url: `${L}/login`, setCookie: '' },
  { id: 'only-equals', what: 'neither a name nor a value', page: L_PAGE, url: `${L}/login`, setCookie: '=; Path=/' },
  { id: 'name-value-too-long', what: 'name and value longer than 4096 bytes', page: L_PAGE, url: `${L}/login`, setCookie: `sid=${'x'.repeat(4094)}; Path=/` },
  { id: 'domain-too-long', what: 'a Domain value over 1024 bytes is ignored, not the cookie', page: L_PAGE, url: `${L}/login`, setCookie: `sid=1; Domain=${'a'.repeat(1020)}.example.com; Path=/` },

  // Through corscope: the target's line, rewritten by cookiesOf
  { id: 'through-domain-target', what: "a remote target's session cookie for its own host, through corscope at localhost", page: L_PAGE, url: `${L}/login`, through: REMOTE, setCookie: 'sid=1; Domain=api.staging.example.com; Path=/v1; HttpOnly; Secure; SameSite=None' },
  { id: 'through-domain-parent', what: "a remote target's cookie for its parent domain under a sub-path, through corscope", page: L_PAGE, url: `${L}/login`, through: REMOTE, setCookie: 'sid=1; domain=.example.com; path=/v1/auth; SameSite=Lax', next: `${L}/auth/me` },
  { id: 'through-path-only', what: "a host-only cookie at the target's base path, through corscope", page: L_PAGE, url: `${L}/login`, through: REMOTE, setCookie: 'sid=1; Path=/v1; HttpOnly' },
  { id: 'through-at-ip', what: 'the same session cookie, the browser on 127.0.0.1', page: IP_PAGE, url: `${IP}/login`, through: REMOTE, setCookie: 'sid=1; Domain=api.staging.example.com; Path=/v1; HttpOnly; Secure; SameSite=None' },
  { id: 'through-samesite-none-insecure', what: 'rewritten, and refused anyway: SameSite=None without Secure', page: L_PAGE, url: `${L}/login`, through: REMOTE, setCookie: 'sid=1; Domain=api.staging.example.com; Path=/v1; SameSite=None' },
  { id: 'through-public-url-secure', what: 'corscope behind http://dev.example.com: the Domain covers it and stays, Secure is refused', page: DEV_PAGE, url: `${DEV}/login`, through: REMOTE, setCookie: 'sid=1; Domain=.example.com; Path=/v1; Secure' },
  { id: 'through-ip-target', what: 'a target on another address, Domain naming it, through corscope at localhost', page: L_PAGE, url: `${L}/login`, through: 'http://10.1.2.3:3000/', setCookie: 'sid=1; Domain=10.1.2.3; Path=/' },
];
