/**
 * The config file: loadConfig over temp directories (where it is found, every fault with its exact
 * line), then the CLI: run() in-process with the commands' handlers replaced by recorders (what the
 * command receives: file values under the flags, flags winning, args.configFile), and the built CLI
 * in a child process started in a directory holding a config.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, PROXY_CONFIG_OPTIONS } from '../../src/cli/config.js';
import type { OptionTable } from '../../src/cli/config-values.js';
import { UsageError } from '../../src/cli/errors.js';
import { findJsonFault } from '../../src/json-fault.js';
import { run } from '../../src/cli/main.js';

/** Every flags object a proxy-running command was handed, instead of running it. */
const handed = vi.hoisted(() => [] as Record<string, unknown>[]);

vi.mock('../../src/cli/commands/proxy.js', async (original) => {
  const { proxyCommand } = await original<typeof import('../../src/cli/commands/proxy.js')>();
  return { proxyCommand: { ...proxyCommand, run: async (flags: Record<string, unknown>) => (handed.push(flags), 0) } };
});
vi.mock('../../src/cli/commands/demo.js', async (original) => {
  const { demoCommand } = await original<typeof import('../../src/cli/commands/demo.js')>();
  return { demoCommand: { ...demoCommand, run: async (flags: Record<string, unknown>) => (handed.push({ command: 'demo', ...flags }), 0) } };
});

/** A fresh directory holding `files` (a value of null makes a directory). */
function folder(files: Record<string, string | null> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'corscope-config-'));
  for (const [name, text] of Object.entries(files)) {
    if (text === null) mkdirSync(join(dir, name));
    else writeFileSync(join(dir, name), text);
  }
  return dir;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The message of the UsageError loadConfig throws. */
