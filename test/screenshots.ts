// `npm run screenshots`: the README's pictures, taken from the real app in Chromium.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findChromium, launchChromium } from './e2e/browser-path.ts';
import { rpcFor } from './e2e/harness.ts';
import { root, startServe } from './e2e/serve-process.ts';

const found = findChromium();
if ('missing' in found) {
  console.error(found.missing);
  process.exit(1);
}
const out = join(root, 'resources', 'screenshots');
mkdirSync(out, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'baton-shots-'));
const flagDir = mkdtempSync(join(tmpdir(), 'baton-shots-flag-'));
const server = await startServe(dataDir);
const call = rpcFor(server.url);
const rpc = async (method: string, input: unknown) => {
  const r = await call(method, input);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
};
const example = (f: string) => JSON.parse(readFileSync(join(root, 'resources', 'examples', f), 'utf8'));
const shot = (page: Page, name: string) => page.screenshot({ path: join(out, `${name}.png`) });

const browser = await launchChromium();
try {
  // Data: the seed example, a pipeline run by a real (slow) command agent, a gated release.
  await rpc('agents.import', { agents: example('agents.json') });
  await rpc('agents.import', {
    agents: [
      {
        id: 'builder',
        name: 'Builder',
        kind: 'command',
        skills: ['build'],
        max_concurrency: 3,
        command: process.execPath,
        args: ['-e', 'setTimeout(() => console.log(\'::result {"ok":true}\'), 150 + Math.random() * 350)'],
      },
      { id: 'ana', name: 'Ana', kind: 'human', skills: ['review'] },
    ],
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'pipeline',
      name: 'Build pipeline',
      tasks: Array.from({ length: 18 }, (_, i) => ({
        task_id: `step-${String(i + 1).padStart(2, '0')}`,
        description: `Build stage ${i + 1}`,
        required_skills: ['build'],
        depends_on: i >= 3 ? [`step-${String(i - 2).padStart(2, '0')}`] : [],
      })),
    },
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'release',
      name: 'Release 2.0',
      tasks: [
        { task_id: 'changelog', description: 'Summarize the changes', required_skills: ['summarization'] },
        {
          task_id: 'deploy',
          description: 'Deploy to production',
          requires_approval: true,
          depends_on: ['changelog'],
        },
        { task_id: 'notes-review', description: 'Review the release notes', required_skills: ['review'] },
      ],
    },
  });
  await rpc('plans.import', { plan: example('onboarding-plan.json') });
  await rpc('runs.start', { plan_id: 'release' });
  // A second version of the release, for the version history.
  await rpc('plans.import', {
    plan: {
      plan_id: 'release',
      name: 'Release 2.0',
      budget: 40,
      tasks: [
        {
          task_id: 'changelog',
          description: 'Summarize the changes since 1.9',
          required_skills: ['summarization'],
        },
        {
          task_id: 'deploy',
          description: 'Deploy to production',
          requires_approval: true,
          depends_on: ['changelog', 'smoke-test'],
        },
        { task_id: 'smoke-test', description: 'Smoke-test the staging build', required_skills: ['build'] },
        { task_id: 'announce', description: 'Announce the release', depends_on: ['deploy'] },
      ],
    },
  });
  const pipeline = await rpc('runs.start', { plan_id: 'pipeline' });
  await rpc('runs.start', { plan_id: 'plan-87234' });

  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 820 }, colorScheme: scheme });
    await page.goto(server.url);
    await page.getByRole('link', { name: /plan-87234/ }).click();
    await page.getByRole('status', { name: /Run status/ }).waitFor();
    await page.waitForTimeout(300);
    await shot(page, `run-${scheme}`);
    await page.close();
  }

  const page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
  // Who uses the app: Ana, the human agent (asked once in the app; set here beforehand).
  await page.addInitScript(() =>
    localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: 'ana' })),
  );
  await page.goto(server.url);
  await page.getByRole('link', { name: /^Approvals/ }).click();
  await page.getByRole('region', { name: 'Approval for deploy' }).waitFor();
  await shot(page, 'approvals');
  await page.getByRole('link', { name: /^My tasks/ }).click();
  await page.getByRole('row', { name: /Task notes-review/ }).waitFor();
  await shot(page, 'my-tasks');

  await page.getByRole('link', { name: 'Plans', exact: true }).click();
  await page.getByRole('link', { name: /Build pipeline/ }).click();
  await page.waitForFunction(
    async (runId) => {
      const el = document.querySelector('[aria-label="Run status: completed"]');
      return el !== null || runId === '';
    },
    String(pipeline.run_id ?? ''),
    { timeout: 30_000 },
  );
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await page.waitForTimeout(300);
  await shot(page, 'timeline');

  await page.getByRole('tab', { name: 'Graph' }).click();
  await page.getByRole('button', { name: 'Edit plan' }).click();
  await page.getByRole('region', { name: 'Plan designer graph' }).getByRole('article').first().click();
  await page.waitForTimeout(300);
  await shot(page, 'designer');
  await page.getByRole('button', { name: 'Discard' }).click();

  await page.getByRole('link', { name: 'Build logs', exact: true }).click();
  await page.getByLabel('Search memory').fill('context_analysis');
  // The search runs 150 ms after typing: wait for its one result before opening it.
  const found = page.getByRole('list', { name: 'Memory entries' }).getByRole('listitem');
  await found.filter({ hasText: 'build_log' }).first().waitFor();
  while ((await found.count()) !== 1) await page.waitForTimeout(50);
  await found.first().getByRole('button').first().click();
  await page.waitForTimeout(300);
  await shot(page, 'build-logs');

  await page.getByRole('link', { name: 'Plans', exact: true }).click();
  await page.getByRole('link', { name: /Release 2\.0/ }).click();
  await page.getByRole('tab', { name: /^Versions/ }).click();
  await page.getByRole('heading', { name: /^v1 of 2/ }).waitFor();
  await page.getByRole('list', { name: 'Tasks added' }).waitFor();
  await page.waitForTimeout(300);
  await shot(page, 'versions');

  // Two nightly runs: the integration tests pass on their second attempt, then fail both.
  // The flag lives outside the data directory, which Baton hides from the agents it runs.
  const flag = join(flagDir, 'staging-down');
  await rpc('agents.import', {
    agents: [
      {
        id: 'ci',
        name: 'CI runner',
        kind: 'command',
        skills: ['ci'],
        max_concurrency: 4,
        command: process.execPath,
        args: [
          '-e',
          // The workspace is <root>/<run>/<task>/<attempt>.
          `const [task, attempt] = process.cwd().split(require('path').sep).slice(-2);
          if (task === 'integration-tests' && (attempt === '1' || require('fs').existsSync(${JSON.stringify(flag)}))) {
            console.error('3 tests failed: staging did not answer'); process.exit(1);
          }
          setTimeout(() => console.log('::result {"ok":true,"task":"' + task + '"}'), 100 + Math.random() * 200);`,
        ],
      },
    ],
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'nightly',
      name: 'Nightly build',
      tasks: [
        { task_id: 'checkout', description: 'Check out main', required_skills: ['ci'] },
        {
          task_id: 'unit-tests',
          description: 'Unit tests',
          required_skills: ['ci'],
          depends_on: ['checkout'],
        },
        {
          task_id: 'integration-tests',
          description: 'Integration tests against staging',
          required_skills: ['ci'],
          depends_on: ['checkout'],
          retry: { max_attempts: 2, backoff: { initial_ms: 200, jitter: 0 } },
        },
        {
          task_id: 'package',
          description: 'Package the build',
          required_skills: ['ci'],
          depends_on: ['unit-tests', 'integration-tests'],
        },
        {
          task_id: 'publish',
          description: 'Publish the nightly',
          required_skills: ['ci'],
          depends_on: ['package'],
        },
      ],
    },
  });
  const settled = async (run: { run_id?: unknown }) => {
    for (;;) {
      const r = await rpc('runs.get', { run_id: run.run_id });
      if (r.status !== 'executing') return;
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  await settled(await rpc('runs.start', { plan_id: 'nightly' }));
  writeFileSync(flag, '');
  await settled(await rpc('runs.start', { plan_id: 'nightly' }));

  await page.getByRole('link', { name: /Nightly build/ }).click();
  await page.getByRole('tab', { name: 'Graph' }).click();
  await page.getByRole('status', { name: 'Run status: failed' }).waitFor();
  await page
    .getByRole('region', { name: 'Plan graph' })
    .getByRole('article', { name: /^Task integration-tests/ })
    .click();
  await page.getByRole('tab', { name: /^Attempts/ }).click();
  await page.getByRole('table', { name: 'Attempts of integration-tests' }).waitFor();
  await page.waitForTimeout(300);
  await shot(page, 'attempts');

  await page.getByRole('tab', { name: 'Compare runs' }).click();
  await page
    .getByRole('table', { name: 'Run comparison' })
    .getByRole('rowgroup', { name: 'publish' })
    .waitFor();
  await page.waitForTimeout(300);
  await shot(page, 'compare');
  console.log(`Screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(flagDir, { recursive: true, force: true });
}
