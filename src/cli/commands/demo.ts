/** `corscope demo`: a misconfigured API, a page on another origin, corscope in between. */
import type { Argv } from 'yargs';
import { startDemoServers } from '../../demo/run.js';
import type { CliCommand } from '../command.js';
import { EXIT_FAILURE } from '../errors.js';
import { BEHAVIOUR_FLAGS, BROWSER_FLAGS, LOG_FLAGS, logSettings, PATCH_FLAGS, proxyOptions, type ParsedFlags } from '../flags.js';
import { openLog, shutdown, startProxy, untilSignal } from '../run.js';
import type { ConfigFlags } from '../config.js';
import { UI_FLAGS, uiSettings, type UiFlags } from '../ui.js';

type Flags = ParsedFlags & UiFlags & ConfigFlags & { readonly 'page-port'?: number; readonly 'api-port'?: number; readonly 'auth-port'?: number };

export const demoCommand: CliCommand<Flags> = {
  command: 'demo',
  describe: 'Start a demo API with classic CORS mistakes, the auth server it redirects to, a page that calls both, and one corscope in front of them',
  builder: (yargs: Argv) =>
    yargs
      .option('port', { type: 'number', describe: "corscope's port for the API (the auth server's is the next one; 0: any free ports)", default: 0 })
      .option('page-port', { type: 'number', describe: "The demo page's port (0: any free port)", default: 0 })
      .option('api-port', { type: 'number', describe: "The demo API's port (0: any free port)", default: 0 })
      .option('auth-port', { type: 'number', describe: "The demo auth server's port (0: any free port)", default: 0 })
      .options(PATCH_FLAGS)
      .options({ initiator: BEHAVIOUR_FLAGS.initiator, 'chrome-wording': BEHAVIOUR_FLAGS['chrome-wording'] })
      .options(LOG_FLAGS)
      .options(BROWSER_FLAGS)
      .options(UI_FLAGS)
      .example('$0 demo', 'then open the printed page URL in Chrome, with DevTools open')
      .example('$0 demo --patch', 'the same calls succeed; the log still explains each mistake') as unknown as Argv<Flags>,
  run: async (flags) => {
    const options = proxyOptions({ ...flags, host: '127.0.0.1' });
    // corscope's two ports (the API's, then the auth server's): the inspector's default comes after them.
    const port = options.port ?? 0;
    const ui = uiSettings(flags, port === 0 ? [0] : [port, port + 1]);
    const log = openLog(logSettings(flags));
    // Listen for signals before the start record goes out: whoever reads it may signal at once.
    const signal = untilSignal();
    let demo;
    try {
      demo = await startDemoServers({ pagePort: flags['page-port'] ?? 0, apiPort: flags['api-port'] ?? 0, authPort: flags['auth-port'] ?? 0 });
    } catch (err) {
      process.stderr.write(`corscope: cannot start the demo servers: ${(err as Error).message}\n`);
      await log.close();
      return EXIT_FAILURE;
    }
    // One corscope in front of both APIs, one port each: the redirect from one to the other is judged.
    const started = await startProxy({ ...options, targets: [demo.apiUrl, demo.authUrl] }, log, { extra: { page: demo.pageUrl }, command: 'demo', ...(ui ? { ui } : {}), ...(flags.configFile ? { configFile: flags.configFile } : {}) });
    if (!started) {
      await demo.close();
      return EXIT_FAILURE;
    }
    const inspector = started.inspector?.url;
    demo.servePage({ main: started.fronted[0]!.frontend, auth: started.fronted[1]!.frontend }, options.patch ?? false, inspector);
    log.logger.info(
      { event: 'demo', page: demo.pageUrl, api: demo.apiUrl, auth: demo.authUrl, ...(inspector ? { inspector } : {}) },
      `demo ready: open ${demo.pageUrl} in Chrome with DevTools open, and press the buttons${inspector ? `; watch them in the inspector at ${inspector}` : ''}`,
    );
    return shutdown(started, await signal, [() => demo.close()]);
  },
};
