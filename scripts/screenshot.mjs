// Regenerates docs/inspector.png, the README's picture of the inspector: `npm run screenshot`.
// Starts `corscope demo` (the built CLI), presses every button of the demo's page in Debian's
// Chromium (playwright-core; no browser download; CORSCOPE_CHROMIUM points elsewhere), opens the
// inspector beside it and one blocked exchange in it, and saves what the page shows.
//   node scripts/screenshot.mjs [out.png] [--path /mismatch] [--dark] [--patch] [--width 1440 --height 1060]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    path: { type: 'string', default: '/mismatch' },
    dark: { type: 'boolean', default: false },
    patch: { type: 'boolean', default: false },
    width: { type: 'string', default: '1440' },
    height: { type: 'string', default: '1060' },
  },
});
const out = positionals[0] ?? `${root}docs/inspector.png`;

/** The demo on the ports the README shows when they are free, else on any. */
async function startDemo() {
  for (const ports of [['--port', '8081', '--page-port', '5173', '--api-port', '3000'], ['--port', '0']]) {
    const child = spawn(process.execPath, [`${root}bin/corscope.js`, 'demo', '--log-format', 'json', ...ports, ...(values.patch ? ['--patch'] : [])], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise((resolve) => {
      lines.once('line', (line) => resolve(JSON.parse(line)));
      child.once('exit', () => resolve(null));
    });
    if (first?.event === 'start') return { child, start: first };
  }
  throw new Error('corscope demo did not start (npm run build first?)');
}

const { child, start } = await startDemo();
const browser = await chromium.launch({ executablePath: process.env.CORSCOPE_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const context = await browser.newContext({ viewport: { width: Number(values.width), height: Number(values.height) }, colorScheme: values.dark ? 'dark' : 'light' });
  const inspector = await context.newPage();
  await inspector.goto(start.inspector);
  await inspector.waitForSelector('#status[data-state="live"]');
  const page = await context.newPage();
  await page.goto(start.page);
  await page.$eval('#all', (b) => b.click());
  await page.waitForFunction(() => [...document.querySelectorAll('td.result')].every((td) => td.textContent !== '–'), undefined, { timeout: 20_000 });
  // A page that polls: the same call again, folded into a counter.
  for (const button of await page.$$('button[data-api="xhr"]')) await button.evaluate((b) => b.click());
  await page.waitForTimeout(500);
  await inspector.bringToFront();
  const target = `${start.frontend}${values.path}`;
  const row = inspector.locator('#exchanges tr.row', { has: inspector.locator(`.c-url .url`, { hasText: new RegExp(`${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }) }).first();
  await row.click();
  await inspector.waitForSelector('#detail:not([hidden])');
  await inspector.mouse.move(0, 0);
  await inspector.waitForTimeout(300);
  await inspector.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  child.kill('SIGINT');
}
