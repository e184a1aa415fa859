/// <reference lib="dom" />
// The UI's speed in Chromium against browser mode (issue 5). Prints figures, asserts nothing.
//   cold start: `baton serve` spawned → the plan list is interactive
//   2,000-task plan: click → laid out and first nodes rendered
//   a run completing ~500 tasks/s: how far the UI lags and how long clicks take while it streams
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../e2e/browser-path.ts';
import { rpcFor } from '../e2e/harness.ts';
import { startServe } from '../e2e/serve-process.ts';

const found = findChromium();
if ('missing' in found) {
  console.log(`UI bench skipped: ${found.missing}`);
  process.exit(0);
}

const dataDir = mkdtempSync(join(tmpdir(), 'baton-ui-bench-'));
const t0 = performance.now();
const server = await startServe(dataDir);
const call = rpcFor(server.url);
const rpc = async (method: string, input: unknown) => {
  const r = await call(method, input);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value as unknown;
};
const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
const results: [string, string, string][] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(server.url);
  await page.getByRole('heading', { name: 'No plans yet' }).waitFor();
  const cold = performance.now() - t0;
  results.push(['cold start to an interactive plan list', `${cold.toFixed(0)} ms`, '≤ 1,000 ms']);

  // A 2,000-task layered plan (width 40).
  const width = 40;
  const tasks = Array.from({ length: 2_000 }, (_, i) => {
    const layer = Math.floor(i / width);
    return {
      task_id: `t${i}`,
      description: `task ${i}`,
      required_skills: ['x'],
      depends_on: layer === 0 ? [] : [`t${(layer - 1) * width + ((i * 7) % width)}`],
    };
  });
  await rpc('plans.import', { plan: { plan_id: 'big', tasks } });
  await page.reload();
  const item = page.getByRole('button', { name: /big/ }).first();
  await item.waitFor();
  const t1 = performance.now();
  await item.click();
  await page
    .getByRole('region', { name: 'Plan graph' })
    .getByRole('article')
    .first()
    .waitFor({ timeout: 60_000 });
  const render = performance.now() - t1;
  results.push(['2,000-task plan: layout and first render', `${render.toFixed(0)} ms`, '≤ 1,500 ms']);

  // Pan and zoom: frames over one second of wheel zooming.
  const frames = await page.evaluate(async () => {
    const pane = document.querySelector('.react-flow__pane') as HTMLElement | null;
    if (!pane) return 0;
    let n = 0;
    const count = () => {
      n++;
      if (performance.now() - start < 1000) requestAnimationFrame(count);
    };
    const start = performance.now();
    requestAnimationFrame(count);
    for (let i = 0; i < 20; i++) {
      pane.dispatchEvent(
        new WheelEvent('wheel', { deltaY: i % 2 ? 120 : -120, clientX: 500, clientY: 400, bubbles: true }),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 50));
    return n;
  });
  results.push(['zooming the 2,000-task plan', `${frames} frames/s`, 'smooth (≈ 60)']);

  // A run that completes about 500 tasks per second: echo agents with capacity 5 and a
  // 10 ms pause each are not available here, so a plain echo run of 5,000 flat tasks
  // (faster than 500/s) is the stress; the UI must keep up and answer clicks.
  await rpc('agents.import', { agents: [{ id: 'w', skills: ['x'], max_concurrency: 50 }] });
  const flat = Array.from({ length: 5_000 }, (_, i) => ({
    task_id: `f${i}`,
    description: '',
    required_skills: ['x'],
  }));
  await rpc('plans.import', { plan: { plan_id: 'flat', tasks: flat } });
  await page.getByRole('button', { name: /flat/ }).first().click();
  await page
    .getByRole('region', { name: 'Plan graph' })
    .getByRole('article')
    .first()
    .waitFor({ timeout: 60_000 });
  await page.evaluate(() => {
    (window as unknown as { longTasks: number[] }).longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        (window as unknown as { longTasks: number[] }).longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const runStart = performance.now();
  await page.getByRole('button', { name: 'Run plan' }).click();
  const clickTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = performance.now();
    await page.getByRole('button', { name: i % 2 ? 'Plans' : 'Agents' }).click();
    await page.waitForFunction(() => true);
    clickTimes.push(performance.now() - c);
  }
  await page.getByRole('button', { name: 'Plans' }).click();
  await page.getByRole('status', { name: /Run status: (completed|failed)/ }).waitFor({ timeout: 120_000 });
  const shown = performance.now() - runStart;
  const run = (
    (await rpc('runs.list', { plan_id: 'flat' })) as { created_at: string; finished_at: string }[]
  )[0]!;
  const engineMs = Date.parse(run.finished_at) - Date.parse(run.created_at);
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  results.push([
    '5,000-task run: engine time / until the UI showed the end',
    `${engineMs} ms / ${shown.toFixed(0)} ms (${((5_000 / engineMs) * 1000).toFixed(0)} tasks/s)`,
    'keeps up',
  ]);
  results.push([
    'clicks while the run streams (max)',
    `${Math.max(...clickTimes).toFixed(0)} ms`,
    'responsive (< 100 ms)',
  ]);
  results.push([
    'main-thread long tasks during the run',
    `${longTasks.length} (longest ${longTasks.length ? Math.max(...longTasks).toFixed(0) : 0} ms)`,
    'few',
  ]);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

console.log('\nUI (Chromium against browser mode)\n');
const w = Math.max(...results.map((r) => r[0].length));
for (const [what, value, goal] of results)
  console.log(`${what.padEnd(w)}  ${value.padEnd(34)}  goal ${goal}`);
