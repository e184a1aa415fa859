import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { running, sleepTags } from '../../src-main/processes/testing/processes.ts';
import { runEntry } from '../../src-main/store/testing/store-behind.ts';
import type { KeptWorkDetail } from '../../src-shared/contract/domains/runs.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { TaskSession } from '../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { writeFakeQwen } from '../kit/fake-qwen.ts';

// The work of a coding attempt that does not finish is kept: when its run ends, what it left
// uncommitted is committed on its branch as a work-in-progress commit that says so, the branch
// stays, and a person resumes it (a new run goes on from the branch, in the same folder and CLI
// session) or discards it (the branch goes). A retry in the same run starts from that work, or
// clean when asked. The CLI is a shell script run by the real coding executor on a real
// repository; it writes a file per attempt and fails, hangs or answers as its agent's env says.

const DEADLINE = 60_000;
const tags = sleepTags();
const root = mkdtempSync(join(tmpdir(), 'baton-kept-work-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The CLI (test/kit/fake-qwen.ts): writes `work-<attempt>.txt`, then fails, hangs or answers as MODE says. */
const fakeQwen = writeFakeQwen(root);

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

interface Seen {
  run: string;
  task: string;
  attempt: number;
  cwd: string;
  resume: string;
  files: string[];
}

function scene() {
  const dir = mkdtempSync(join(root, 'data-'));
  const repo: TempRepo = makeRepo();
  cleanups.push(repo.cleanup);
  // The CLI's log is outside its worktree: a folder its sandbox lets it write.
  const logs = mkdtempSync(join(root, 'log-'));
  const log = join(logs, 'cli.log');
  writeFileSync(log, '');
  const a = createApp({ dataDir: dir, log: () => {} });
  app = a;
  const seen = (): Seen[] =>
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [who = '', cwd = '', resume = '', files = ''] = l.split('|');
        const [run = '', task = '', n = ''] = who.split(' ');
        return { run, task, attempt: Number(n), cwd, resume, files: files.trim().split(' ').filter(Boolean) };
      });
  const prompt = (run: string, task: string, n: number) => readFileSync(`${log}.${run}.${task}.${n}`, 'utf8');
  const agent = (id: string, skill: string, env: Record<string, string>) => ({
    id,
    kind: 'coding' as const,
    cli: 'qwen' as const,
    skills: [skill],
    executable: fakeQwen,
    env: { LOG: log, ...env },
    sandbox: { write_allow: [logs] },
  });
  const start = async (planId: string) =>
    (await call<{ run_id: string }>(a, 'runs.start', { plan_id: planId })).run_id;
  const settle = async (run: string) => {
    const r = await a.engine.whenSettled(run);
    await a.coding.worktreesSettled();
    return r.status;
  };
  const session = (run: string, task: string) => a.store.sessions.get(run, task)!;
  return { app: a, dir, repo, seen, prompt, agent, start, settle, session };
}

/** Whether the engine's next tick would wait: work waits for the store's writer (`whenWriterIdle`). */
const engineHeld = (a: BatonApp) => {
  let now = false;
  a.store.whenWriterRoom(() => {
    now = true;
  });
  return !now;
};

const worktreesOn = (repo: TempRepo, branch: string) =>
  repo
    .git(['worktree', 'list', '--porcelain'])
    .split('\n\n')
    .filter((r) => r.includes(`branch refs/heads/${branch}`));

