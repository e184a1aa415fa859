/// <reference lib="dom" />
// The UI's speed in Chromium against browser mode (issue 5). Prints figures, asserts nothing.
//   cold start: `baton serve` spawned → the plan list is interactive
//   2,000-task plan: click → laid out and first nodes rendered
//   a run completing ~500 tasks/s: how far the UI lags and how long clicks take while it streams
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  // A run that completes about 500 tasks per second (the scenario): an http agent on
  // a local server that answers after 10 ms, 5 at a time. The UI must keep up and answer clicks.
  const agentServer = createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"completed","output":{"ok":true}}');
    }, 10);
  });
  await new Promise<void>((r) => agentServer.listen(0, '127.0.0.1', r));
  const agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/run`;
  try {
    await rpc('agents.import', {
      agents: [{ id: 'w', kind: 'http', url: agentUrl, skills: ['x'], max_concurrency: 5 }],
    });
    const count = 2_500;
    const flat = Array.from({ length: count }, (_, i) => ({
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
    await page.getByRole('button', { name: 'Run plan' }).click();
    const clickTimes: number[] = [];
    // A person watching the run selects tasks to see their details.
    const graph = page.getByRole('region', { name: 'Plan graph' });
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const node = graph.getByRole('article').nth(i);
      const id = /^Task (\S+?)(:|$)/.exec((await node.getAttribute('aria-label')) ?? '')?.[1] ?? '';
      const c = performance.now();
      await node.click();
      await page.getByRole('region', { name: `Task ${id} details` }).waitFor();
      clickTimes.push(performance.now() - c);
    }
    await page.getByRole('status', { name: /Run status: (completed|failed)/ }).waitFor({ timeout: 120_000 });
    const shownAt = Date.now();
    const run = (
      (await rpc('runs.list', { plan_id: 'flat' })) as { created_at: string; finished_at: string }[]
    )[0]!;
    const engineMs = Date.parse(run.finished_at) - Date.parse(run.created_at);
    const lag = shownAt - Date.parse(run.finished_at);
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    results.push([
      `${count}-task run at ${((count / engineMs) * 1000).toFixed(0)} tasks/s: UI showed the end`,
      `${lag} ms after the engine`,
      'keeps up',
    ]);
    const sorted = [...clickTimes].sort((x, y) => x - y);
    results.push([
      'selecting a task while it streams (median / max of 10)',
      `${sorted[5]!.toFixed(0)} ms / ${sorted[9]!.toFixed(0)} ms`,
      'responsive (< 100 ms)',
    ]);
    results.push([
      'main-thread long tasks during the run',
      `${longTasks.length} (longest ${longTasks.length ? Math.max(...longTasks).toFixed(0) : 0} ms)`,
      'few',
    ]);
  } finally {
    agentServer.close();
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

console.log('\nUI (Chromium against browser mode)\n');
const w = Math.max(...results.map((r) => r[0].length));
for (const [what, value, goal] of results)
  console.log(`${what.padEnd(w)}  ${value.padEnd(34)}  goal ${goal}`);
