/** The default command: `corscope --target URL`, a judging reverse proxy in front of the API. */
import type { Argv } from 'yargs';
import type { CliCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { BEHAVIOUR_FLAGS, LISTEN_FLAGS, TARGET_FLAG, targetsOf, BROWSER_FLAGS, LOG_FLAGS, logSettings, PATCH_FLAGS, proxyOptions, type ParsedFlags } from '../flags.js';
import { openLog, shutdown, startProxy, untilSignal } from '../run.js';
import { EXIT_FAILURE } from '../errors.js';
import type { ConfigFlags } from '../config.js';
import { UI_FLAGS, uiSettings, type UiFlags } from '../ui.js';

type Flags = ParsedFlags & UiFlags & ConfigFlags & { readonly target?: unknown };

export const proxyCommand: CliCommand<Flags> = {
  command: '$0',
  describe: 'Forward to the target API and log, in Chrome\'s words, every CORS exchange Chrome would block',
  builder: (yargs: Argv) =>
    yargs
      .option('target', TARGET_FLAG)
      .options(LISTEN_FLAGS)
      .options(BEHAVIOUR_FLAGS)
      .options(PATCH_FLAGS)
      .options(LOG_FLAGS)
      .options(BROWSER_FLAGS)
      .options(UI_FLAGS)
      .group(['target', 'port', 'host', 'public-url', 'keep-host', 'insecure', 'cookie-rewrite', 'timeout'], 'Proxy:')
      .group(['initiator', 'chrome-wording', 'stack', 'browsers', 'headline'], 'Judging:')
      .group(['patch', 'allow-origin', 'answer-preflight', 'expose'], 'Patch mode:')
      .group(['log-format', 'log-level', 'log-file', 'log-secrets'], 'Logs:')
      .group(['ui', 'ui-port'], 'Inspector:')
      .example('$0 --target http://localhost:3000', 'judge every call the frontend makes to the API; point the frontend at http://localhost:8081')
      .example('$0 --target http://localhost:3000 --log-format json | jq .chrome.message', 'NDJSON records, one per exchange')
      .example('$0 --target http://localhost:3000 --patch --allow-origin http://localhost:5173', 'keep working: fix the headers Chrome needs, log what the API got wrong')
      .example('$0 --target https://localhost:8443 --insecure --port 0', 'an HTTPS API with a self-signed certificate, any free port')
      .example('$0 --target http://localhost:3000 --target http://localhost:8080=8090', 'two APIs: the first on 8081, the second on 8090; a redirect between them is judged too')
      .example('$0 demo', 'a built-in API with classic CORS mistakes, a page to call it, corscope in between') as unknown as Argv<Flags>,
  run: async (flags) => {
    const common = proxyOptions(flags);
    const targets = targetsOf(flags.target, common.port ?? 8081);
    if (targets.length > 1 && common.publicUrl !== undefined) throw new UsageError('--public-url stands for one target: with several, give each its own publicUrl in the config file');
    const options = { ...common, targets };
    const ui = uiSettings(flags, targets.map((t) => t.port));
    const log = openLog(logSettings(flags));
    // Listen for signals before the start record goes out: whoever reads it may signal at once.
    const signal = untilSignal();
    const started = await startProxy(options, log, { ...(ui ? { ui } : {}), ...(flags.configFile ? { configFile: flags.configFile } : {}) });
    if (!started) return EXIT_FAILURE;
    return shutdown(started, await signal);
  },
};
