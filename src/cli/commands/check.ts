/** `corscope check <url> --origin <origin>`: make the calls Chrome would make, say what Chrome would say. */
import type { Argv } from 'yargs';
import { parseCheckInput, runCheck, type CheckResult } from '../../check/index.js';
import type { CliCommand } from '../command.js';
import { BEHAVIOUR_FLAGS, BROWSER_FLAGS, headlineOf, wordingOf, stackOf } from '../flags.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors.js';
import { openReport } from '../report.js';
import { packageVersion } from '../version.js';
import { untilSignal } from '../run.js';
import { ONE_SHOT_UI_FLAGS, say, serveRecords, uiSettings, type Shown, type UiFlags } from '../ui.js';

interface Flags extends UiFlags {
  readonly url?: string;
  readonly origin?: string;
  readonly method?: string;
  readonly header?: (string | number)[];
  readonly credentials?: boolean;
  readonly xhr?: boolean;
  readonly data?: string | number;
  readonly json?: boolean;
  readonly stack?: string;
  readonly timeout?: number;
  readonly insecure?: boolean;
  readonly 'chrome-wording'?: string;
  readonly 'log-secrets'?: boolean;
  readonly headline?: string;
  readonly browser?: string;
}

export const checkCommand: CliCommand<Flags> = {
  command: 'check <url>',
  describe: 'Call the URL as Chrome would from a page on --origin (preflight, request, redirects) and say whether Chrome allows it',
  builder: (yargs: Argv) =>
    yargs
      .positional('url', { type: 'string', describe: 'The URL the page calls, e.g. https://staging-api.example.com/users' })
      .option('origin', { type: 'string', describe: "The page's origin, e.g. https://app.example.com", demandOption: 'say which page calls it, e.g. --origin http://localhost:5173' })
      .option('method', { alias: 'X', type: 'string', describe: 'The method the page uses', default: 'GET' })
      .option('header', { alias: 'H', type: 'string', array: true, describe: "A header the page sets, 'Name: value' (repeatable); 'Cookie: …' stands for the browser's cookies for the URL's host" })
      .option('credentials', { type: 'boolean', describe: "The page sends credentials: fetch's credentials: 'include' / XHR's withCredentials" })
      .option('xhr', { type: 'boolean', describe: 'The page uses XMLHttpRequest (Chrome words its lines differently)' })
      .option('data', { alias: 'd', type: 'string', describe: 'A request body (none is sent without it)' })
      .option('json', { type: 'boolean', describe: 'NDJSON records (the proxy\'s record shape), then a summary record' })
      .option('timeout', { type: 'number', describe: 'Milliseconds to wait for each response head', default: 10_000 })
      .option('insecure', { type: 'boolean', describe: "Accept the server's self-signed TLS certificate" })
      .options({ 'chrome-wording': BEHAVIOUR_FLAGS['chrome-wording'], stack: BEHAVIOUR_FLAGS.stack })
      .option('log-secrets', { type: 'boolean', describe: 'Show Cookie and Authorization values in findings (redacted by default)' })
      .options({ headline: BROWSER_FLAGS.headline })
      .option('browser', { choices: ['chrome', 'firefox', 'safari'], describe: "Whose verdict decides the exit code (all three are reported)", default: 'chrome' })
      .options(ONE_SHOT_UI_FLAGS)
      .example('$0 check https://api.example.com/users --origin https://app.example.com', 'will a page on app.example.com be allowed to read this?')
      .example("$0 check http://localhost:3000/api/items -X PUT -H 'Content-Type: application/json' -d '{}' --origin http://localhost:5173", 'a preflighted call, as fetch() would make it')
      .example("$0 check https://api.example.com/me --credentials -H 'Cookie: sid=…' --origin https://app.example.com --json", 'with cookies, as NDJSON for a pipeline')
      .epilogue('Exit codes: 0 Chrome (or the --browser named) allows the call, 1 it blocks it or the server cannot be reached, 2 usage error.') as unknown as Argv<Flags>,
  run: async (flags) => {
    for (const name of ['origin', 'method', 'data'] as const) {
      if (Array.isArray(flags[name])) throw new UsageError(`--${name} was given more than once`);
    }
    const input = parseCheckInput({
      url: String(flags.url ?? ''),
      origin: String(flags.origin ?? ''),
      ...(flags.method !== undefined ? { method: flags.method } : {}),
      headers: (flags.header ?? []).map(String),
      credentials: flags.credentials ?? false,
      initiator: flags.xhr ? 'xhr' : 'fetch',
      ...(flags.data !== undefined ? { data: String(flags.data) } : {}),
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
      insecure: flags.insecure ?? false,
      wording: wordingOf(flags['chrome-wording']),
      userAgent: `corscope/${packageVersion()}`,
      logSecrets: flags['log-secrets'] ?? false,
      ...stackOf(flags.stack),
      ...headlineOf(flags.headline),
    });
    if ('error' in input) throw new UsageError(input.error);
    const ui = uiSettings({ ui: flags.ui ?? false, ...(flags['ui-port'] !== undefined ? { 'ui-port': flags['ui-port'] } : {}) });
    for (const note of input.notes) process.stderr.write(`corscope: note: ${note}\n`);
    const result = await runCheck(input.options);
    for (const { request, malformed } of result.exchanges) {
      if (malformed?.length) process.stderr.write(`corscope: note: the answer to ${request.method} ${request.url} is malformed (${malformed.join('; ')}); Chrome reads it, stricter HTTP clients (Node's among them) may not\n`);
    }
    const json = flags.json ?? false;
    const report = openReport(json, process.stdout, ['firefox', 'safari']);
    for (const record of result.records) report.record(record);
    const { line, tone } = conclusion(result);
    // A failure is said once on stderr; in JSON it is also the summary record, for the pipeline.
    if (json || !result.failure) report.summary(
      {
        outcome: result.outcome,
        requests: result.records.length,
        ...(result.records.at(-1)?.chrome ? { code: result.records.at(-1)!.chrome!.code } : {}),
        ...(result.failure ? { failure: result.failure } : {}),
      },
      line,
      tone,
    );
    await report.close();
    if (result.failure) process.stderr.write(`corscope: ${line}\n`);
    const code = exitCode(result, flags.browser);
    if (ui) {
      const info = { command: 'check', version: packageVersion(), target: `${input.options.method ?? 'GET'} ${input.options.url} from ${input.options.origin}` };
      const served = await serveRecords(ui, input.options.logSecrets ?? false, info, shownOf(result), say(json), untilSignal());
      if (!served) return EXIT_FAILURE;
    }
    return code;
  },
};

