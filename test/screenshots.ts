// `npm run screenshots`: the README's pictures, taken from the real app in Chromium.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './e2e/browser-path.ts';
import { root, startServe } from './e2e/serve-process.ts';

const found = findChromium();
if ('missing' in found) {
  console.error(found.missing);
  process.exit(1);
}
const out = join(root, 'resources', 'screenshots');
mkdirSync(out, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'baton-shots-'));
const server = await startServe(dataDir);
const token = new URL(server.url).searchParams.get('token')!;
const base = new URL('/', server.url).href;
const rpc = async (method: string, input: unknown) => {
  const res = await fetch(`${base}api/rpc/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.value;
};
const example = (f: string) => JSON.parse(readFileSync(join(root, 'resources', 'examples', f), 'utf8'));

const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
try {
  await rpc('agents.import', { agents: example('agents.json') });
  await rpc('plans.import', { plan: example('onboarding-plan.json') });
  await rpc('runs.start', { plan_id: 'plan-87234' });
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 820 }, colorScheme: scheme });
    await page.goto(server.url);
    await page.getByRole('status', { name: /Run status/ }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, `run-${scheme}.png`) });
    await page.close();
  }
  console.log(`Screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
