// `node_modules/.bin/node test/screenshot-spend.ts`: the README's picture of the Spend screen
// (spend.png), from `baton serve` on a data directory holding a month of seeded runs
// (test/kit/spend-seed.ts: five agents on three models, written through the real store).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src-main/app/create-app.ts';
import { findChromium, launchChromium } from './e2e/browser-path.ts';
import { root, startServe } from './e2e/serve-process.ts';
import { seedSpend } from './kit/spend-seed.ts';

const found = findChromium();
if ('missing' in found) throw new Error(found.missing);
const dataDir = mkdtempSync(join(tmpdir(), 'baton-shots-spend-'));
const app = createApp({ dataDir, log: () => {} });
seedSpend(app.store, { steps: 3_000, days: 30, end: new Date() });
await app.close();
const server = await startServe(dataDir);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const u = new URL(server.url);
  u.pathname = '/spend';
  await page.goto(u.href);
  await page.getByRole('table', { name: 'Spend by day' }).waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(root, 'resources', 'screenshots', 'spend.png') });
  console.log('Screenshot written to resources/screenshots/spend.png');
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
