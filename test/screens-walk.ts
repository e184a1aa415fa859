// `node test/screens-walk.ts --out DIR`: every screen of the app, as a newcomer meets it, at
// 1440×900 and 1024×700, light and dark, from `baton serve` on a fresh data directory (the built
// renderer: run `npm run build` first). The same names each time, so two walks (before and after a
// change) compare screen by screen. Not a test: it asserts nothing, it shows.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { codingScene } from './coding-scene.ts';
import { findChromium, launchChromium } from './e2e/browser-path.ts';
import { rpcFor } from './e2e/harness.ts';
import { startServe } from './e2e/serve-process.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ?? join(tmpdir(), 'baton-walk');
mkdirSync(out, { recursive: true });
const found = findChromium();
if ('missing' in found) {
  console.error(found.missing);
  process.exit(1);
}

const SIZES = [
  [1440, 900],
  [1024, 700],
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** A command agent's program: writes a text, a JSON, an image and a diff, then answers. */
const ARTIFACT_AGENT = `
const fs = require('node:fs');
fs.writeFileSync('notes.txt', 'Release notes\\n\\n- faster start\\n- fewer clicks\\n');
fs.writeFileSync('report.json', JSON.stringify({ score: 0.93, checks: [{ name: 'lint', ok: true }, { name: 'tests', ok: true }] }));
fs.writeFileSync('change.diff', '--- a/app.ts\\n+++ b/app.ts\\n@@ -1,3 +1,3 @@\\n const a = 1;\\n-const b = 2;\\n+const b = 3;\\n export { a, b };\\n');
fs.writeFileSync('chart.png', Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAKElEQVR42mNgGAWDH/wHUQzUZoTGG4QBo1FgQJkGlEE1I0aD1GAAAKqQCf8XJSLoAAAAAElFTkSuQmCC', 'base64'));
console.log('::progress 50 wrote the files');
console.log('::result ' + JSON.stringify({ summary: 'Wrote notes, a report, a chart and a diff. '.repeat(6), files: 4, ok: true, nested: { a: [1, 2, 3], b: { c: 'a longer value that should wrap rather than run off the panel' } } }));
`;

const dataDir = mkdtempSync(join(tmpdir(), 'baton-walk-'));
const server = await startServe(dataDir);
const call = rpcFor(server.url);
const rpc = async (method: string, input: unknown) => {
  const r = await call(method, input);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
};
let closeScene = async () => {};
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

/** Every size and scheme of what is on screen now, as `<name>-<width>-<scheme>.png`. */
async function shoot(name: string, before?: (p: Page) => Promise<void>) {
  // A screen loaded on first use says "Loading…" (the Suspense fallback) until it is there; a
  // click just made may not have drawn even that yet.
  await page.waitForTimeout(100);
  await page.waitForFunction(() => !document.querySelector('main > .muted.centered'));
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(250);
      if (before) await before(page);
      await page.screenshot({ path: join(out, `${name}-${w}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(150);
}

const nav = (name: RegExp) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });
const showTask = (id: string) =>
  page.getByRole('table', { name: 'Task results' }).getByRole('button', { name: id, exact: true }).click();
const openPlan = (name: RegExp) =>
  page.getByRole('list', { name: 'Plans' }).getByRole('link', { name }).click();

try {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Load a working example' }).waitFor();
  await shoot('01-first-open');

  await page.getByRole('button', { name: 'Load a working example' }).click();
  await page.getByRole('heading', { name: 'Welcome tour' }).waitFor();
  // More to look at: a command agent that leaves artifacts, one that fails, a pipeline.
  await rpc('agents.import', {
    agents: [
      {
        id: 'scribe',
        name: 'Scribe',
        kind: 'command',
        skills: ['writing'],
        command: process.execPath,
        args: ['-e', ARTIFACT_AGENT],
      },
      {
        id: 'flaky',
        kind: 'command',
        skills: ['flaky'],
        command: process.execPath,
        args: ['-e', 'console.log("::error the service answered 503")'],
      },
      {
        id: 'builder',
        name: 'Builder',
        kind: 'command',
        skills: ['build'],
        max_concurrency: 3,
        command: process.execPath,
        args: ['-e', 'setTimeout(() => console.log(\'::result {"ok":true}\'), 100 + Math.random() * 300)'],
      },
    ],
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'report',
      name: 'Weekly report',
      goal: 'Write the weekly report, check it, publish it',
      budget: 10,
      tasks: [
        { task_id: 'write', description: 'Write the report with a chart', required_skills: ['writing'] },
        {
          task_id: 'check',
          description: 'Check the numbers against the service',
          required_skills: ['flaky'],
          depends_on: ['write'],
          retry: { max_attempts: 2, backoff: { initial_ms: 100 } },
        },
        {
          task_id: 'publish',
          description: 'Publish the report',
          required_skills: ['summarization'],
          depends_on: ['check'],
          requires_approval: true,
          estimated_cost: 2,
        },
      ],
    },
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'pipeline',
      name: 'Build pipeline',
      tasks: Array.from({ length: 12 }, (_, i) => ({
        task_id: `step-${String(i + 1).padStart(2, '0')}`,
        description: `Build stage ${i + 1}`,
        required_skills: ['build'],
        depends_on: i >= 3 ? [`step-${String(i - 2).padStart(2, '0')}`] : [],
      })),
    },
  });
  const pipeline = (await rpc('runs.start', { plan_id: 'pipeline' })) as { run_id: string };
  await rpc('runs.start', { plan_id: 'welcome-tour' });
  await rpc('runs.start', { plan_id: 'release-gate' });
  const report = (await rpc('runs.start', { plan_id: 'report' })) as { run_id: string };
  for (const id of [pipeline.run_id, report.run_id]) {
    for (let i = 0; i < 100; i++) {
      const r = (await rpc('runs.get', { run_id: id })) as { status: string };
      if (r.status !== 'executing') break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await page.reload();

  // The run view: a finished run with a failure, its task panel, the artifacts.
  await openPlan(/Weekly report/);
  await page.getByRole('status', { name: /Run status/ }).waitFor();
  await shoot('02-run-view');
  await showTask('write');
  await page.getByRole('region', { name: 'Task write details' }).waitFor();
  await shoot('03-task-panel');
  await showTask('check');
  await shoot('04-task-failed');

  await openPlan(/Build pipeline/);
  await page.getByRole('status', { name: /Run status/ }).waitFor();
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await shoot('05-timeline');
  await openPlan(/Release with a gate/);
  await page.getByRole('status', { name: /Run status/ }).waitFor();
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await shoot('06-timeline-waiting');
  await page.getByRole('tab', { name: 'Graph' }).click();

  await openPlan(/Welcome tour/);
  await rpc('runs.start', { plan_id: 'welcome-tour' });
  await page.waitForTimeout(800);
  await page.getByRole('tab', { name: 'Compare runs' }).click();
  await shoot('07-compare');
  await page.getByRole('tab', { name: /Versions/ }).click();
  await shoot('08-versions');
  await page.getByRole('tab', { name: 'Graph' }).click();

  await openPlan(/Weekly report/);
  await page.getByRole('button', { name: 'Edit plan' }).click();
  await page.getByRole('region', { name: 'Plan designer graph' }).waitFor();
  await page.waitForTimeout(500);
  await shoot('09-designer');
  await page.getByRole('region', { name: 'Plan designer graph' }).getByRole('article').nth(1).click();
  await shoot('10-designer-task');
  await page.getByRole('button', { name: 'Discard' }).click();

  await page.getByRole('button', { name: 'New plan…' }).first().click();
  await page.getByRole('dialog', { name: 'New plan' }).waitFor();
  await shoot('11-new-plan');
  await page.keyboard.press('Escape');

  await nav(/^Runs/).click();
  await shoot('12-runs');
  await nav(/^Approvals/).click();
  await shoot('13-approvals');
  const myTasks = page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: /^My tasks/ });
  if ((await myTasks.count()) > 0) {
    // Who you are: Ana, the example's person (asked once, from the sidebar here).
    await page.getByRole('button', { name: 'Say who you are' }).click();
    const who = page.getByRole('dialog', { name: 'Who are you?' });
    await who.getByRole('radio', { name: /Ana/ }).check();
    await who.getByRole('button', { name: 'I am Ana' }).click();
    await myTasks.click();
  } else {
    const iAm = page.getByLabel('I am');
    if ((await iAm.count()) > 0) await iAm.selectOption('ana');
  }
  await page.waitForTimeout(400);
  await shoot('14-my-tasks');
  await nav(/^Agents/).click();
  await shoot('15-agents');
  await nav(/^Projects/).click();
  await shoot('16-projects');
  await nav(/^Spend/).click();
  await shoot('16b-spend');
  await nav(/^Build logs/).click();
  await shoot('17-build-logs', async (p) => {
    const first = p.getByRole('list', { name: 'Memory entries' }).getByRole('listitem').first();
    if ((await first.count()) > 0) await first.getByRole('button').first().click();
  });
  await page.getByRole('tab', { name: 'Audit log' }).click();
  await shoot('18-audit', async (p) => {
    const first = p.getByRole('list', { name: 'Audit entries' }).getByRole('listitem').first();
    if ((await first.count()) > 0) await first.getByRole('button').first().click();
  });

  // Coding agents: workspaces, a coding agent's fields, a coding run's branches and
  // steps, its diff under review.
  closeScene = (await codingScene(rpc)).close;
  await page.reload();
  await nav(/^Workspaces/).click();
  await page.getByRole('table', { name: 'Workspaces' }).waitFor();
  await shoot('20-workspaces');
  await nav(/^Agents/).click();
  await page.getByRole('region', { name: 'Coding CLIs on this machine' }).waitFor();
  // The form opens in a dialog from the screen's "Add agent…" (and closes on Escape after).
  await page.getByRole('button', { name: 'Add agent…' }).click();
  await page.getByRole('form', { name: 'Add an agent' }).getByLabel('Kind').selectOption('coding');
  await shoot('21-agents-coding');
  // The kind chosen is a change: Escape asks before it drops it, and Discard closes the form.
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Add an agent' }).getByRole('button', { name: 'Discard' }).click();
  await page.getByRole('dialog', { name: 'Add an agent' }).waitFor({ state: 'hidden' });
  await openPlan(/Hello world web app/);
  await page.getByRole('status', { name: /Run status/ }).waitFor();
  await showTask('backend');
  await page.getByRole('region', { name: 'Steps of backend' }).waitFor();
  await shoot('22-coding-run');
  await nav(/^Approvals/).click();
  // The inbox shows one approval beside its list: the diff review is picked from the list.
  await page.getByRole('listitem', { name: 'Approval for backend' }).getByRole('button').click();
  await page.getByRole('list', { name: 'Changed files' }).waitFor();
  await page
    .getByRole('list', { name: 'Changed files' })
    .getByRole('button', { name: /src\/app\.ts/ })
    .click();
  await shoot('23-diff-review');
  await page.getByRole('button', { name: 'Split' }).click();
  await shoot('24-diff-review-split');

  // Added after the screens above, so they stay comparable with an earlier walk's: a command
  // agent's test on its page, and a failed task retried inside its running run.
  await nav(/^Agents/).click();
  const testScribe = page.getByRole('button', { name: 'Test scribe' });
  if ((await testScribe.count()) > 0) {
    await testScribe.click();
    await page.getByRole('status', { name: 'Test result of scribe' }).waitFor({ timeout: 30_000 });
    await shoot('25-agent-test', async (p) => {
      await p.getByRole('region', { name: 'Agent scribe' }).scrollIntoViewIfNeeded();
    });
  }
  await rpc('plans.import', {
    plan: {
      plan_id: 'nightly',
      name: 'Nightly numbers',
      tasks: [
        { task_id: 'fetch', description: 'Fetch the numbers', required_skills: ['flaky'] },
        { task_id: 'chart', description: 'Chart them', required_skills: ['writing'], depends_on: ['fetch'] },
        { task_id: 'sign-off', description: 'Sign the numbers off', required_skills: ['review'] },
      ],
    },
  });
  const nightly = (await rpc('runs.start', { plan_id: 'nightly' })) as { run_id: string };
  for (let i = 0; i < 100; i++) {
    const r = (await rpc('runs.get', { run_id: nightly.run_id })) as { tasks: { status: string }[] };
    if (r.tasks.some((t) => t.status === 'skipped')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await openPlan(/Nightly numbers/);
  await page.getByRole('status', { name: /Run status/ }).waitFor();
  await showTask('fetch');
  await page.getByRole('region', { name: 'Task fetch details' }).waitFor();
  await shoot('26-task-retry-in-run');

  // A narrow window: the sidebar is folded to a rail; its button shows it over the screen.
  await page.setViewportSize({ width: 1024, height: 700 });
  const rail = page.getByRole('button', { name: 'Show the sidebar' });
  if ((await rail.count()) > 0) {
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await rail.click();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(out, `19-sidebar-open-1024-${scheme}.png`) });
      await page.keyboard.press('Escape');
    }
  }
  console.log(`screens in ${out}`);
} finally {
  await browser.close();
  await server.stop();
  await closeScene();
  rmSync(dataDir, { recursive: true, force: true });
}