function faultOf(files: Record<string, string | null>, path?: string, options?: OptionTable): string {
  try {
    loadConfig({ cwd: folder(files), ...(path === undefined ? {} : { path }), ...(options ? { options } : {}) });
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('loadConfig accepted it');
}

const CONFIG = 'corscope.config.json';

describe('loadConfig: where the config comes from', () => {
  it('none: no file, or a package.json without a "corscope" key', () => {
    expect(loadConfig({ cwd: folder() })).toBeNull();
    expect(loadConfig({ cwd: folder({ 'package.json': json({ name: 'app', scripts: {} }) }) })).toBeNull();
  });

  it('corscope.config.json in the working directory', () => {
    const cwd = folder({ [CONFIG]: json({ target: 'http://localhost:3000', port: 0 }) });
    expect(loadConfig({ cwd })).toEqual({ file: join(cwd, CONFIG), values: { target: 'http://localhost:3000', port: 0 } });
  });

  it('the "corscope" key of package.json', () => {
    const cwd = folder({ 'package.json': json({ name: 'app', corscope: { target: 'http://localhost:3000', logLevel: 'debug' } }) });
    expect(loadConfig({ cwd })).toEqual({ file: join(cwd, 'package.json'), values: { target: 'http://localhost:3000', 'log-level': 'debug' } });
  });

  it('--config over corscope.config.json over package.json; --config is relative to cwd', () => {
    const files = {
      'package.json': json({ corscope: { port: 1 } }),
      [CONFIG]: json({ port: 2 }),
      conf: null,
      'conf/other.json': json({ port: 3 }),
    };
    const cwd = folder(files);
    expect(loadConfig({ cwd, path: 'conf/other.json' })).toEqual({ file: join(cwd, 'conf/other.json'), values: { port: 3 } });
    expect(loadConfig({ cwd })).toEqual({ file: join(cwd, CONFIG), values: { port: 2 } });
    const { [CONFIG]: _, ...withoutConfig } = files;
    const onlyPackage = folder(withoutConfig);
    expect(loadConfig({ cwd: onlyPackage })).toEqual({ file: join(onlyPackage, 'package.json'), values: { port: 1 } });
  });

  it('a package.json named with --config is read for its "corscope" key', () => {
    const cwd = folder({ 'package.json': json({ name: 'app', corscope: { port: 4 } }) });
    expect(loadConfig({ cwd, path: './package.json' })?.values).toEqual({ port: 4 });
  });

  it('a byte-order mark before the JSON is accepted', () => {
    expect(loadConfig({ cwd: folder({ [CONFIG]: `\uFEFF${json({ port: 5 })}` }) })?.values).toEqual({ port: 5 });
  });
});

describe('loadConfig: keys and values', () => {
  it.each([
    ['flag-spelling', { 'log-level': 'debug', 'allow-origin': ['http://localhost:5173'], 'keep-host': true }, { 'log-level': 'debug', 'allow-origin': ['http://localhost:5173'], 'keep-host': true }],
    ['camel-case-spelling', { logLevel: 'debug', allowOrigin: ['http://localhost:5173'], keepHost: true }, { 'log-level': 'debug', 'allow-origin': ['http://localhost:5173'], 'keep-host': true }],
    ['array-flag-given-one-value', { expose: 'X-Total' }, { expose: ['X-Total'] }],
    ['every-type', { port: 8082, timeout: 1500.5, insecure: false, ui: false, 'ui-port': 0, stack: 'express', initiator: 'xhr', browsers: 'firefox,safari' }, { port: 8082, timeout: 1500.5, insecure: false, ui: false, 'ui-port': 0, stack: 'express', initiator: 'xhr', browsers: 'firefox,safari' }],
    ['target-url', { target: 'http://localhost:3000' }, { target: 'http://localhost:3000' }],
    ['target-list', { target: ['http://localhost:3000', { url: 'http://localhost:8080', port: 8082 }, { url: 'https://auth.example', publicUrl: 'https://dev.example' }] }, { target: ['http://localhost:3000', { url: 'http://localhost:8080', port: 8082 }, { url: 'https://auth.example', publicUrl: 'https://dev.example' }] }],
    ['empty-object', {}, {}],
  ])('%s', (_name, config, values) => {
    expect(loadConfig({ cwd: folder({ [CONFIG]: json(config) }) })?.values).toEqual(values);
  });

  it('the keys are the options of the running command (demo has no target)', () => {
    const demo: OptionTable = { port: { type: 'number' }, 'page-port': { type: 'number' }, patch: { type: 'boolean' } };
    expect(loadConfig({ cwd: folder({ [CONFIG]: json({ pagePort: 5173, patch: true }) }), options: demo })?.values).toEqual({ 'page-port': 5173, patch: true });
    expect(faultOf({ [CONFIG]: json({ target: 'http://localhost:3000' }) }, undefined, demo)).toBe("corscope.config.json: unknown key 'target'");
  });

  it('the default table is the proxy command\'s flags', () => {
    expect(Object.keys(PROXY_CONFIG_OPTIONS)).toEqual(expect.arrayContaining(['target', 'port', 'host', 'patch', 'allow-origin', 'log-level', 'headline', 'ui', 'ui-port']));
  });
});

describe('loadConfig: every fault is one line naming the file', () => {
  it.each([
    ['config-missing', {}, 'nope.json', '--config nope.json: no such file'],
    ['config-empty', {}, '', '--config needs a file name, e.g. --config corscope.config.json'],
    ['config-directory', { 'conf.json': null }, 'conf.json', 'conf.json: cannot read it: it is a directory'],
    ['found-directory', { [CONFIG]: null }, undefined, 'corscope.config.json: cannot read it: it is a directory'],
    ['config-package-without-key', { 'package.json': json({ name: 'app' }) }, 'package.json', '--config package.json: has no "corscope" key'],
    ['json-trailing-comma', { [CONFIG]: '{\n  "port": 0,\n}\n' }, undefined, "corscope.config.json: not valid JSON at line 3, column 1: a comma before '}' (JSON allows none after the last member)"],
    ['json-comment', { [CONFIG]: '{\n  // the API\n  "target": "http://localhost:3000"\n}' }, undefined, "corscope.config.json: not valid JSON at line 2, column 3: expected a double-quoted key, found '/' (JSON has no comments)"],
    ['json-single-quotes', { [CONFIG]: "{ 'port': 0 }" }, undefined, `corscope.config.json: not valid JSON at line 1, column 3: expected a double-quoted key, found "'" (JSON strings take double quotes)`],
    ['json-missing-comma', { [CONFIG]: '{\n  "port": 0\n  "host": "::1"\n}' }, undefined, `corscope.config.json: not valid JSON at line 3, column 3: expected ',' or '}', found '"'`],
    ['json-unclosed-string', { [CONFIG]: '{ "target": "http://localhost:3000 }' }, undefined, 'corscope.config.json: not valid JSON at line 1, column 37: a string is not closed'],
    ['json-empty-file', { [CONFIG]: '' }, undefined, 'corscope.config.json: not valid JSON at line 1, column 1: unexpected end of file'],
    ['json-two-values', { [CONFIG]: '{}\n{}' }, undefined, "corscope.config.json: not valid JSON at line 2, column 1: unexpected '{' after the end of the JSON value"],
    ['json-bad-package', { 'package.json': '{ "name": "app", }' }, undefined, "package.json: not valid JSON at line 1, column 18: a comma before '}' (JSON allows none after the last member)"],
    ['top-level-array', { [CONFIG]: json([{ port: 0 }]) }, undefined, 'corscope.config.json: must be an object of options (e.g. { "port": 8081 }), got an array'],
    ['top-level-string', { 'x.json': json('http://localhost:3000') }, 'x.json', 'x.json: must be an object of options (e.g. { "port": 8081 }), got "http://localhost:3000"'],
    ['package-key-not-object', { 'package.json': json({ corscope: true }) }, undefined, 'package.json ("corscope" key): must be an object of options (e.g. { "port": 8081 }), got true'],
    ['unknown-key-near', { [CONFIG]: json({ prot: 8082 }) }, undefined, "corscope.config.json: unknown key 'prot'; did you mean 'port'?"],
    ['unknown-key-camel-near', { [CONFIG]: json({ logLevl: 'debug' }) }, undefined, "corscope.config.json: unknown key 'logLevl'; did you mean 'logLevel'?"],
    ['unknown-key-case', { [CONFIG]: json({ Target: 'http://localhost:3000' }) }, undefined, "corscope.config.json: unknown key 'Target'; did you mean 'target'?"],
    ['unknown-key-plural', { [CONFIG]: json({ 'allow-origins': ['http://localhost:5173'] }) }, undefined, "corscope.config.json: unknown key 'allow-origins'; did you mean 'allow-origin'?"],
    ['unknown-key-far', { [CONFIG]: json({ verbose: true }) }, undefined, "corscope.config.json: unknown key 'verbose'"],
    ['unknown-key-negated', { [CONFIG]: json({ 'no-ui': true }) }, undefined, `corscope.config.json: unknown key 'no-ui'; write "ui": false`],
    ['unknown-key-in-package', { 'package.json': json({ corscope: { prot: 1 } }) }, undefined, `package.json ("corscope" key): unknown key 'prot'; did you mean 'port'?`],
    ['config-key', { [CONFIG]: json({ config: 'other.json' }) }, undefined, "corscope.config.json: 'config' cannot be set in a config file; name the file with --config on the command line"],
    ['both-spellings', { [CONFIG]: json({ 'log-level': 'info', logLevel: 'debug' }) }, undefined, "corscope.config.json: 'log-level' and 'logLevel' are the same option; keep one"],
    ['number-as-text', { [CONFIG]: json({ port: 'abc' }) }, undefined, `corscope.config.json: 'port' must be a number, got "abc"`],
    ['number-as-numeral', { [CONFIG]: json({ port: '8082' }) }, undefined, `corscope.config.json: 'port' must be a number, got "8082"`],
    ['number-null', { [CONFIG]: json({ timeout: null }) }, undefined, "corscope.config.json: 'timeout' must be a number, got null"],
    ['boolean-as-text', { [CONFIG]: json({ patch: 'yes' }) }, undefined, `corscope.config.json: 'patch' must be a boolean, got "yes"`],
    ['string-as-number', { [CONFIG]: json({ host: 127 }) }, undefined, "corscope.config.json: 'host' must be a string, got 127"],
    ['choice-unknown', { [CONFIG]: json({ 'log-level': 'loud' }) }, undefined, `corscope.config.json: 'log-level' must be one of trace, debug, info, warn, error, fatal, silent, got "loud"`],
    ['choice-camel', { [CONFIG]: json({ chromeWording: 'old' }) }, undefined, `corscope.config.json: 'chromeWording' must be one of current, legacy, got "old"`],
    ['array-flag-number', { [CONFIG]: json({ 'allow-origin': 3 }) }, undefined, "corscope.config.json: 'allow-origin' must be a string or an array of strings, got 3"],
    ['array-flag-item', { [CONFIG]: json({ expose: ['X-Total', 7] }) }, undefined, "corscope.config.json: 'expose' must be a string or an array of strings, got an array"],
    ['single-flag-array', { [CONFIG]: json({ browsers: ['firefox'] }) }, undefined, "corscope.config.json: 'browsers' must be a string, got an array"],
    ['target-number', { [CONFIG]: json({ target: 3000 }) }, undefined, `corscope.config.json: 'target' must be a URL or an array of targets (each a URL or { "url": ..., "port": ... }), got 3000`],
    ['target-object', { [CONFIG]: json({ target: { url: 'http://localhost:3000' } }) }, undefined, `corscope.config.json: 'target' must be a URL or an array of targets (each a URL or { "url": ..., "port": ... }), got an object`],
    ['target-item-number', { [CONFIG]: json({ target: ['http://localhost:3000', 8080] }) }, undefined, `corscope.config.json: 'target[1]' must be a URL or { "url": ..., "port": ... }, got 8080`],
    ['target-item-no-url', { [CONFIG]: json({ target: [{ port: 8082 }] }) }, undefined, `corscope.config.json: 'target[0]' needs a "url" string, got none`],
    ['target-item-url-number', { [CONFIG]: json({ target: [{ url: 3000 }] }) }, undefined, `corscope.config.json: 'target[0]' needs a "url" string, got 3000`],
    ['target-item-port-range', { [CONFIG]: json({ target: [{ url: 'http://localhost:3000', port: 70000 }] }) }, undefined, `corscope.config.json: 'target[0]' "port" must be a whole number from 0 to 65535, got 70000`],
    ['target-item-port-fraction', { [CONFIG]: json({ target: [{ url: 'http://localhost:3000', port: 80.5 }] }) }, undefined, `corscope.config.json: 'target[0]' "port" must be a whole number from 0 to 65535, got 80.5`],
    ['target-item-port-text', { [CONFIG]: json({ target: [{ url: 'http://localhost:3000', port: '8082' }] }) }, undefined, `corscope.config.json: 'target[0]' "port" must be a whole number from 0 to 65535, got "8082"`],
    ['target-item-public-url', { [CONFIG]: json({ target: [{ url: 'http://localhost:3000', publicUrl: true }] }) }, undefined, `corscope.config.json: 'target[0]' "publicUrl" must be a string, got true`],
    ['target-item-bad-stack', { [CONFIG]: json({ target: [{ url: 'http://localhost:3000', stack: 'rails' }] }) }, undefined, `corscope.config.json: 'target[0]' "stack" must be one of express, fastify, koa, hono, hapi, nestjs, flask, django, fastapi, aiohttp, rack, go, spring, aspnetcore, nginx, apache, caddy, got "rails"`],
    ['target-item-unknown-key', { [CONFIG]: json({ target: [{ url: 'http://localhost:3000', prot: 8082 }] }) }, undefined, `corscope.config.json: 'target[0]' has an unknown key 'prot' (a target takes url, port, publicUrl, stack); did you mean 'port'?`],
  ])('%s', (_name, files, path, message) => {
    expect(faultOf(files, path)).toBe(message);
  });
});

describe('findJsonFault', () => {
  it.each([
    ['valid', '{ "a": [1, -2.5e3, true, null, "\\u00e9\\n"] }', undefined],
    ['bad-escape', '"\\x"', { line: 1, column: 2, reason: "'\\x' is not a JSON escape", truncated: false }],
    ['short-unicode-escape', '"\\u12"', { line: 1, column: 2, reason: "'\\u' takes four hex digits", truncated: false }],
    ['line-break-in-string', '{ "a": "x\ny" }', { line: 1, column: 10, reason: 'a line break inside a string', truncated: false }],
    ['leading-zero', '[01]', { line: 1, column: 3, reason: "expected ',' or ']', found '1'", truncated: false }],
    ['bare-minus', '[-]', { line: 1, column: 2, reason: "unexpected '-': not a number", truncated: false }],
    ['array-trailing-comma', '[1,\n 2,\n]', { line: 3, column: 1, reason: "a comma before ']' (JSON allows none after the last item)", truncated: false }],
    ['missing-colon', '{ "a" 1 }', { line: 1, column: 7, reason: "expected ':' after the key, found '1'", truncated: false }],
    ['unclosed-object', '{ "a": 1', { line: 1, column: 9, reason: "expected ',' or '}', found the end of the file", truncated: true }],
    ['undefined-word', '{ "a": undefined }', { line: 1, column: 8, reason: "unexpected 'u'", truncated: false }],
  ])('%s', (_name, text, fault) => {
    expect(findJsonFault(text)).toEqual(fault);
    if (fault) expect(() => JSON.parse(text)).toThrow();
    else expect(() => JSON.parse(text)).not.toThrow();
  });
});

describe('the CLI in-process: what the command is handed', () => {
  let stderr = '';
  afterEach(() => {
    handed.splice(0);
    stderr = '';
    vi.restoreAllMocks();
  });

  async function cli(argv: string[], cwd: string): Promise<number> {
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    return run(argv, { cwd });
  }

  it('an unknown key: exit 2, one line naming the key and the file; the command does not run', async () => {
    const cwd = folder({ [CONFIG]: json({ target: 'http://localhost:3000', prot: 8082 }) });
    expect(await cli([], cwd)).toBe(2);
    expect(stderr).toBe("corscope: corscope.config.json: unknown key 'prot'; did you mean 'port'? (see corscope --help)\n");
    expect(handed).toEqual([]);
  });

  it("the file's values under the flags' names, camelCase too; args.configFile is the file", async () => {
    const cwd = folder({ [CONFIG]: json({ target: 'http://localhost:3000', port: 0, logLevel: 'debug', patch: true, 'allow-origin': ['http://a.example', 'http://b.example'], ui: false }) });
    expect(await cli([], cwd)).toBe(0);
    expect(handed).toHaveLength(1);
    expect(handed[0]).toMatchObject({ port: 0, 'log-level': 'debug', logLevel: 'debug', patch: true, 'allow-origin': ['http://a.example', 'http://b.example'], ui: false, configFile: join(cwd, CONFIG) });
    expect([handed[0]!.target].flat()).toEqual(['http://localhost:3000']);
  });

  it('flags override the file, array flags included (replaced, not added to), and --no-ui a file\'s ui', async () => {
    const cwd = folder({ [CONFIG]: json({ target: 'http://localhost:3000', port: 9000, 'log-level': 'debug', patch: true, 'allow-origin': ['http://a.example'], ui: true }) });
    expect(await cli(['--port', '0', '--logLevel', 'warn', '--no-patch', '--allow-origin', 'http://c.example', '--no-ui', '--target', 'http://localhost:4000'], cwd)).toBe(0);
    expect(handed[0]).toMatchObject({ port: 0, 'log-level': 'warn', patch: false, 'allow-origin': ['http://c.example'], ui: false });
    expect([handed[0]!.target].flat()).toEqual(['http://localhost:4000']);
  });

  it("defaults fill only what neither gives; no file, no configFile", async () => {
    expect(await cli(['--target', 'http://localhost:3000'], folder())).toBe(0);
    expect(handed[0]).toMatchObject({ port: 8081, 'log-level': 'info' });
    expect(handed[0]).not.toHaveProperty('configFile');
  });

  it('a target list passes through to the command as written', async () => {
    const target = ['http://localhost:3000', { url: 'http://localhost:8080', port: 8082 }];
    const cwd = folder({ [CONFIG]: json({ target }) });
    expect(await cli([], cwd)).toBe(0);
    expect(handed[0]!.target).toEqual(target);
  });

  it('--config FILE, relative to the working directory, over corscope.config.json', async () => {
    const cwd = folder({ [CONFIG]: json({ port: 1 }), 'staging.json': json({ port: 2 }) });
    expect(await cli(['--target', 'http://localhost:3000', '--config', 'staging.json'], cwd)).toBe(0);
    expect(handed[0]).toMatchObject({ port: 2, configFile: join(cwd, 'staging.json') });
  });

  it('demo reads a config named with --config, with its own keys', async () => {
    const cwd = folder({ 'demo.json': json({ patch: true, pagePort: 5173 }) });
    expect(await cli(['demo', '--config', 'demo.json'], cwd)).toBe(0);
    expect(handed[0]).toMatchObject({ command: 'demo', patch: true, 'page-port': 5173, configFile: join(cwd, 'demo.json') });
  });

  it("demo leaves the project's own config alone (it is written for fronting the project's API)", async () => {
    const cwd = folder({ [CONFIG]: json({ target: 'http://localhost:3000' }), 'package.json': json({ name: 'app', corscope: { patch: true } }) });
    expect(await cli(['demo'], cwd)).toBe(0);
    expect(handed[0]).not.toHaveProperty('configFile');
    expect(handed[0]).not.toHaveProperty('patch', true);
  });

  it("demo: a key only the default command has is unknown to it", async () => {
    expect(await cli(['demo', '--config', CONFIG], folder({ [CONFIG]: json({ target: 'http://localhost:3000' }) }))).toBe(2);
    expect(stderr).toBe("corscope: corscope.config.json: unknown key 'target' (see corscope --help)\n");
  });

  it.each([
    ['--config missing', ['--config', 'nope.json'], '--config nope.json: no such file'],
    ['--config twice', ['--config', 'a.json', '--config', 'b.json'], '--config given more than once; name one file'],
    ['--config to check', ['check', 'http://localhost:3000', '--origin', 'http://localhost:5173', '--config', 'a.json'], 'Unknown argument: config'],
  ])('%s: exit 2', async (_name, argv, message) => {
    expect(await cli(argv, folder())).toBe(2);
    expect(stderr).toBe(`corscope: ${message} (see corscope --help)\n`);
  });

  it('--help shows --config and reads no file, so a broken one does not hide it', async () => {
    let out = '';
    // yargs prints the help with console.log.
    vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (out += `${parts.join(' ')}\n`));
    expect(await run(['--help'], { cwd: folder({ [CONFIG]: '{ broken' }) })).toBe(0);
    expect(out.replace(/\s+/g, ' ')).toContain('--config Read options from this JSON file (default: ./corscope.config.json, else the "corscope" key of ./package.json); keys are the flags\' names, and flags override them. check and har read no config');
  });
});

