import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalChanges, TerminalOutcome, TerminalView } from '../../src-shared/contract/index.ts';
import type { Checkpoint, TurnReverted } from '../../src-shared/schemas/checkpoint.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TaskSession } from '../../src-shared/schemas/workspace.ts';
import type { TurnState } from '../../src-shared/steering.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, waitFor, writeTurn } from './baton-kit.ts';
import { CLIS } from './clis.ts';

// A person works beside the real Claude Code (on its stream, against a scripted model server),
// holding it: (1) a terminal opened while its turn runs a shell loop that keeps writing pauses it
// first, and waits until the stopped turn has ended, so nothing the agent writes lands in the
// person's commit; no model request is made while the terminal is open; "go on" resumes it, told
// what changed. (2) Paused after four turns that each write a file, its worktree is reverted to
// turn 2 (every file's hash), and Resume lets it go on from there, told in its next turn.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
const who = { actor: 'Ana' };

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** Every file of a worktree but `.git`, with the hash git gives its bytes. */
function worktreeHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(root, p);
      if (rel === '.git') continue;
      if (e.isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        out[rel] = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      }
    }
  };
  walk(root);
  return out;
}

/** Every file of a commit's tree, with its blob's hash. */
function treeHashes(commit: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of git(baton.repo.repo, 'ls-tree', '-r', '-z', commit).split('\0').filter(Boolean)) {
    const [meta, path] = line.split('\t');
    out[path!] = meta!.split(' ')[2]!;
  }
  return out;
}

/** Waits until turn `n` of task `four`'s first attempt is kept. */
const kept = (n: number) => () =>
  waitFor(
    () =>
      git(baton.repo.repo, 'for-each-ref', '--format=%(refname)', 'refs/baton/checkpoints/')
        .split('\n')
        .some((r) => r.endsWith(`/four/1/${n}`)),
    60_000,
  );

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  servers.script('claude', [
    {
      name: 'terminal',
      match: asks('typed'),
      turns: [
        CLIS.claude.shellTurn('while [ ! -f never ]; do date +%s%N >> ticks.txt; sleep 0.1; done'),
        { text: 'I looked at what Ana changed.' },
      ],
    },
    {
      name: 'revert',
      match: asks('four'),
      turns: [
        writeTurn('claude', 'one.txt', 'turn one\n'),
        writeTurn('claude', 'two.txt', 'turn two\n', { before: kept(1) }),
        writeTurn('claude', 'three.txt', 'turn three\n', { before: kept(2) }),
        writeTurn('claude', 'four.txt', 'turn four\n', { before: kept(3) }),
        { ...CLIS.claude.shellTurn('while [ ! -f never ]; do sleep 0.1; done'), before: kept(4) },
        // After the revert and Resume.
        writeTurn('claude', 'five.txt', 'turn five\n'),
        { text: 'Wrote five.txt.' },
      ],
    },
  ]);
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', { agents: [codingAgent(servers, 'claude')] });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'typed',
      workspace: 'app',
      tasks: [{ task_id: 'typed', description: 'Keep a log of ticks.', required_skills: ['claude'] }],
    },
  });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'four',
      workspace: 'app',
      tasks: [{ task_id: 'four', description: 'Write four files.', required_skills: ['claude'] }],
    },
  });
}, 120_000);

afterAll(async () => {
  if (!installed) return;
  await baton?.close();
  await servers?.close();
});

/** The task's one session (its worktree and branch), once it has one. */
async function sessionOf(runId: string): Promise<TaskSession> {
  let found: TaskSession | undefined;
  await waitFor(
    () => found !== undefined,
    60_000,
    async () => {
      found = (await call<TaskSession[]>(baton.app, 'runs.sessions', { run_id: runId }))[0];
    },
  );
  return found!;
}

