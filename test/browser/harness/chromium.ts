import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserServer } from 'playwright-core';

/** Debian's package; never a Playwright browser download. `CORSCOPE_CHROMIUM` points elsewhere. */
export const CHROMIUM_PATH = process.env.CORSCOPE_CHROMIUM || '/usr/bin/chromium';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Playwright passes its own `--disable-features` list, which includes
 * `AvoidCorsURLLoaderRestartOnRedirect` (it changes how Chrome's CorsURLLoader follows redirects).
 * Chromium keeps the last copy of a switch and Playwright appends user args last, so this list
 * replaces Playwright's: only background chatter is off, every CORS feature is at Chrome's default,
 * as when the fixture was recorded.
 */
const QUIET_DISABLED_FEATURES = [
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];

export const CHROMIUM_ARGS = [...BASE_ARGS, `--disable-features=${QUIET_DISABLED_FEATURES.join(',')}`];

export function chromiumInstalled(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A scratch HOME/TMPDIR for Chromium, so it writes nothing outside it. */
function scratchEnv(): { env: Record<string, string>; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corscope-chromium-'));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    HOME: home,
    TMPDIR: dir,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
  });
  return { env, dir };
}

export interface SharedBrowser {
  readonly server: BrowserServer;
  readonly wsEndpoint: string;
  readonly version: string;
  close(): Promise<void>;
}

/** One Chromium for the whole suite; test files connect to it over Playwright's protocol. */
export async function launchSharedBrowser(): Promise<SharedBrowser> {
  const { env, dir } = scratchEnv();
  const server = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    env,
    timeout: 60_000,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const wsEndpoint = server.wsEndpoint();
  const probe = await chromium.connect(wsEndpoint);
  const version = probe.version();
  await probe.close();
  return {
    server,
    wsEndpoint,
    version,
    async close() {
      await server.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function connectBrowser(wsEndpoint: string): Promise<Browser> {
  return chromium.connect(wsEndpoint, { timeout: 30_000 });
}
