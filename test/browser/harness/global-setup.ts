import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH, IN_CI, chromiumInstalled, launchSharedBrowser } from './chromium.js';

/** What the browser test files receive through `inject('chromium')`. */
export type ChromiumHandle =
  | { readonly available: true; readonly wsEndpoint: string; readonly version: string; readonly path: string }
  | { readonly available: false; readonly path: string; readonly ci: boolean };

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ChromiumHandle;
  }
}

/** Launches the suite's one Chromium before any browser test file runs, and closes it after the last. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!chromiumInstalled()) {
    const how = IN_CI ? 'CI=true: the browser suite FAILS' : 'the browser suite is SKIPPED';
    console.warn(
      `\n!!! corscope browser suite: no Chromium at ${CHROMIUM_PATH} (${how}). ` +
        `Install it with: apt-get install -y chromium\n`,
    );
    project.provide('chromium', { available: false, path: CHROMIUM_PATH, ci: IN_CI });
    return async () => {};
  }
  const shared = await launchSharedBrowser();
  checkEffectiveFeatures(shared.server.process().pid);
  console.log(`corscope browser suite: Chromium ${shared.version} (${CHROMIUM_PATH}), playwright-core driving it`);
  project.provide('chromium', { available: true, wsEndpoint: shared.wsEndpoint, version: shared.version, path: CHROMIUM_PATH });
  return () => shared.close();
}

/**
 * The fixture was recorded with Chrome's own CORS features; make sure our `--disable-features`
 * really replaced Playwright's (Chromium keeps the last copy of a switch).
 */
function checkEffectiveFeatures(pid: number | undefined): void {
  if (pid === undefined) return;
  let cmdline: string[];
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return; // no procfs: nothing to check
  }
  const effective = cmdline.filter((a) => a.startsWith('--disable-features=')).pop();
  const ours = CHROMIUM_ARGS.find((a) => a.startsWith('--disable-features='));
  if (effective !== ours) {
    throw new Error(`Chromium's effective ${effective ?? '(no --disable-features)'} is not the suite's ${ours}`);
  }
}
