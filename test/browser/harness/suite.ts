import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, inject, it } from 'vitest';
import { connectBrowser } from './chromium.js';
import type { ChromiumHandle } from './global-setup.js';

export type AvailableChromium = Extract<ChromiumHandle, { available: true }>;

/**
 * The suite's Chromium (launched once by the global setup), or, when the binary is missing, the
 * one test that says so: skipped outside CI, failed with CI=true.
 */
export function chromiumOrReport(): AvailableChromium | null {
  const handle = inject('chromium');
  if (handle.available) return handle;
  const what = `no Chromium at ${handle.path}: the real-browser conformance suite did not run (apt-get install -y chromium)`;
  if (handle.ci) {
    it(`Chromium is installed at ${handle.path} (required with CI=true)`, () => {
      throw new Error(what);
    });
  } else {
    it.skip(`SKIPPED: ${what}`, () => {});
  }
  return null;
}

/** Connects this test file to the shared Chromium for the duration of the file. */
export function useBrowser(handle: AvailableChromium): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await connectBrowser(handle.wsEndpoint);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('browser not connected');
    return browser;
  };
}
