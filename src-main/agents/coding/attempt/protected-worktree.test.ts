import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DANGEROUS_FILES,
  getDangerousDirectories,
} from '@anthropic-ai/sandbox-runtime/dist/sandbox/sandbox-utils.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { StoredStep } from '../../../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { call, eventually, setup } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// What the sandbox library keeps read-only in a program's folder (its whole list), planted by a
// coding agent in its task's worktree, on the stream route (a CLI that writes them itself) and on
// the ACP route (through Baton's fs/write_text_file, and by itself): every one refused, each
// refusal a step, none on the task's branch. A path the workspace opens on purpose lands, and the
// diff review marks it.
const PLANTED = [
  ...DANGEROUS_FILES,
  ...getDangerousDirectories().map((d) => `${d}/planted.md`),
  // Already in the repository, below its top.
  'web/.vscode/settings.json',
  // The worktree's own pointer to its git data, and what would be a repository's hooks.
  '.git',
  '.git/hooks/pre-commit',
];

let app: BatonApp | undefined;
let repo: TempRepo;
const dirs: string[] = [];
const homeBefore = process.env.HOME;
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
beforeAll(() => {
  // The CLI runs on "the person's own login": a home of the test's, not this machine's.
  process.env.HOME = temp('baton-protected-home-');
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  repo?.cleanup();
});
afterAll(() => {
  process.env.HOME = homeBefore;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A repository with `web/.vscode/settings.json` committed, registered as workspace `app`. */
async function workspace(extra: Record<string, unknown> = {}) {
  repo = makeRepo({ 'README.md': '# app\n', 'web/.vscode/settings.json': '{}\n' });
  app = createApp({ dataDir: temp('baton-protected-data-'), log: () => {} });
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo, ...extra });
  return app;
}

/** Node code that tries to write each path of PLANTED under the folder `base` (a JS expression) names; `tried` maps each to `ok` or its error code. */
const plantCode = (base: string) => `
const tried = {};
for (const p of ${JSON.stringify(PLANTED)}) {
  const file = path.join(${base}, p);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'planted\\n');
    tried[p] = 'ok';
  } catch (err) { tried[p] = err.code; }
}`;

const branchFiles = (commit: string) =>
  execFileSync('git', ['ls-tree', '-r', '--name-only', commit], { cwd: repo.repo, encoding: 'utf8' })
    .trim()
    .split('\n');
const show = (commit: string, path: string) =>
  execFileSync('git', ['show', `${commit}:${path}`], { cwd: repo.repo, encoding: 'utf8' });

/** The sandbox steps that refused a write to a protected path, by target. */
function protectedRefusals(steps: StoredStep[]): string[] {
  return steps.flatMap((s) =>
    s.kind === 'sandbox' && s.text.startsWith('sandbox: write to a protected path refused: ')
      ? [s.target]
      : [],
  );
}
const covers = (targets: string[], path: string) =>
  targets.some((t) => t === path || t.startsWith(`${path}/`) || path.startsWith(`${t}/`));

