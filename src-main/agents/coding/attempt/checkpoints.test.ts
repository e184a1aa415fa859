import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import type { ExecutorEvent } from '../../../engine/executor.ts';
import { listCheckpoints } from '../workspaces/checkpoints.ts';
import { lockedRepositories } from '../workspaces/repo-lock.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { prepareWorktree } from '../workspaces/worktrees.ts';
import { checkpointed, startCheckpoints, turnWatch } from './checkpoints.ts';
import type { RouteEnd } from './route.ts';

let t: TempRepo;
let dir: string;
const branch = 'baton/r1/t1';

beforeEach(async () => {
  t = makeRepo({ 'README.md': 'hello\n' });
  const w = await prepareWorktree({ repo: t.repo, baseBranch: 'main', branch, dir: join(t.worktrees, 't1') });
  if (!w.ok) throw new Error('no worktree');
  dir = w.dir;
});

afterEach(() => {
  expect(lockedRepositories()).toBe(0);
  t.cleanup();
});

const at = '2026-01-01T00:00:00.000Z';
const call = (id: string, status: 'running' | 'done'): Step => ({
  kind: 'tool_call',
  seq: 0,
  at,
  call_id: id,
  name: 'Write',
  server: null,
  input: {},
  status,
  output: null,
  error: null,
  ended_at: null,
  duration_ms: null,
});

it('ends a turn when a tool result leaves no call open, and at the result', () => {
  const ends = turnWatch();
  expect(ends(call('a', 'running'))).toBe(false);
  expect(ends(call('b', 'running'))).toBe(false);
  expect(ends(call('a', 'done'))).toBe(false);
  expect(ends(call('b', 'done'))).toBe(true);
  // A result seen again (a changed step) of a call already closed ends nothing.
  expect(ends(call('b', 'done'))).toBe(false);
  expect(ends({ kind: 'result', seq: 1, at, text: 'Done.', is_error: false })).toBe(true);
});

it('keeps the turns a route ends, none for a turn that changed nothing, and says a failure without ending the attempt', async () => {
  const turns = await startCheckpoints({
    repo: t.repo,
    dir,
    branch,
    attempt: 1,
    label: 'task t1 of run r1',
    now: Date.now,
  });
  async function* route(): AsyncGenerator<ExecutorEvent, RouteEnd> {
    writeFileSync(join(dir, 'a.txt'), 'one\n');
    yield { type: 'step', step: call('a', 'running') };
    yield { type: 'step', step: call('a', 'done') };
    // Its next turn waits for the checkpoint (as a model call takes its time).
    await turns.settled();
    yield { type: 'step', step: call('b', 'running') };
    yield { type: 'step', step: call('b', 'done') }; // changed nothing
    await turns.settled();
    writeFileSync(join(dir, 'b.txt'), 'two\n');
    return { stopped: null, refused: null, outcome: { text: 'Done.', sessionId: null } };
  }
  const events: ExecutorEvent[] = [];
  const run = checkpointed(route(), turns);
  for (;;) {
    const next = await run.next();
    if (next.done) break;
    events.push(next.value);
  }
  const kept = await listCheckpoints({ repo: t.repo, branch });
  expect(kept.map((c) => [c.turn, c.files])).toEqual([
    [0, 0],
    [1, 1],
    [2, 1], // at the route's end
  ]);
  expect(events.filter((e) => e.type === 'log').map((e) => (e.type === 'log' ? e.text : ''))).toEqual([
    'checkpoint: turn 1 kept (1 file changed)',
    'checkpoint: turn 2 kept (1 file changed)',
  ]);
  // The worktree gone under it: a line, and the attempt goes on.
  writeFileSync(join(dir, 'c.txt'), 'three\n');
  rmSync(dir, { recursive: true, force: true });
  turns.turnEnded();
  await turns.settled();
  const said = turns.take();
  expect(said).toHaveLength(1);
  expect(said[0]).toMatchObject({
    type: 'log',
    text: expect.stringContaining("checkpoint: a turn's worktree could not be kept (the agent goes on)"),
  });
});

it('numbers a taken-up attempt after its last checkpoint', async () => {
  const first = await startCheckpoints({ repo: t.repo, dir, branch, attempt: 1, label: 'x', now: Date.now });
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  first.turnEnded();
  await first.settled();
  writeFileSync(join(dir, 'b.txt'), 'two\n');
  const again = await startCheckpoints({ repo: t.repo, dir, branch, attempt: 1, label: 'x', now: Date.now });
  // What changed while it was away is a turn of its own.
  expect(again.take()).toEqual([
    { type: 'log', stream: 'info', text: 'checkpoint: turn 2 kept (1 file changed)' },
  ]);
  expect((await listCheckpoints({ repo: t.repo, branch })).map((c) => c.turn)).toEqual([0, 1, 2]);
});