describe('the built CLI started in a directory with a config', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const bin = join(root, 'bin/corscope.js');
  const children: ChildProcessWithoutNullStreams[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(() => {
    if (!existsSync(join(root, 'dist/cli/main.js'))) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    while (closers.length) await closers.pop()!();
  });

  /** An API that answers 200 with no CORS headers. */
  async function upstream(): Promise<string> {
    const server = http.createServer((req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Starts corscope in `cwd`; resolves with its first NDJSON record (the start record). */
  function start(args: string[], cwd: string): { first: Promise<Record<string, unknown>>; child: ChildProcessWithoutNullStreams; exit: Promise<number | null> } {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    children.push(child);
    const first = new Promise<Record<string, unknown>>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
      child.on('exit', (code) => reject(new Error(`corscope exited ${code}`)));
    });
    return { first, child, exit: new Promise((resolve) => child.on('exit', resolve)) };
  }

  it("port 0 and the target from the file: it starts on a free port in front of the file's target, and a flag overriding the file's value wins", async () => {
    const api = await upstream();
    const cwd = folder({ [CONFIG]: json({ target: api, port: 0, 'log-format': 'json', ui: false, patch: true, allowOrigin: ['http://a.example'] }) });

    const fromFile = start([], cwd);
    const record = await fromFile.first;
    expect(record).toMatchObject({ event: 'start', target: `${api}/`, mode: expect.stringContaining('for http://a.example') });
    const port = Number(new URL(record.listening as string).port);
    expect(port).not.toBe(8081);
    const reply = await fetch(`http://127.0.0.1:${port}/`);
    expect(await reply.text()).toBe('ok');
    fromFile.child.kill('SIGTERM');
    expect(await fromFile.exit).toBe(0);

    const overridden = start(['--allow-origin', 'http://c.example'], cwd);
    expect((await overridden.first).mode).toEqual(expect.stringContaining('for http://c.example (findings'));
    overridden.child.kill('SIGTERM');
    expect(await overridden.exit).toBe(0);
  });

  it('an unknown key: exit 2 and one line on stderr naming the key and the file', () => {
    const cwd = folder({ 'package.json': json({ name: 'app', corscope: { target: 'http://localhost:3000', logLevl: 'debug' } }) });
    const result = spawnSync(process.execPath, [bin], { cwd, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`corscope: package.json ("corscope" key): unknown key 'logLevl'; did you mean 'logLevel'? (see corscope --help)\n`);
  });
});
