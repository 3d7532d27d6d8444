/**
 * `corscope har` on files the tests write: the summary line, NDJSON records, and a bad or
 * truncated HAR named at the place it goes wrong (exit 2, one line, no stack).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromeCorsLines, loadOracle } from '../support/oracle.js';
import { makeHar } from './make-har.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/corscope.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'corscope-har-'));
const oracle = loadOracle();
const byId = (id: string) => oracle.cases.find((c) => c.id === id)!;

beforeAll(() => {
  if (!existsSync(new URL('../../dist/cli/main.js', import.meta.url))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function har(args: string[]) {
  const result = spawnSync(process.execPath, [bin, 'har', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const session = ['pass-simple-get-wildcard-fetch', 'acao-missing-fetch', 'acao-missing-xhr', 'preflight-method-put-not-allowed-fetch', 'redirect-main-acao-missing-after-redirect-fetch'].map(byId);

describe('a recorded session', () => {
  const file = write('session.har', JSON.stringify(makeHar(session), null, 2));

  it("prints Chrome's lines and the summary; exit 1 when anything was blocked", () => {
    const { code, stdout, stderr } = har([file]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    for (const kase of session) for (const line of chromeCorsLines(kase)) expect(stdout).toContain(`  chrome  ${line}\n`);
    expect(stdout.trim().split('\n').at(-1)).toBe(
      // The preflighted PUT was never sent (devtools lists it without a response): 7 entries, 4 refusals.
      // Without cookies in the HAR, the ACAO '*' answers would still fail a credentialed call.
      '7 requests, 7 cross-origin, 4 blocked (MissingAllowOriginHeader 3, MethodDisallowedByPreflightResponse 1), ' +
        '2 blocked only with credentials (WildcardOriginNotAllowed 2)',
    );
  });

  it('--json: one record per judged entry, then the summary record', () => {
    const { code, stdout } = har([file, '--json']);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ event: 'summary', requests: 7, crossOrigin: 7, blocked: 4, conditional: 2, blockedByCode: { MissingAllowOriginHeader: 3, MethodDisallowedByPreflightResponse: 1 } });
    const records = lines.slice(0, -1);
    expect(records.every((r) => r.event === 'cors')).toBe(true);
    expect(records.filter((r) => r.verdict === 'blocked').map((r) => (r.chrome as { message: string }).message)).toEqual(
      session.flatMap((k) => chromeCorsLines(k)),
    );
  });

  it('--initiator xhr words every line for XMLHttpRequest', () => {
    const { stdout } = har([file, '--json', '--initiator', 'xhr']);
    const blocked = stdout.trim().split('\n').map((l) => JSON.parse(l) as { verdict?: string; chrome?: { message: string } }).filter((r) => r.verdict === 'blocked');
    expect(blocked.every((r) => r.chrome!.message.startsWith('Access to XMLHttpRequest at '))).toBe(true);
  });

  it('exit 0 when nothing was blocked', () => {
    const ok = write('ok.har', JSON.stringify(makeHar([byId('pass-preflight-custom-header-credentials-fetch')])));
    const { code, stdout } = har([ok]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').at(-1)).toBe('2 requests, 2 cross-origin, 0 blocked');
  });
});

describe('a request the HAR holds no response for', () => {
  const failed = {
    log: {
      entries: [
        {
          _resourceType: 'fetch',
          request: { method: 'DELETE', url: 'http://localhost:3000/api/7', headers: [{ name: 'Referer', value: 'http://localhost:5173/' }] },
          response: { status: 0, headers: [], redirectURL: '', _error: 'net::ERR_FAILED' },
        },
      ],
    },
  };
  const file = write('failed.har', JSON.stringify(failed));

  it('says which check to run, and exits 1', () => {
    const { code, stdout } = har([file]);
    expect(code).toBe(1);
    expect(stdout).toBe(
      "No response in the HAR for 1 cross-origin request (a CORS failure often looks like this); to hear Chrome's words, run:\n" +
        "  corscope check 'http://localhost:3000/api/7' -X DELETE --origin http://localhost:5173   # net::ERR_FAILED\n" +
        '1 request, 1 cross-origin, 0 blocked, 1 without a response in the HAR (not judged)\n',
    );
  });

  it('--json: the summary record lists it with the command', () => {
    const summary = JSON.parse(har([file, '--json']).stdout.trim()) as Record<string, unknown>;
    expect(summary).toMatchObject({
      event: 'summary',
      unanswered: 1,
      unansweredRequests: [{ method: 'DELETE', url: 'http://localhost:3000/api/7', pageOrigin: 'http://localhost:5173', check: "corscope check 'http://localhost:3000/api/7' -X DELETE --origin http://localhost:5173" }],
    });
  });
});

describe('a bad or truncated HAR: exit 2, the place named', () => {
  const good = JSON.stringify(makeHar(session), null, 2);
  const broken = makeHar(session);
  (broken.log.entries[3]!.response as Record<string, unknown>).headers = { name: 'x' };
  const noStatus = makeHar(session);
  delete (noStatus.log.entries[1]!.request as Record<string, unknown>).url;

  it.each([
    ['truncated', 'cut.har', good.slice(0, 1500), (f: string) => new RegExp(`^corscope: ${f}:\\d+:\\d+: the file ends before the JSON does \\(truncated\\?\\)\\n$`)],
    ['a stray comma', 'comma.har', '{\n  "log": {\n    "entries": [1,]\n  }\n}', (f: string) => `corscope: ${f}:3:19: not valid JSON: a comma before ']' (JSON allows none after the last item)\n`],
    ['headers not an array', 'shape.har', JSON.stringify(broken), (f: string) => `corscope: ${f}: log.entries[3].response.headers: expected an array, found an object\n`],
    ['a missing url', 'url.har', JSON.stringify(noStatus), (f: string) => `corscope: ${f}: log.entries[1].request.url: missing\n`],
    ['not a HAR', 'other.har', '{"version": 1}', (f: string) => `corscope: ${f}: log: missing\n`],
    ['empty', 'empty.har', '', (f: string) => `corscope: ${f}: the file is empty\n`],
  ] as const)('%s', (_name, fileName, text, expected) => {
    const file = write(fileName, text);
    const { code, stdout, stderr } = har([file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const want = expected(file);
    if (typeof want === 'string') expect(stderr).toBe(want);
    else expect(stderr).toMatch(want);
  });

  it('a missing file', () => {
    const file = join(dir, 'nope.har');
    expect(har([file])).toEqual({ code: 2, stdout: '', stderr: `corscope: ${file}: no such file\n` });
  });
});
