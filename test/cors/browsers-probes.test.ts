import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firefoxLines, safariVerdict } from '../../src/cors/browsers/index.js';
import { judge } from '../../src/cors/index.js';
import type { Exchange, HeaderLine } from '../../src/cors/types.js';

/**
 * Rules read from Gecko's and WebKit's source that no oracle case exercised, each written as a case
 * (test/browser/other-browsers/probe-cases.json) and run in real Firefox 153 ESR and WebKitGTK 2.50
 * (`browser-probe-cases.json`): each browser's own exchanges through its rules give its lines.
 */

interface Recorded {
  lines: string[];
  jsOutcome: string;
  origins: { page: string; api: string; api2: string };
  exchanges: { server: 'api' | 'api2'; method: string; path: string; rawHeaders: HeaderLine[]; response: { status: number; headers: HeaderLine[] } }[];
}
interface ProbeCase {
  id: string;
  definition: { client: { api?: 'fetch' | 'xhr'; credentials?: string; withCredentials?: boolean; headers?: [string, string][] } };
  firefox: Recorded;
  webkit: Recorded;
}

const probes = JSON.parse(readFileSync(new URL('../fixtures/browser-probe-cases.json', import.meta.url), 'utf8')) as { versions: Record<string, string>; cases: ProbeCase[] };

function exchangesOf(probe: ProbeCase, run: Recorded): Exchange[] {
  const client = probe.definition.client;
  const api = client.api ?? 'fetch';
  const include = api === 'xhr' ? client.withCredentials === true : client.credentials === 'include';
  return run.exchanges.map((x) => ({
    stage: x.method === 'OPTIONS' ? 'preflight' : 'request',
    request: { url: `${run.origins[x.server]}${x.path}`, method: x.method, headers: x.rawHeaders },
    response: x.response,
    context: { initiator: api, credentials: include ? 'include' : 'omit', authorHeaderOrder: (client.headers ?? []).map(([name]) => name) },
  }));
}

function portless(line: string, run: Recorded): string {
  const ports = { PAGE_PORT: new URL(run.origins.page).port, API_PORT: new URL(run.origins.api).port, API2_PORT: new URL(run.origins.api2).port };
  return Object.entries(ports).reduce((t, [name, port]) => t.replace(new RegExp(`:${port}(?![0-9])`, 'g'), `:{${name}}`), line);
}

const cases = probes.cases.map((c) => [c.id, c] as const);

describe(`Firefox (${probes.versions.firefox}) on the probes`, () => {
  it.each(cases)('%s', (_id, probe) => {
    // Recorded over WebDriver BiDi, which delivers Firefox's errors only.
    const lines = exchangesOf(probe, probe.firefox).flatMap((e) => firefoxLines(e).lines.filter((l) => l.level === 'error').map((l) => l.text));
    expect(lines.map((l) => portless(l, probe.firefox))).toEqual(probe.firefox.lines);
  });
});

describe(`Safari (${probes.versions.webkit}) on the probes`, () => {
  it.each(cases)('%s', (_id, probe) => {
    const lines = exchangesOf(probe, probe.webkit).flatMap((e) => safariVerdict(e).lines);
    expect(lines.map((l) => portless(l, probe.webkit))).toEqual(probe.webkit.lines);
  });
});

it('a redirect to ftp: passes Chrome engine (the hop itself is fine) but stops Firefox and Safari: the record judges redirects always', () => {
  const probe = probes.cases.find((c) => c.id === 'probe-redirect-to-ftp-fetch')!;
  const [hop] = exchangesOf(probe, probe.webkit);
  expect(judge(hop!).verdict).toBe('allowed');
  expect(safariVerdict(hop!).verdict).toBe('blocked');
});