describe('the work of a coding attempt that does not finish', { timeout: 3 * DEADLINE }, () => {
  it('is committed on its branch as unreviewed work in progress when the run ends failed, and kept', async () => {
    const s = scene();
    await call(s.app, 'workspaces.add', { id: 'app', path: s.repo.repo });
    await call(s.app, 'agents.import', { agents: [s.agent('coder', 'code', { MODE: 'fail' })] });
    await call(s.app, 'plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 'api', description: 'do api', required_skills: ['code'] }],
      },
    });
    const run = await s.start('p');
    expect(await s.settle(run)).toBe('failed');
    const branch = `baton/${run}/api`;
    const start = s.session(run, 'api').start_commit;

    // The branch holds the work, one commit past its start, and the commit says what it is.
    expect(s.repo.git(['rev-parse', `${branch}~1`])).toBe(start);
    expect(s.repo.git(['show', `${branch}:work-1.txt`])).toBe(`api, attempt 1 of ${run}`);
    const message = s.repo.git(['log', '-1', '--format=%B', branch]);
    expect(message.split('\n')[0]).toBe('WIP (unreviewed): task api, attempt 1 failed');
    expect(message).toContain('Work in progress that nobody reviewed.');
    expect(message).toContain(`Baton-Run: ${run}\nBaton-Task: api\nBaton-Attempt: 1\nBaton-Ended: failed`);
    expect(s.repo.git(['log', '-1', '--format=%an <%ae>|%cn', branch])).toBe(
      'coder <coder@agents.baton.invalid>|Baton',
    );
    // The worktree is not on the branch any more (parked, or removed); the session says what was kept.
    expect(worktreesOn(s.repo, branch)).toEqual([]);
    const kept = s.session(run, 'api').kept_work!;
    expect(kept).toMatchObject({
      head: s.repo.git(['rev-parse', branch]),
      wip_commit: s.repo.git(['rev-parse', branch]),
      attempt: 1,
      ended: 'failed',
      reason: expect.stringMatching(/exited with code 3/),
      files: 1,
      additions: 1,
      deletions: 0,
      state: 'kept',
      resumed_by: null,
      not_committed: null,
    });
    const detail = await call<KeptWorkDetail>(s.app, 'runs.keptWork', { run_id: run, task_id: 'api' });
    expect(detail.message).toBe(message);
    expect(detail.files).toEqual([{ path: 'work-1.txt', status: 'added', additions: 1, deletions: 0 }]);
    expect(detail.patch).toContain('+api, attempt 1');
  });

  it('is kept when the run is cancelled, and resumed in a new run: same branch, folder and CLI session', async () => {
    const s = scene();
    const tag = tags.next();
    await call(s.app, 'workspaces.add', { id: 'app', path: s.repo.repo });
    await call(s.app, 'agents.import', { agents: [s.agent('coder', 'code', { MODE_1: 'hang', TAG: tag })] });
    await call(s.app, 'plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [
          { task_id: 'api', description: 'do api', required_skills: ['code'] },
          { task_id: 'docs', description: 'do docs', required_skills: ['code'], depends_on: ['api'] },
        ],
      },
    });
    const run = await s.start('p');
    await eventually(
      () => running(tag).length === 1 && s.app.store.sessions.get(run, 'api')?.session_id === 'sess-api',
      DEADLINE,
      'the CLI to name its session and hang',
    );
    await call(s.app, 'runs.cancel', { run_id: run, actor: 'ana' });
    expect(await s.settle(run)).toBe('cancelled');
    const branch = `baton/${run}/api`;
    expect(s.repo.git(['log', '-1', '--format=%s', branch])).toBe(
      'WIP (unreviewed): task api, attempt 1 cancelled',
    );
    const first = s.seen()[0]!;

    // The same agent, which answers this time. Resumed while the store's writer is behind (another
    // connection holds the write lock, a tick waits): the new run's transaction waits for the
    // writer without holding the thread the calls share (the engine's ticks are held meanwhile).
    await call(s.app, 'agents.import', { agents: [s.agent('coder', 'code', {})] });
    // Asked twice at once: one resumes, the other is refused (it would have made a second run).
    const other = new Database(join(s.dir, 'baton.db'));
    let answers: Awaited<ReturnType<BatonApp['dispatch']>>[];
    try {
      other.exec('BEGIN IMMEDIATE');
      s.app.store.txBehind(
        () => s.app.store.memory.auditMany([runEntry('a tick not yet written')]),
        () => null,
      );
      const ask = () => s.app.dispatch('runs.resumeWork', { run_id: run, task_id: 'api', actor: 'ana' });
      const both = [ask(), ask()];
      await expect.poll(() => engineHeld(s.app)).toBe(true);
      other.exec('COMMIT');
      answers = await Promise.all(both);
    } finally {
      other.close();
    }
    const refused = answers.find((a) => !a.ok);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: /being resumed or discarded|resumed already/ },
    });
    const resumed = answers.find((a) => a.ok)!.value as { run_id: string };
    expect((await call<{ id: string }[]>(s.app, 'runs.list', {})).map((r) => r.id).sort()).toEqual(
      [run, resumed.run_id].sort(),
    );
    expect(await s.settle(resumed.run_id)).toBe('completed');
    const again = s.seen().find((x) => x.run === resumed.run_id && x.task === 'api')!;
    // The same folder and CLI session, the kept work in it; the prompt says where it comes from.
    expect(again.cwd).toBe(first.cwd);
    expect(again.resume).toBe('sess-api');
    expect(again.files).toContain('work-1.txt');
    expect(s.prompt(resumed.run_id, 'api', 1)).toContain(
      `Your earlier attempt at task api (attempt 1 of run ${run}) ended without finishing (cancelled`,
    );
    const logs = (
      await call<{ text: string }[]>(s.app, 'runs.taskLogs', { run_id: resumed.run_id, task_id: 'api' })
    ).map((l) => l.text);
    expect(logs).toContainEqual(
      expect.stringMatching(
        new RegExp(`^going on with the work run ${run} kept of this task \\(attempt 1, cancelled`),
      ),
    );
    // The branch went on from the kept work; the task's output and diff are its whole work.
    const out = s.app.store.runs.task(resumed.run_id, 'api')!.output as {
      branch: string;
      files: { path: string }[];
    };
    expect(out.branch).toBe(branch);
    expect(out.files.map((f) => f.path).sort()).toEqual(['work-1.txt']);
    expect(
      s.repo
        .git(['log', '--format=%s', `${branch}`])
        .split('\n')
        .slice(0, 2),
    ).toEqual([
      `Baton: run ${resumed.run_id}, task api, agent coder (attempt 1)`,
      'WIP (unreviewed): task api, attempt 1 cancelled',
    ]);
    // The dependent ran again, from it.
    expect(s.app.store.runs.task(resumed.run_id, 'docs')!.status).toBe('done');
    expect(s.session(run, 'api').kept_work).toMatchObject({ state: 'resumed', resumed_by: resumed.run_id });
    expect(s.session(resumed.run_id, 'api')).toMatchObject({
      continues: run,
      state: 'removed',
      kept_work: null,
    });
    // Resumed once: not twice.
    const twice = await s.app.dispatch('runs.resumeWork', { run_id: run, task_id: 'api' });
    expect(twice).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('is discarded on request: its branch goes, and it cannot be resumed after', async () => {
    const s = scene();
    await call(s.app, 'workspaces.add', { id: 'app', path: s.repo.repo });
    await call(s.app, 'agents.import', { agents: [s.agent('coder', 'code', { MODE: 'fail' })] });
    await call(s.app, 'plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 'api', description: 'do api', required_skills: ['code'] }],
      },
    });
    const run = await s.start('p');
    expect(await s.settle(run)).toBe('failed');
    const discarded = await call<TaskSession>(s.app, 'runs.discardWork', { run_id: run, task_id: 'api' });
    expect(discarded.kept_work?.state).toBe('discarded');
    expect(s.repo.git(['branch', '--list', `baton/${run}/api`])).toBe('');
    expect(s.repo.git(['for-each-ref', 'refs/baton/start/'])).toBe('');
    const resume = await s.app.dispatch('runs.resumeWork', { run_id: run, task_id: 'api' });
    expect(resume).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/discarded already/) },
    });
  });

  it('is where a retry in the same run starts, saying so; a retry asked to start clean starts from the base', async () => {
    const s = scene();
    const tag = tags.next();
    await call(s.app, 'workspaces.add', { id: 'app', path: s.repo.repo });
    await call(s.app, 'agents.import', {
      agents: [
        s.agent('coder', 'code', { MODE_1: 'fail', MODE_2: 'fail' }),
        s.agent('holder', 'hold', { MODE: 'hang', TAG: tag }),
      ],
    });
    await call(s.app, 'plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [
          { task_id: 'api', description: 'do api', required_skills: ['code'] },
          // Keeps the run executing while api is retried.
          { task_id: 'hold', description: 'hold', required_skills: ['hold'] },
        ],
      },
    });
    const run = await s.start('p');
    const failed = () => s.app.store.runs.task(run, 'api')?.status === 'failed';
    await eventually(failed, DEADLINE, 'attempt 1 to fail');
    await call<TaskRun>(s.app, 'runs.retryTask', { run_id: run, task_id: 'api' });
    await eventually(
      () => s.app.store.runs.task(run, 'api')?.attempt === 2 && failed(),
      DEADLINE,
      'attempt 2 to fail',
    );
    const second = s.seen().find((x) => x.task === 'api' && x.attempt === 2)!;
    expect(second.files).toContain('work-1.txt');
    expect(s.prompt(run, 'api', 2)).toContain(
      'An earlier attempt at this task (attempt 1) ended without finishing (failed: ',
    );
    const logs = async () =>
      (await call<{ text: string }[]>(s.app, 'runs.taskLogs', { run_id: run, task_id: 'api' })).map(
        (l) => l.text,
      );
    expect(await logs()).toContainEqual(
      'attempt 2 starts from the work attempt 1 left (failed: qwen exited with code 3 before its final result): 1 file changed since the task started from main. To start from main instead, retry the task with "start clean".',
    );

    await call<TaskRun>(s.app, 'runs.retryTask', { run_id: run, task_id: 'api', start_clean: true });
    await eventually(
      () => s.app.store.runs.task(run, 'api')?.status === 'done',
      DEADLINE,
      'attempt 3 to finish',
    );
    const third = s.seen().find((x) => x.task === 'api' && x.attempt === 3)!;
    expect(third.files).toEqual(['README.md']);
    expect(await logs()).toContainEqual(
      expect.stringMatching(/^starting clean, as asked: baton\/\S+\/api is back at the task's start/),
    );
    expect(s.prompt(run, 'api', 3)).not.toContain('An earlier attempt');
    await call(s.app, 'runs.cancelTask', { run_id: run, task_id: 'hold' });
    await s.settle(run);
    expect(s.repo.git(['ls-tree', '--name-only', `baton/${run}/api`]).split('\n')).toEqual([
      'README.md',
      'work-3.txt',
    ]);
    expect(existsSync(join(s.dir, 'worktrees', run, 'api'))).toBe(false);
  });
});
