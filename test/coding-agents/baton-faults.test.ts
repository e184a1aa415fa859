import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, TaskRun } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TaskSession } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import {
  CLI_NAMES,
  codingAgent,
  gitWorktrees,
  installed,
  markedProcesses,
  openBaton,
  startServers,
  waitFor,
  writeTurn,
} from './baton-kit.ts';
import type { CliName } from './clis.ts';

// What goes wrong, for each real CLI at once: a run cancelled while every CLI waits on its model,
// then one run where each CLI passes its spend cap, gets garbage from its model, waits on a model
// that never answers until its agent's timeout, and is killed (a crash) mid-attempt. Every case
// ends with a status that says what happened, and nothing is left behind.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
const only = (process.env.BATON_CLIS?.split(',') as CliName[] | undefined) ?? CLI_NAMES;

/** The cap of the `-capped` agents, and the turn that passes it ($3 and $15 per million tokens: ~$0.17; codex would compact a bigger context). */
const CAP = 0.05;
const EXPENSIVE = { input: 50_000, output: 1_000 };
/**
 * The `-slow` agents' wall clock: longer than a CLI's start-up on a loaded machine (opencode took
 * over 60 s to reach its model with both cores busy at load 15), so the test waits on Baton's
 * timeout, never on how fast a CLI starts.
 */
const TIMEOUT_S = 150;

/** A program in place of a CLI that prints lines that are no event stream, then exits 3. */
let brokenDir: string;

let cancelRun: { id: string; detail: RunDetail; sessions: TaskSession[] };
let faultRun: { id: string; detail: RunDetail };