describe.runIf(process.platform === 'linux')('the protected paths of a task’s worktree', () => {
  it('on the stream route: a CLI plants none, each refusal is a step, the branch holds its own work only', async () => {
    const baton = await workspace();
    const bin = temp('baton-fake-cli-');
    const capture = join(import.meta.dirname, '../../../../test/coding-agents/streams/claude-edit.jsonl');
    writeFileSync(
      join(bin, 'cli.cjs'),
      `const fs = require('node:fs'); const path = require('node:path');
${plantCode('process.cwd()')}
fs.writeFileSync('own.txt', 'mine\\n');
process.stdout.write(fs.readFileSync(${JSON.stringify(capture)}, 'utf8'));
`,
    );
    const claude = join(bin, 'claude');
    writeFileSync(claude, `#!/bin/sh\nexec ${process.execPath} ${join(bin, 'cli.cjs')} "$@"\n`);
    chmodSync(claude, 0o755);
    const run = await setup(
      baton,
      [
        {
          id: 'planter',
          kind: 'coding',
          cli: 'claude',
          protocol: 'stream',
          executable: claude,
          skills: ['code'],
        },
      ],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'Plant.', required_skills: ['code'] }],
      },
    );
    await baton.engine.whenSettled(run);
    await baton.coding.worktreesSettled();
    const t = baton.store.runs.task(run, 't')!;
    const steps = await call<StoredStep[]>(baton, 'runs.steps', { run_id: run, task_id: 't' });
    expect(t.status, `${t.error}\n${JSON.stringify(steps.slice(-4))}`).toBe('done');
    const out = t.output as CodingOutput;
    expect(out.files.map((f) => f.path)).toEqual(['own.txt']);
    expect(branchFiles(out.commit).sort()).toEqual(['README.md', 'own.txt', 'web/.vscode/settings.json']);
    expect(show(out.commit, 'web/.vscode/settings.json')).toBe('{}\n');
    const worktree = baton.store.sessions.get(run, 't')!.dir;
    const refused = protectedRefusals(steps);
    for (const p of PLANTED)
      expect(covers(refused, join(worktree, p)), `${p} among ${refused.join(', ')}`).toBe(true);
  });

  it('on the ACP route: refused through fs/write_text_file and by itself; one the workspace opens lands, marked in the review', async () => {
    const baton = await workspace({ allow_protected_writes: ['.idea'] });
    const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
    const script = join(temp('baton-fake-acp-'), 'agent.mjs');
    writeFileSync(
      script,
      `import fs from 'node:fs'; import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false } }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'planter-1' }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    const s = params.sessionId;
    let through = 0;
    for (const p of ${JSON.stringify(PLANTED)}) {
      try { await client.request('fs/write_text_file', { sessionId: s, path: cwd + '/' + p, content: 'planted\\n' }); through++; }
      catch {}
    }
    ${plantCode('cwd')}
    await client.request('fs/write_text_file', { sessionId: s, path: cwd + '/own.txt', content: 'mine\\n' });
    const wrote = Object.keys(tried).filter((p) => tried[p] === 'ok');
    await client.notify('session/update', { sessionId: s, update: { sessionUpdate: 'agent_message_chunk',
      content: { type: 'text', text: 'through Baton: ' + through + ', by itself: ' + wrote.length + ' (' + wrote.join(', ') + ')' } } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`,
    );
    const run = await setup(
      baton,
      [
        {
          id: 'planter',
          kind: 'coding',
          cli: 'acp',
          protocol: 'acp',
          executable: process.execPath,
          args: [script],
          skills: ['code'],
        },
      ],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'Plant.', required_skills: ['code'], review: 'diff' }],
      },
    );
    let review: ApprovalView | undefined;
    await eventually(async () => {
      const list = await call<ApprovalView[]>(baton, 'approvals.list', { status: 'pending' });
      review = list.find((a) => a.kind === 'diff_review');
      return review !== undefined || baton.store.runs.task(run, 't')?.status === 'failed';
    });
    const t = baton.store.runs.task(run, 't')!;
    const steps = await call<StoredStep[]>(baton, 'runs.steps', { run_id: run, task_id: 't' });
    expect(review, `${t.error}\n${JSON.stringify(steps.slice(-4))}`).toBeDefined();
    const said = steps.flatMap((s) => (s.kind === 'message' && s.role === 'assistant' ? [s.text] : []));
    // Only what the workspace opens (.idea) went through, both ways.
    expect(said).toContain('through Baton: 1, by itself: 1 (.idea/planted.md)');
    const out = t.output as CodingOutput;
    expect(out.files.map((f) => f.path).sort()).toEqual(['.idea/planted.md', 'own.txt']);
    expect(branchFiles(out.commit).sort()).toEqual([
      '.idea/planted.md',
      'README.md',
      'own.txt',
      'web/.vscode/settings.json',
    ]);
    // The path the workspace opened is marked for the reviewer.
    expect(review!.diff?.protected_files).toEqual(['.idea/planted.md']);
    const worktree = baton.store.sessions.get(run, 't')!.dir;
    const refused = protectedRefusals(steps);
    for (const p of PLANTED.filter((p) => !p.startsWith('.idea/'))) {
      expect(covers(refused, join(worktree, p)), `${p} among ${refused.join(', ')}`).toBe(true);
      // Baton's own refusal of fs/write_text_file is a step too, naming the path exactly.
      expect(
        steps.some((s) => s.kind === 'sandbox' && s.seen_by === 'tool' && s.target === join(worktree, p)),
        p,
      ).toBe(true);
    }
    expect(existsSync(join(worktree, '.mcp.json'))).toBe(false);
    await call(baton, 'approvals.decide', { approval_id: review!.id, decision: 'reject', actor: 'ana' });
    await baton.engine.whenSettled(run);
    await baton.coding.worktreesSettled();
  });
});
