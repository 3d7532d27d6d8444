import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One header line as scripted or sent: duplicates stay separate lines. */
export type Pair = readonly [name: string, value: string];

/** A scripted answer: status and raw header lines (tokens expanded at answer time). */
export interface ScriptedResponse {
  readonly status?: number;
  readonly headers?: readonly Pair[];
  readonly body?: string;
  readonly delayMs?: number;
}

export interface Route {
  /** Answers `OPTIONS`. */
  readonly preflight?: ScriptedResponse;
  /** Answers every other method. */
  readonly main?: ScriptedResponse;
}

export type Routes = Readonly<Record<string, Route>>;

/** The page's call, as in the oracle's case schema. */
export interface ClientCall {
  readonly api?: 'fetch' | 'xhr';
  readonly url: string;
  /** Sent verbatim: `patch` stays lowercase on the wire. */
  readonly method?: string;
  readonly headers?: readonly Pair[];
  readonly body?: string;
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  readonly mode?: 'cors' | 'no-cors' | 'same-origin';
  readonly redirect?: 'follow' | 'error' | 'manual';
  readonly cache?: string;
  readonly withCredentials?: boolean;
  readonly repeat?: number;
  readonly repeatDelayMs?: number;
  readonly andThen?: readonly Partial<ClientCall>[];
}

export type Host = 'localhost' | '127.0.0.1';

export interface CaseDefinition {
  readonly id: string;
  readonly description?: string;
  readonly covers?: readonly string[];
  readonly pageHost?: Host;
  readonly apiHost?: Host;
  readonly api2Host?: Host;
  readonly context?: 'page' | 'sandboxed-iframe';
  readonly cookies?: boolean;
  readonly client: ClientCall;
  readonly server: { readonly api?: Routes; readonly api2?: Routes };
}

/** What Chrome 156 did for the case when it was recorded (see test/fixtures/README.md). */
export interface Observation {
  readonly id: string;
  readonly definition: CaseDefinition;
  readonly consoleErrors: readonly string[];
  readonly primaryMessages: readonly string[];
  readonly js: readonly { readonly ok: boolean; readonly status?: number; readonly type?: string }[];
  readonly serverRequests: readonly { readonly server: string; readonly method: string; readonly path: string }[];
  readonly ports: Readonly<Record<string, number>>;
}

export interface Fixture {
  readonly chromiumVersion: string;
  readonly recordedAt: string;
  readonly cases: readonly Observation[];
}

/** `chrome-oracle.json` (the oracle's 81 cases) or another recording in test/fixtures of the same shape. */
export function loadFixture(name = 'chrome-oracle.json'): Fixture {
  const file = fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
}

/** `{NAME}` tokens, expanded where the schema says (URL, request headers, body, response values). */
export type Tokens = Readonly<Record<string, string>>;

export function expand(value: string, tokens: Tokens): string {
  return value.replace(/\{([A-Z0-9_]+)\}/g, (m, name: string) => (Object.hasOwn(tokens, name) ? tokens[name]! : m));
}

/** Run-specific ports back to `{PAGE_PORT}`-style names, so lines compare across runs. */
export function normalizePorts(text: string, ports: Readonly<Record<string, number>>): string {
  let out = text;
  for (const [name, port] of Object.entries(ports)) {
    out = out.replace(new RegExp(`:${port}(?![0-9])`, 'g'), `:{${name}}`);
  }
  return out;
}

const CORS_MARK = 'has been blocked by CORS policy: ';

/**
 * The lines a CORS debugger answers for: `Access to … has been blocked by CORS policy: …` and
 * `Fetch API cannot load …`. `Failed to load resource: …` is Chrome's generic per-request line.
 */
export function isCorsLine(text: string): boolean {
  return (text.startsWith('Access to ') && text.includes(CORS_MARK)) || text.startsWith('Fetch API cannot load ');
}

/** Every console error except the generic `Failed to load resource: …` lines (the oracle's `primaryMessages`). */
export function primaryLines(consoleErrors: readonly string[]): string[] {
  return consoleErrors.filter((t) => !t.startsWith('Failed to load resource: '));
}

/** The URL a CORS line is about (`Access to fetch at '<url>'`, `Fetch API cannot load <url>.`). */
export function urlOfLine(line: string): string | null {
  const access = /^Access to (?:fetch|XMLHttpRequest) at '([^']*)'/.exec(line);
  if (access) return access[1]!;
  const fetchApi = /^Fetch API cannot load (\S+)\. /.exec(line);
  return fetchApi ? fetchApi[1]! : null;
}
