/** `corscope har <file.har>`: judge every cross-origin request of a recorded session. */
import type { Argv } from 'yargs';
import { analyzeHar, checkCommandFor, readHarFile, summarizeHar, summaryLine } from '../../har/index.js';
import type { CliCommand } from '../command.js';
import { BEHAVIOUR_FLAGS, stackOf, wordingOf } from '../flags.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../errors.js';
import { openReport } from '../report.js';
import { untilSignal } from '../run.js';
import { ONE_SHOT_UI_FLAGS, say, serveRecords, uiSettings, type UiFlags } from '../ui.js';
import { packageVersion } from '../version.js';

interface Flags extends UiFlags {
  readonly file?: string;
  readonly json?: boolean;
  readonly initiator?: string;
  readonly 'chrome-wording'?: string;
  readonly 'log-secrets'?: boolean;
  readonly stack?: string;
}

export const harCommand: CliCommand<Flags> = {
  command: 'har <file>',
  describe: "Judge every cross-origin request in a HAR exported from Chrome's devtools (Network tab)",
  builder: (yargs: Argv) =>
    yargs
      .positional('file', { type: 'string', describe: 'The HAR file (HAR 1.2)' })
      .option('json', { type: 'boolean', describe: "NDJSON records (the proxy's record shape), then a summary record" })
      .option('initiator', { choices: ['fetch', 'xhr'], describe: "Word Chrome's lines for fetch() or XMLHttpRequest (default: each entry's _resourceType)" })
      .options({ 'chrome-wording': BEHAVIOUR_FLAGS['chrome-wording'], stack: BEHAVIOUR_FLAGS.stack })
      .option('log-secrets', { type: 'boolean', describe: 'Show Cookie and Authorization values in findings (redacted by default)' })
      .options(ONE_SHOT_UI_FLAGS)
      .example('$0 har session.har', 'every cross-origin call of the session, with the line Chrome printed and the fix')
      .example('$0 har session.har --json | jq -c "select(.verdict==\\"blocked\\") | .chrome.message"', 'blocked calls only')
      .epilogue(
        "Chrome's default export (\"Export HAR (sanitized)\") leaves out cookies, so whether a call was made with credentials is " +
          'then unknown: what fails only with credentials is reported as such. "Export HAR (with sensitive data)" keeps them.\n\n' +
          'Exit codes: 0 nothing blocked, 1 Chrome blocked a request or a cross-origin request has no response in the HAR, ' +
            '2 usage error or unreadable HAR.',
      ) as unknown as Argv<Flags>,
  run: async (flags) => {
    const file = String(flags.file ?? '');
    const ui = uiSettings({ ui: flags.ui ?? false, ...(flags['ui-port'] !== undefined ? { 'ui-port': flags['ui-port'] } : {}) });
    const read = await readHarFile(file);
    if ('error' in read) {
      // The file, not the command line, is at fault: name the place, without pointing at --help.
      process.stderr.write(`corscope: ${read.error}\n`);
      return EXIT_USAGE;
    }
    const analysis = analyzeHar(read.entries, {
      ...(flags.initiator === 'fetch' || flags.initiator === 'xhr' ? { initiator: flags.initiator } : {}),
      wording: wordingOf(flags['chrome-wording']),
      logSecrets: flags['log-secrets'] ?? false,
      ...stackOf(flags.stack),
    });
    const summary = summarizeHar(analysis);
    const report = openReport(flags.json ?? false);
    for (const { record, time } of analysis.records) report.record(record, time);
    const unanswered = analysis.unanswered.map((u) => ({ ...u, check: checkCommandFor(u) }));
    if (unanswered.length > 0) {
      report.note(`No response in the HAR for ${unanswered.length} cross-origin request${unanswered.length > 1 ? 's' : ''} (a CORS failure often looks like this); to hear Chrome's words, run:`);
      for (const u of unanswered) report.note(`  ${u.check}${u.error ? `   # ${u.error}` : ''}`);
    }
    report.summary(
      { file, ...summary, ...(unanswered.length ? { unansweredRequests: unanswered } : {}) },
      summaryLine(summary),
      summary.blocked > 0 || summary.unanswered > 0 ? 'bad' : summary.conditional > 0 ? 'warn' : 'ok',
    );
    await report.close();
    const code = summary.blocked > 0 || summary.unanswered > 0 ? EXIT_FAILURE : EXIT_OK;
    if (ui) {
      const shown = analysis.records.map(({ record, time, entry }) => {
        const { request, response } = read.entries[entry]!;
        return { record, ...(time !== undefined ? { time } : {}), lines: { request: request.headers, response: response.headers, sent: response.headers } };
      });
      const info = { command: 'har', version: packageVersion(), file };
      if (!(await serveRecords(ui, flags['log-secrets'] ?? false, info, shown, say(flags.json ?? false), untilSignal()))) return EXIT_FAILURE;
    }
    return code;
  },
};
