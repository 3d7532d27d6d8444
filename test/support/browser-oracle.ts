import { readFileSync } from 'node:fs';
import type { OracleCase } from './oracle.js';

/** What real Firefox and WebKit printed for the 81 public oracle cases (`test/fixtures/browser-oracle.json`). */

export interface FirefoxRecordedLine {
  text: string;
  category: string;
  level: 'error' | 'warning';
}

export interface WebKitRecordedLine {
  text: string;
  source: string;
  level: string;
}

export interface BrowserRecording<Line> {
  /** Ports written as {PAGE_PORT}, {API_PORT}, {API2_PORT}. */
  lines: Line[];
  jsOutcome: string;
  serverSummary: string[];
}

export interface BrowserOracleCase {
  id: string;
  firefox: BrowserRecording<FirefoxRecordedLine>;
  webkit: BrowserRecording<WebKitRecordedLine>;
}

export interface BrowserOracle {
  versions: { firefox: string; webkit: string };
  cases: BrowserOracleCase[];
}

export function loadBrowserOracle(): BrowserOracle {
  return JSON.parse(readFileSync(new URL('../fixtures/browser-oracle.json', import.meta.url), 'utf8')) as BrowserOracle;
}

/** A recorded line with the Chrome case's run ports put back, so it compares with what the engine writes for that run. */
export function withPorts(line: string, kase: OracleCase): string {
  return line
    .replaceAll('{PAGE_PORT}', String(kase.ports.PAGE_PORT))
    .replaceAll('{API_PORT}', String(kase.ports.API_PORT))
    .replaceAll('{API2_PORT}', String(kase.ports.API2_PORT));
}

/** What a browser printed for a case, with the page and API of another run put in. */
export function recordedLines(id: string, browser: 'firefox' | 'webkit', ports: { page: number; api: number }): string[] {
  const kase = loadBrowserOracle().cases.find((c) => c.id === id)!;
  return kase[browser].lines.map((l) => l.text.replaceAll('{PAGE_PORT}', String(ports.page)).replaceAll('{API_PORT}', String(ports.api)));
}
