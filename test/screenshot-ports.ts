// `node_modules/.bin/node test/screenshot-ports.ts [out-dir]` (after `npx electron-vite build`):
// a coding task's panel with its ports, from real runs: `baton serve` runs a scripted codex in
// the OS sandbox that starts a dev server on $PORT and waits. In workspace `site`, which forwards
// its agents' ports, the panel links to it (worktree-ports-<width>-<theme>.png); in `docs`, which
// does not (the default), the panel says so and where to turn it on
// (worktree-ports-off-<width>-<theme>.png), and the Workspaces screen's Sandbox editor of `docs`
// with the setting (workspace-forward-<width>-<theme>.png). Linux (the sandbox's forwarder).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { makeRepo } from '../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { findChromium, launchChromium } from './e2e/browser-path.ts';
import { rpcFor } from './e2e/harness.ts';
import { startServe } from './e2e/serve-process.ts';

const found = findChromium();
if ('missing' in found) throw new Error(found.missing);
const out = process.argv[2] ?? join(tmpdir(), 'shots-ports');
mkdirSync(out, { recursive: true });

const STREAM = join(import.meta.dirname, 'coding-agents/streams/codex-shell.jsonl');
const dataDir = mkdtempSync(join(tmpdir(), 'baton-shots-ports-'));
const scripts = mkdtempSync(join(tmpdir(), 'baton-shots-ports-agent-'));
const go = join(scripts, 'go');
writeFileSync(
  join(scripts, 'server.js'),
  `require('node:http').createServer((q, s) => s.end('dev server')).listen(Number(process.argv[2]), '127.0.0.1'); setInterval(() => {}, 1000);`,
);
const cli = join(scripts, 'codex.sh');
writeFileSync(
  cli,
  [
    '#!/bin/sh',
    `"${process.execPath}" "${join(scripts, 'server.js')}" "$PORT" &`,
    `while [ ! -f "${go}" ]; do sleep 0.1; done`,
    `cat "${STREAM}"`,
    '',
  ].join('\n'),
);
chmodSync(cli, 0o755);
const repo = makeRepo({ 'README.md': '# Site\n' });
const docsRepo = makeRepo({ 'README.md': '# Docs\n' });
const server = await startServe(dataDir);
const call = rpcFor(server.url);
const rpc = async (method: string, input: unknown) => {
  const r = await call(method, input);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.value;
};
const browser = await launchChromium();
try {
  await rpc('workspaces.add', { id: 'site', path: repo.repo, forward_ports: true });
  await rpc('workspaces.add', { id: 'docs', path: docsRepo.repo });
  await rpc('agents.import', {
    agents: [
      {
        id: 'coder',
        kind: 'coding',
        cli: 'codex',
        executable: cli,
        skills: ['code'],
        provider: { base_url: 'http://127.0.0.1:9/v1' },
        model: 'm',
        max_concurrency: 2,
      },
    ],
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'site',
      workspace: 'site',
      tasks: [{ task_id: 'serve', description: 'Start the dev server', required_skills: ['code'] }],
    },
  });
  await rpc('plans.import', {
    plan: {
      plan_id: 'docs',
      workspace: 'docs',
      tasks: [{ task_id: 'preview', description: 'Preview the docs', required_skills: ['code'] }],
    },
  });
  await rpc('runs.start', { plan_id: 'site' });
  await rpc('runs.start', { plan_id: 'docs' });
  const shoot = async (
    width: number,
    scheme: 'dark' | 'light',
    name: string,
    open: (page: Page) => Promise<Locator>,
  ) => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
    await page.addInitScript(() =>
      localStorage.setItem('baton.identity', JSON.stringify({ name: 'Ana', agentId: null })),
    );
    await page.goto(server.url);
    const shown = await open(page);
    const dismiss = page.getByRole('button', { name: 'Dismiss' });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await page.setViewportSize({ width, height: 900 });
    await shown.scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, `${name}-${width}-${scheme}.png`) });
    await page.close();
  };
  /** The panel of task `task` of plan `plan`, its ports once `ready` is in them. */
  const panel =
    (plan: string, task: string, ready: (ports: Locator) => Promise<void>) => async (page: Page) => {
      await page
        .getByRole('list', { name: 'Plans' })
        .getByRole('link', { name: new RegExp(`^${plan}`) })
        .click();
      await page
        .getByRole('region', { name: 'Plan graph' })
        .getByRole('article', { name: new RegExp(`^Task ${task}`) })
        .click();
      const ports = page.getByRole('region', { name: `Ports of ${task}` });
      await ready(ports);
      return ports;
    };
  for (const width of [1440, 1024])
    for (const scheme of ['dark', 'light'] as const) {
      await shoot(
        width,
        scheme,
        'worktree-ports',
        panel('site', 'serve', (ports) =>
          ports.getByRole('link', { name: /^http:\/\/127\.0\.0\.1:\d+\/$/ }).waitFor({ timeout: 60_000 }),
        ),
      );
      await shoot(
        width,
        scheme,
        'worktree-ports-off',
        panel('docs', 'preview', (ports) =>
          ports.getByText(/can’t be reached from this machine/).waitFor({ timeout: 60_000 }),
        ),
      );
      await shoot(width, scheme, 'workspace-forward', async (page) => {
        await page
          .getByRole('navigation', { name: 'Sections' })
          .getByRole('link', { name: 'Workspaces' })
          .click();
        await page.getByRole('button', { name: 'Sandbox of docs…' }).click();
        const forward = page.getByRole('checkbox', { name: 'Reach its dev servers from this machine' });
        await forward.check();
        return forward;
      });
    }
  console.log(`screenshots in ${out}`);
} finally {
  writeFileSync(go, '');
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(scripts, { recursive: true, force: true });
  repo.cleanup();
  docsRepo.cleanup();
}