/**
 * Chrome's verdict decides, unless `--browser` names another: then a block in that browser fails the
 * run (the calls made are the ones Chrome makes; the three agree on which to make in every recorded case).
 */
function exitCode(result: CheckResult, browser: string | undefined): number {
  if (browser !== 'firefox' && browser !== 'safari') return result.outcome === 'allowed' ? EXIT_OK : EXIT_FAILURE;
  if (result.failure) return EXIT_FAILURE;
  return result.records.some((r) => r.browsers?.[browser].verdict === 'blocked') ? EXIT_FAILURE : EXIT_OK;
}

/** Each record with the lines of the exchange it judged (one exchange per record, in order). */
function shownOf(result: CheckResult): Shown[] {
  const paired = result.records.length === result.exchanges.length;
  return result.records.map((record, i) => {
    const exchange = paired ? result.exchanges[i] : undefined;
    const response = exchange?.responseHeaders;
    return { record, ...(exchange && response ? { lines: { request: exchange.request.headers, response, sent: response } } : {}) };
  });
}

function conclusion(result: CheckResult): { line: string; tone: 'ok' | 'bad' } {
  const last = result.records.at(-1);
  if (result.failure) {
    const f = result.failure;
    const chrome = f.chrome ? ` Chrome would show 'Failed to load resource: ${f.chrome}', with no CORS line.` : '';
    return { line: `no answer from ${f.url}: ${f.message} (${f.code}).${chrome}`, tone: 'bad' };
  }
  if (result.outcome === 'blocked' && last) {
    return { line: `Chrome would block this call (${last.chrome?.code ?? 'blocked'}).`, tone: 'bad' };
  }
  const status = last ? ` (${last.method} ${last.url} answered ${last.status})` : '';
  return { line: `Chrome would allow this call${status}.`, tone: 'ok' };
}
