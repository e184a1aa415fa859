// `node_modules/.bin/node test/screenshot-diff-review.ts`: the README's picture of a diff review,
// from a real coding run: `baton serve` runs Qwen Code (the real CLI of test/coding-agents,
// `npm ci --prefix test/coding-agents`) against a scripted model server, in a temp repository
// registered as a workspace, and the engine's diff_review gate puts the attempt's diff in the
// Approvals inbox, where one line comment is added before the picture is taken.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codingScene } from './coding-scene.ts';
import { findChromium, launchChromium } from './e2e/browser-path.ts';
import { rpcFor } from './e2e/harness.ts';
import { root, startServe } from './e2e/serve-process.ts';

const found = findChromium();
if ('missing' in found) throw new Error(found.missing);

const dataDir = mkdtempSync(join(tmpdir(), 'baton-shots-coding-'));
const server = await startServe(dataDir);
const call = rpcFor(server.url);
const rpc = async (method: string, input: unknown) => {
  const r = await call(method, input);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
};
let closeScene = async () => {};
const browser = await launchChromium();
try {
  const scene = await codingScene(rpc);
  closeScene = scene.close;

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.addInitScript(() =>
    localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
  );
  await page.goto(server.url);
  await page.getByRole('link', { name: /^Approvals/ }).click();
  const card = page.getByRole('region', { name: 'Approval for backend' });
  await card.waitFor();
  const files = card.getByRole('list', { name: 'Changed files' });
  await files.getByRole('button', { name: /src\/app\.ts/ }).click();
  const diff = card.getByRole('region', { name: 'Diff of src/app.ts' });
  await diff.getByRole('button', { name: 'Comment on line 4 of src/app.ts' }).click();
  await card.getByLabel(/^Comment on src\/app\.ts/).fill('Say in the README that PORT is read.');
  await card.getByRole('button', { name: 'Add comment' }).click();
  await diff.getByText('Say in the README that PORT is read.').waitFor();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await card.screenshot({ path: join(root, 'resources', 'screenshots', 'diff-review.png') });
  console.log('resources/screenshots/diff-review.png written');
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  await closeScene();
}