describe.skipIf(!installed)('a person works in the worktree of a held Claude Code', () => {
  it('a terminal pauses it first: its writes stay out of the person’s commit, no model request while open, told after', async () => {
    const { app } = baton;
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'typed' })).run_id;
    const ref = { run_id: runId, task_id: 'typed' };
    const { dir, branch } = await sessionOf(runId);
    // Its turn runs a loop that writes ticks.txt ten times a second.
    await waitFor(() => existsSync(join(dir, 'ticks.txt')), 120_000);
    const opened = await app.dispatch('terminals.open', ref, who);
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    const view = (opened as { value: TerminalView }).value;
    expect(view).toMatchObject({ agent_held: true, by: 'Ana' });
    expect(await call<TurnState>(app, 'runs.turns', ref)).toMatchObject({
      held: 'paused',
      between_turns: true,
    });
    // Its stopped turn has ended (its result), and the loop with it.
    const steps = await call<StoredStep[]>(app, 'runs.steps', ref);
    expect(steps.some((s) => s.kind === 'result')).toBe(true);
    const requests = servers.calls('claude', 'terminal').length;
    expect(requests).toBe(1);
    // What the person does, as their shell would.
    writeFileSync(join(dir, 'by-hand.md'), 'Ana was here\n');
    const closed = await app.dispatch('terminals.close', { terminal_id: view.terminal_id }, who);
    expect(closed.ok, JSON.stringify(closed)).toBe(true);
    expect((closed as { value: TerminalChanges }).value.files).toEqual(['by-hand.md']);
    // No model request while the terminal was open.
    expect(servers.calls('claude', 'terminal')).toHaveLength(requests);
    const done = await app.dispatch(
      'terminals.commit',
      { terminal_id: view.terminal_id, message: 'By hand', after: 'go_on' },
      who,
    );
    expect(done.ok, JSON.stringify(done)).toBe(true);
    const outcome = (done as { value: TerminalOutcome }).value;
    expect(outcome.said).toBe('Claude Code: queued for the next turn');
    // The person's commit holds their file alone; the ticks are in Baton's commit of what the agent left.
    expect(git(dir, 'show', '--name-only', '--format=%an', outcome.commit!)).toBe('Ana\n\nby-hand.md');
    expect(git(dir, 'show', '--name-only', '--format=', outcome.agent_commit!)).toBe('ticks.txt');
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');
    const calls = servers.calls('claude', 'terminal');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.request!.texts.join('\n')).toContain(
      'Ana took over in a terminal and changed 1 file: by-hand.md. They committed it as',
    );
    expect(git(baton.repo.repo, 'log', '--format=%s', branch)).toContain('By hand');
  }, 300_000);

  it('reverts to turn 2 of 4 while paused, every file exactly; Resume goes on from there, told', async () => {
    const { app } = baton;
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'four' })).run_id;
    const ref = { run_id: runId, task_id: 'four' };
    const { dir, branch } = await sessionOf(runId);
    // Four turns written, the fifth runs its waiting loop.
    let seen: StoredStep[] = [];
    await waitFor(
      () => seen.some((s) => s.kind === 'tool_call' && s.name === 'Bash'),
      150_000,
      async () => {
        seen = await call<StoredStep[]>(app, 'runs.steps', ref);
      },
    );
    const running = await app.dispatch('runs.revertToTurn', { ...ref, attempt: 1, turn: 2, actor: 'ana' });
    expect(running).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!running.ok && running.error.message).toContain('Pause it first');
    await call(app, 'runs.pause', { ...ref, actor: 'ana' });
    let state: TurnState | undefined;
    await waitFor(
      () => state?.between_turns === true,
      60_000,
      async () => {
        state = await call<TurnState>(app, 'runs.turns', ref);
      },
    );
    const checkpoints = await call<Checkpoint[]>(app, 'runs.checkpoints', ref);
    expect(checkpoints.map((c) => c.turn)).toEqual([0, 1, 2, 3, 4]);
    const atTurn2 = treeHashes(checkpoints.find((c) => c.turn === 2)!.commit);
    const reverted = await call<TurnReverted>(app, 'runs.revertToTurn', {
      ...ref,
      attempt: 1,
      turn: 2,
      actor: 'ana',
    });
    expect(worktreeHashes(dir)).toEqual(atTurn2);
    expect(Object.keys(atTurn2).sort()).toEqual(['README.md', 'one.txt', 'two.txt']);
    expect(reverted.files.sort()).toEqual(['four.txt', 'three.txt']);
    expect(reverted.then).toContain('Resume the task');
    // Still held: no request since the pause.
    const before = servers.calls('claude', 'revert').length;
    expect(before).toBe(5);
    await call(app, 'runs.resume', { ...ref, actor: 'ana' });
    const detail = await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(detail.status, task.error ?? '').toBe('completed');
    const calls = servers.calls('claude', 'revert');
    expect(calls[before]!.request!.texts.join('\n')).toContain(
      'Reverted the worktree to turn 2 of attempt 1: the changes of turns 3–4 were undone',
    );
    // Its one attempt went on from the reverted files: its work is turns 1, 2 and 5.
    expect(git(baton.repo.repo, 'ls-tree', '-r', '--name-only', branch).split('\n').sort()).toEqual([
      'README.md',
      'five.txt',
      'one.txt',
      'two.txt',
    ]);
    const all = await call<StoredStep[]>(app, 'runs.steps', ref);
    expect(
      all.some((s) => s.kind === 'message' && s.by === 'ana' && s.text.startsWith('Reverted the worktree')),
    ).toBe(true);
  }, 300_000);
});
