import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { TaskSession } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';

// `baton run` and `baton approve` end runs in a process that exits right after: the worktrees
// of the run's coding tasks are parked or removed before it does, as in the app and `baton
// serve` (one rule for every process that ends a run), so no checkout is left per run and the
// next `baton run` takes the parked one instead of checking every file out again. The real
// CLI, a real repository; the coding CLI is a shell script printing a stream qwen printed.

const root = join(import.meta.dirname, '..', '..');
const STREAM = join(root, 'test/coding-agents/streams/qwen-edit.jsonl');

/** Notes its worktree's git folder (a worktree's identity) in $LOG, writes a file of its task, answers. */
const AGENT = `#!/bin/sh
echo "$(sed 's/^gitdir: //' .git)" >> "$LOG"
echo "work of $(basename "$(dirname "$PWD")")" > "work-$(basename "$(dirname "$PWD")").txt"
cat "$STREAM"
`;

let dir: string;
let repo: TempRepo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-cli-worktrees-'));
  repo = makeRepo();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  repo.cleanup();
});

function baton(args: string[]) {
  const r = spawnSync(
    process.execPath,
    [join(root, 'src-main', 'cli', 'baton.ts'), ...args, '--data-dir', join(dir, 'data')],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function scene(review: boolean) {
  const script = join(dir, 'agent.sh');
  writeFileSync(script, AGENT);
  chmodSync(script, 0o755);
  const log = join(dir, 'gitdirs.log');
  writeFileSync(log, '');
  const agents = join(dir, 'agents.json');
  writeFileSync(
    agents,
    JSON.stringify([
      {
        id: 'coder',
        kind: 'coding',
        cli: 'qwen',
        skills: ['code'],
        executable: script,
        env: { STREAM, LOG: log },
      },
    ]),
  );
  const plan = join(dir, 'plan.json');
  writeFileSync(
    plan,
    JSON.stringify({
      plan_id: 'p',
      workspace: 'app',
      tasks: [
        { task_id: 'a', description: 'do a', required_skills: ['code'] },
        {
          task_id: 'b',
          description: 'do b',
          required_skills: ['code'],
          depends_on: ['a'],
          ...(review ? { review: 'diff' } : {}),
        },
      ],
    }),
  );
  const added = baton(['workspaces', 'add', repo.repo, '--id', 'app']);
  expect(added.code, added.stderr).toBe(0);
  return { agents, plan, gitdirs: () => readFileSync(log, 'utf8').trim().split('\n') };
}

/** The worktrees git records besides the checkout: `<folder> <what it holds>`. */
function worktrees(): string[] {
  return repo
    .git(['worktree', 'list', '--porcelain'])
    .split('\n\n')
    .slice(1)
    .map((r) => {
      const lines = r.trim().split('\n');
      const held = lines.find((l) => l.startsWith('branch ') || l === 'detached') ?? '?';
      return `${lines[0]!.slice('worktree '.length)} ${held}`;
    });
}

/** The run's coding sessions, read from the data directory once no Baton process has it open. */
async function sessions(runId: string): Promise<TaskSession[]> {
  const app = createApp({ dataDir: join(dir, 'data'), resume: false, log: () => {} });
  try {
    return await call<TaskSession[]>(app, 'runs.sessions', { run_id: runId });
  } finally {
    await app.close();
  }
}

const parked = (dataDir: string) => new RegExp(`^${dataDir}/worktrees/\\.parked/app/\\S+ detached$`);

it('baton run parks the last task’s worktree before it exits, and the next baton run takes it', async () => {
  const { agents, plan, gitdirs } = scene(false);
  const first = baton(['run', plan, '--agents', agents, '--json']);
  expect(first.code, first.stderr).toBe(0);
  const runId = (JSON.parse(first.stdout) as { run_id: string }).run_id;

  // Nothing of the run is checked out any more: its one worktree waits parked, holding no branch.
  expect(worktrees()).toEqual([expect.stringMatching(parked(join(dir, 'data')))]);
  expect((await sessions(runId)).map((s) => [s.task_id, s.state])).toEqual([
    ['a', 'removed'],
    ['b', 'removed'],
  ]);
  expect(repo.git(['show', `baton/${runId}/b:work-b.txt`])).toBe('work of b');

  // The next run works in that worktree: no new checkout.
  const second = baton(['run', plan, '--json']);
  expect(second.code, second.stderr).toBe(0);
  expect(new Set(gitdirs()).size).toBe(1);
  expect(worktrees()).toEqual([expect.stringMatching(parked(join(dir, 'data')))]);
});

it('baton approve that ends the run parks the reviewed task’s worktree before it exits', async () => {
  const { agents, plan } = scene(true);
  const run = baton(['run', plan, '--agents', agents, '--json']);
  expect(run.code, run.stderr).toBe(3);
  const waiting = JSON.parse(run.stdout) as { run_id: string; waiting_for: { approval_id: string }[] };
  // b waits for its review with its worktree on its branch.
  expect(worktrees()).toEqual([
    expect.stringMatching(new RegExp(` branch refs/heads/baton/${waiting.run_id}/b$`)),
  ]);

  const approved = baton(['approve', waiting.waiting_for[0]!.approval_id, '--json']);
  expect(approved.code, approved.stderr).toBe(0);
  expect(worktrees()).toEqual([expect.stringMatching(parked(join(dir, 'data')))]);
  expect((await sessions(waiting.run_id)).every((s) => s.state === 'removed')).toBe(true);
});