const asks = (task: string) => (req: { tools: string[]; texts: string[] }) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${task}:`));

/** The CLI process of a task's attempt (the top of its marked tree). */
function cliPid(runId: string, taskId: string): number | null {
  const mine = new Map<number, number>();
  for (const pid of markedProcesses(runId)) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!new RegExp(`BATON_ATTEMPT=attempt/[^/]+/${runId}/${taskId}/`).test(env)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      mine.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  for (const [pid, ppid] of mine) if (!mine.has(ppid)) return pid;
  return null;
}

const t0 = Date.now();
const note = (what: string) => process.env.BATON_DEBUG && console.error(`${Date.now() - t0} ms: ${what}`);

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  for (const cli of only) {
    servers.script(cli, [
      {
        name: 'cancel',
        match: asks(`${cli}-cancel`),
        turns: [
          { ...writeTurn(cli, `${cli}/partial.txt`, 'partial\n'), usage: { input: 1_000, output: 50 } },
          { fault: { kind: 'hang' } },
        ],
      },
      {
        name: 'budget',
        match: asks(`${cli}-budget`),
        turns: [
          { ...writeTurn(cli, `${cli}/costly.txt`, 'costly\n'), usage: EXPENSIVE },
          { text: 'Done, at a price.', usage: { input: 1_000, output: 10 } },
        ],
      },
      { name: 'garbage', match: asks(`${cli}-garbage`), turns: [{ fault: { kind: 'garbage' } }] },
      { name: 'hang', match: asks(`${cli}-hang`), turns: [{ fault: { kind: 'hang' } }] },
      { name: 'crash', match: asks(`${cli}-crash`), turns: [{ fault: { kind: 'hang' } }] },
    ]);
  }
  brokenDir = mkdtempSync(join(tmpdir(), 'baton-broken-cli-'));
  const broken = join(brokenDir, 'broken-cli');
  writeFileSync(
    broken,
    '#!/bin/sh\necho "Segmentation fault (core dumped), or so it says"\necho "{not json either"\nexit 3\n',
  );
  chmodSync(broken, 0o755);
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', {
    agents: only.flatMap((cli) => [
      // One CLI stands for all: what Baton makes of a program that prints garbage is the parser's.
      ...(cli === only[0]
        ? [codingAgent(servers, cli, { id: 'broken', skills: ['broken'], executable: broken })]
        : []),
      codingAgent(servers, cli),
      codingAgent(servers, cli, { id: `${cli}-capped`, skills: [`${cli}-capped`], max_cost_usd: CAP }),
      codingAgent(servers, cli, { id: `${cli}-slow`, skills: [`${cli}-slow`], timeout_s: TIMEOUT_S }),
    ]),
  });
  const task = (cli: CliName, what: string, skill: string = cli) => ({
    task_id: `${cli}-${what}`,
    description: `Do the ${what} thing.`,
    required_skills: [skill],
  });

  // A run where each CLI waits on its model: one is killed (a crash), then the run is cancelled.
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'cancel',
      workspace: 'app',
      tasks: only.flatMap((cli) => [task(cli, 'cancel'), task(cli, 'crash')]),
    },
  });
  const cancelId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'cancel' })).run_id;
  await Promise.all(
    only.map(async (cli) => {
      await waitFor(() => servers.calls(cli, 'crash').length > 0, 120_000);
      const pid = cliPid(cancelId, `${cli}-crash`);
      if (pid === null) throw new Error(`no process for ${cli}-crash`);
      process.kill(pid, 'SIGKILL');
      note(`${cli} killed`);
    }),
  );
  const crashed = () =>
    app.store.runs.tasks(cancelId).filter((t) => t.task_id.endsWith('-crash') && t.status === 'failed');
  await waitFor(() => crashed().length === only.length, 30_000);
  await waitFor(
    () => only.every((cli) => servers.calls(cli, 'cancel').some((c) => c.answer === 'fault:hang')),
    120_000,
  );
  note('every CLI waits on its model');
  const sessions = await call<TaskSession[]>(app, 'runs.sessions', { run_id: cancelId });
  await call(app, 'runs.cancel', { run_id: cancelId, actor: 'tester' });
  await app.engine.whenSettled(cancelId);
  note('cancel run settled');
  await app.coding.worktreesSettled();
  note('cancel run worktrees removed');
  cancelRun = {
    id: cancelId,
    sessions,
    detail: await call<RunDetail>(app, 'runs.get', { run_id: cancelId }),
  };

  // One run of failures.
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'faults',
      workspace: 'app',
      tasks: [
        ...only.flatMap((cli) => [
          task(cli, 'budget', `${cli}-capped`),
          task(cli, 'garbage'),
          task(cli, 'hang', `${cli}-slow`),
        ]),
        { task_id: 'broken', description: 'Run a broken CLI.', required_skills: ['broken'] },
      ],
    },
  });
  const faultId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'faults' })).run_id;
  const bus = app.bus.subscribe((batch) => {
    for (const e of batch)
      if (e.name === 'task.updated' && ['failed', 'done'].includes(e.payload.status))
        note(`${e.payload.task_id} ${e.payload.status}: ${e.payload.error}`);
  });
  await app.engine.whenSettled(faultId);
  bus();
  note('fault run settled');
  await app.coding.worktreesSettled();
  faultRun = { id: faultId, detail: await call<RunDetail>(app, 'runs.get', { run_id: faultId }) };
}, 480_000);

afterAll(async () => {
  if (!installed) return;
  await baton?.close();
  await servers?.close();
  if (brokenDir) rmSync(brokenDir, { recursive: true, force: true });
});

const taskOf = (detail: RunDetail, id: string): TaskRun => detail.tasks.find((t) => t.task_id === id)!;

describe.skipIf(!installed).each(only)('%s when things go wrong', (cli) => {
  it('a cancelled run stops the CLI waiting on its model, charges what it had spent, and removes its worktree', () => {
    const t = taskOf(cancelRun.detail, `${cli}-cancel`);
    expect(t.status).toBe('cancelled');
    // What it had spent is charged: the metering endpoint saw its first answer (codex itself
    // reports usage only when its turn completes, which a cancelled one never does).
    expect(t.cost).toBeGreaterThan(0);
    const s = cancelRun.sessions.find((x) => x.task_id === `${cli}-cancel`);
    expect(s?.dir).toBeTruthy();
  });

  it('passing max_cost_usd stops the attempt: "budget exceeded: spent $X of $Y"', async () => {
    const t = taskOf(faultRun.detail, `${cli}-budget`);
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(/^budget exceeded: spent \$0\.\d\d of \$0\.05/);
    // What it spent is charged, though the attempt failed.
    expect(t.cost).toBeGreaterThan(CAP);
    // Baton's metering endpoint refuses the call after the one that passed the cap: it never
    // reaches the server, whatever the CLI reports and when.
    expect(servers.calls(cli, 'budget')).toHaveLength(1);
  });

  it('a model that answers garbage fails the attempt with the CLI’s own words', async () => {
    const t = taskOf(faultRun.detail, `${cli}-garbage`);
    expect(t.status).toBe('failed');
    expect(t.error).toBeTruthy();
    expect(t.error!.length).toBeGreaterThan(10);
    const steps = await call<StoredStep[]>(baton.app, 'runs.steps', {
      run_id: faultRun.id,
      task_id: `${cli}-garbage`,
    });
    // The metering proxy's record of the model's answer (a usage step) may land after the result
    // on a busy machine: the result is the last of the CLI's own steps.
    expect(steps.filter((s) => s.kind !== 'usage').at(-1)).toMatchObject({ kind: 'result', is_error: true });
  });

  it('a CLI waiting on a model that never answers is stopped at its timeout', () => {
    const t = taskOf(faultRun.detail, `${cli}-hang`);
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(new RegExp(`^timed out after ${TIMEOUT_S} s`));
    expect(servers.calls(cli, 'hang').length).toBeGreaterThan(0);
  });

  it('a CLI that dies mid-attempt fails it, saying how it died', () => {
    const t = taskOf(cancelRun.detail, `${cli}-crash`);
    expect(t.status).toBe('failed');
    expect(t.error).toContain(`${cli} was killed by SIGKILL`);
  });
});

describe.skipIf(!installed)('a program that prints garbage in place of a CLI', () => {
  it('fails the attempt saying how it ended and what it printed', async () => {
    const t = taskOf(faultRun.detail, 'broken');
    expect(t.status).toBe('failed');
    expect(t.error).toBe(
      `${only[0]} exited with code 3 before its final result; it printed 2 lines that were not JSON, the first: Segmentation fault (core dumped), or so it says`,
    );
  });
});

describe.skipIf(!installed)('after the runs', () => {
  it('no worktree and no CLI process is left; the branches stay', () => {
    expect(cancelRun.detail.status).toBe('cancelled');
    expect(faultRun.detail.status).toBe('failed');
    expect(gitWorktrees(baton.repo.repo)).toEqual([]);
    expect(markedProcesses(cancelRun.id)).toEqual([]);
    expect(markedProcesses(faultRun.id)).toEqual([]);
    expect(baton.repo.git(['branch', '--list', `baton/${cancelRun.id}/*`]).split('\n').length).toBe(
      only.length * 2,
    );
    expect(servers.phoneHome()).toEqual([]);
  });
});
