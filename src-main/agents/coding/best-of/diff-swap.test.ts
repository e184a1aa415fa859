import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { ConfinedFolder } from '../../../files/confined-folder.ts';
import { removeWorkspaces, taskContext } from '../../testing/task-context.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { runBestOf } from './run-best-of.ts';

// A candidate's CLI may write its own attempt's folder, where its diff is recorded. In a fix
// round that then fails (so Baton writes no diff again), it swaps the file for a link to what
// its sandbox hides, or for a FIFO: the review's copy of its diff must be neither.
const repo = makeRepo();
const hiddenDir = mkdtempSync(join(tmpdir(), 'baton-hidden-home-'));
const hidden = join(hiddenDir, 'id_ed25519');
writeFileSync(hidden, '-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET\n');
afterAll(() => {
  repo.cleanup();
  removeWorkspaces();
  rmSync(hiddenDir, { recursive: true, force: true });
});

function contexts(name: string, candidates: number) {
  const base = taskContext({
    id: 'coder',
    kind: 'coding',
    cli: 'claude',
    skills: ['x'],
  }) as TaskContext<CodingAgent>;
  const coding = {
    workspace: {
      id: 'app',
      path: repo.repo,
      base_branch: 'main',
      checks: [],
      keep_ignored: [],
    } as unknown as Workspace,
    dir: join(repo.worktrees, name, 'tree'),
    branch: `baton/run-1/${name}`,
    home: join(repo.worktrees, name, 'home'),
    session: null,
    resume: null,
    prior: { usd: null, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 },
    marker: `attempt/test/run-1/${name}/1`,
    on_conflict: 'fail',
    pool: null,
    best_of: { agents: Array.from({ length: candidates }, () => base.agent), judge: null, record: () => {} },
  } satisfies CodingContext;
  return { ctx: { ...base, coding } as TaskContext<CodingAgent>, coding };
}

/** A candidate whose attempt records its diff, then (in a failed fix round) puts `swap` in its place. */
function candidate(swap: (path: string) => void) {
  return async function* (c: TaskContext<CodingAgent>): AsyncGenerator<ExecutorEvent> {
    const text = 'diff --git a/x b/x\n';
    await new ConfinedFolder(c.workspace).writeFile('changes.diff', text, { fresh: true, mode: 0o600 });
    const path = join(c.workspace, 'changes.diff');
    const sha256 = createHash('sha256').update(text).digest('hex');
    yield { type: 'artifact', name: 'changes.diff', path, size: text.length, sha256 };
    swap(path);
    yield { type: 'error', message: 'claude exited with code 1' };
  };
}

async function run(name: string, swap: (path: string) => void) {
  const { ctx, coding } = contexts(name, 1);
  const events: ExecutorEvent[] = [];
  for await (const e of runBestOf({
    ctx,
    coding,
    signal: new AbortController().signal,
    now: Date.now,
    attempt: candidate(swap),
  }))
    events.push(e);
  const logs = events.flatMap((e) => (e.type === 'log' ? [e.text] : []));
  return { ctx, logs, artifacts: events.filter((e) => e.type === 'artifact') };
}

describe("a best-of candidate's diff swapped after it was recorded", () => {
  it('is not copied through a link to a file the sandbox hides', async () => {
    const { ctx, logs, artifacts } = await run('link', (path) => {
      rmSync(path);
      symlinkSync(hidden, path);
    });
    expect(existsSync(join(ctx.workspace, 'candidate-1.diff'))).toBe(false);
    expect(artifacts).toEqual([]);
    expect(logs).toContain(
      "the candidate's diff was not copied: the file is now a symbolic link; it is not read",
    );
  });

  it('is not read from a FIFO, which would hold the attempt for good', async () => {
    const { ctx, logs } = await run('fifo', (path) => {
      rmSync(path);
      execFileSync('mkfifo', [path]);
    });
    expect(existsSync(join(ctx.workspace, 'candidate-1.diff'))).toBe(false);
    expect(logs).toContain(
      "the candidate's diff was not copied: the file is no longer a regular file; it is not read",
    );
  });

  it('is copied when it is still what was recorded', async () => {
    const { ctx } = await run('kept', () => {});
    expect(readFileSync(join(ctx.workspace, 'candidate-1.diff'), 'utf8')).toBe('diff --git a/x b/x\n');
  });
});
