/**
 * The CLI: parse, run the chosen command, map failures to exit codes. No CORS knowledge here.
 * `run` returns the exit code (tests call it in-process); `main` is what bin/corscope.js calls.
 */
import { setFlagsFromString } from 'node:v8';
import yargs, { type Argv } from 'yargs';
import type { CliCommand } from './command.js';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';
import { harCommand } from './commands/har.js';
import { proxyCommand } from './commands/proxy.js';
import { configRequest, withConfig, type ConfigRequest } from './config-flag.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { packageVersion } from './version.js';

const COMMANDS: readonly CliCommand<never>[] = [
  proxyCommand as CliCommand<never>,
  demoCommand as CliCommand<never>,
  checkCommand as CliCommand<never>,
  harCommand as CliCommand<never>,
];

/** The commands that run a proxy read the config file; check and har are one-shot and take none. */
const READS_CONFIG: ReadonlySet<CliCommand<never>> = new Set([proxyCommand as CliCommand<never>, demoCommand as CliCommand<never>]);

export interface RunContext {
  /** Where the config file is looked for and `--config` is relative to (default: process.cwd()). */
  readonly cwd?: string;
}

export async function run(argv: readonly string[], context: RunContext = {}): Promise<number> {
  let code = EXIT_OK;
  let parser: Argv = yargs([...argv])
    .scriptName('corscope')
    .usage('$0 --target <url> [options]\n\nA local reverse proxy that judges every CORS exchange exactly as Chrome does and says why, in Chrome\'s own words.')
    .strict()
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, err) => {
      throw err instanceof UsageError || !err ? new UsageError(message || err?.message || 'invalid arguments') : err;
    })
    .help()
    .alias('help', 'h')
    .version(packageVersion())
    .epilogue('Exit codes: 0 clean exit, 1 runtime failure (e.g. port in use), 2 usage error.');
  try {
    const config = configRequest(argv, context.cwd ?? process.cwd());
    for (const cmd of COMMANDS) {
      parser = addCommand(parser, cmd, config, (exit) => (code = exit));
    }
    await parser.parseAsync();
    return code;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`corscope: ${firstLine(err.message)} (see corscope --help)\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`corscope: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * A command that reads the config gets `--config`, the file's values under its flags, and
 * `args.configFile` (the absolute path of the file used) in its handler.
 */
function addCommand(parser: Argv, cmd: CliCommand<never>, config: ConfigRequest, exit: (code: number) => void): Argv {
  if (!READS_CONFIG.has(cmd)) {
    return parser.command(cmd.command as string, cmd.describe, cmd.builder, async (args) => exit(await cmd.run(args as never)));
  }
  const configured = withConfig(cmd.builder, config, cmd !== (demoCommand as CliCommand<never>));
  return parser.command(cmd.command as string, cmd.describe, configured.builder, async (args) => {
    const file = configured.file();
    if (file !== undefined) args.configFile = file;
    exit(await cmd.run(args as never));
  });
}

/**
 * How far V8 lets the old generation grow past what survived the last full collection: 300 % (4x)
 * instead of a dynamic factor that falls toward 1.1x under load. V8 starts a full collection as soon
 * as the old generation's headroom is smaller than the young generation, and corscope's young
 * generation grows to 16 MiB while its live old generation stays at ~9 MiB (limit ~26 MiB): with
 * 64 KiB responses that meant a mark-compact every ~90 ms, 12–30 µs per request, where bare
 * http-proxy-3 had none. Measured with this setting: major GC 17.6 → 0.95 µs per request on 64 KiB
 * responses, peak RSS unchanged (bench/RESULTS.md, finding 15). Set by the CLI only: it owns its
 * process, while `createCorscope` leaves a host application's V8 alone.
 */
export const HEAP_GROWING_PERCENT = 300;

export async function main(argv: readonly string[]): Promise<void> {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  process.exitCode = await run(argv);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
