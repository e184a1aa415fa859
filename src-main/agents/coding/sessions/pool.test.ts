import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PruneReport } from '../../../../src-shared/contract/domains/workspaces.ts';
import type { TaskSession, Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { call, setup } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// Parked worktrees (worktree-pool.ts): a done coding task's worktree is
// parked in its workspace's pool and the next attempt takes it; failed and cancelled tasks'
// worktrees too, once their work is committed on their branches; prune and removing the
// workspace empty the pool. The coding CLI is a
// shell script that prints a stream qwen printed (test/coding-agents/streams) after noting
// what it finds in its worktree.

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

const STREAM = join(import.meta.dirname, '../../../../test/coding-agents/streams/qwen-edit.jsonl');

/**
 * The agent: notes in $LOG its worktree's git folder (a worktree's identity in git), when
 * README.md (which no task changes) was written, to the nanosecond, and every file it finds
 * there but .git, then writes a file of its task (committed by Baton) and build
 * output (ignored, so never committed), and answers, or fails when $FAIL_IN names its folder.
 */
const AGENT = `#!/bin/sh
{ echo "attempt in $PWD"; echo "gitdir $(sed 's/^gitdir: //' .git)"; echo "readme $(stat -c %y README.md)"; find . -path ./.git -prune -o -type f -print | sort; echo end; } >> "$LOG"
echo "$PWD" > "made-in-$(basename "$(dirname "$PWD")").txt"
mkdir -p dist && echo built > "dist/out-$$.js"
echo scratch > untracked-but-failed.tmp
case "$PWD" in *"$FAIL_IN"*) [ -n "$FAIL_IN" ] && exit 3 ;; esac
rm untracked-but-failed.tmp
cat "$STREAM"
`;

interface Attempt {
  dir: string;
  gitdir: string;
  /** README.md's modification time: a new checkout writes it again, a taken worktree keeps it. */
  readme: string;
  files: string[];
}

function open(parkedWorktrees?: number) {
  const root = mkdtempSync(join(tmpdir(), 'baton-coding-pool-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const repo: TempRepo = makeRepo({
    'README.md': 'hello\n',
    'src/lib.ts': 'export {};\n',
    '.gitignore': 'dist/\n',
  });
  cleanups.push(repo.cleanup);
  const script = join(root, 'agent.sh');
  writeFileSync(script, AGENT);
  chmodSync(script, 0o755);
  // An agent that works until stopped.
  const slow = join(root, 'slow.sh');
  writeFileSync(slow, '#!/bin/sh\nexec sleep 30\n');
  chmodSync(slow, 0o755);
  // The agent's log is outside its worktree: a folder its sandbox lets it write.
  const logs = join(root, 'log');
  mkdirSync(logs);
  const log = join(logs, 'attempts.log');
  writeFileSync(log, '');
  const env = { LOG: log, STREAM, FAIL_IN: '' };
  app = createApp({
    dataDir: join(root, 'data'),
    log: () => {},
    ...(parkedWorktrees === undefined ? {} : { parkedWorktrees }),
  });
  const attempts = (): Attempt[] =>
    readFileSync(log, 'utf8')
      .split('end\n')
      .filter((b) => b.trim())
      .map((b) => {
        const [first, second, third, ...files] = b.trim().split('\n');
        return {
          dir: first!.slice('attempt in '.length),
          gitdir: second!.slice('gitdir '.length),
          readme: third!.slice('readme '.length),
          files,
        };
      });
  const agent = (failIn = '') => ({
    id: 'coder',
    kind: 'coding' as const,
    cli: 'qwen' as const,
    skills: ['code'],
    executable: script,
    env: { ...env, FAIL_IN: failIn },
    sandbox: { write_allow: [logs] },
  });
  const worktrees = () =>
    repo
      .git(['worktree', 'list', '--porcelain'])
      .split('\n\n')
      .slice(1)
      .map((r) => r.trim());
  return { app, repo, attempts, agent, worktrees, slow };
}

const plan = (id: string, tasks: string[], chain: boolean) => ({
  plan_id: id,
  workspace: 'app',
  tasks: tasks.map((t, i) => ({
    task_id: t,
    description: `do ${t}`,
    required_skills: ['code'],
    ...(chain && i > 0 ? { depends_on: [tasks[i - 1]!] } : {}),
  })),
});

async function settle(a: BatonApp, run: string): Promise<string> {
  const r = await a.engine.whenSettled(run);
  await a.coding.worktreesSettled();
  return r.status;
}

describe('parked worktrees in coding runs', () => {
  it('a run of two coding tasks one after the other: the second works in the first one’s worktree, with none of what it left', async () => {
    const { app, repo, attempts, agent, worktrees } = open();
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(app, [agent()], plan('p', ['a', 'b'], true));
    expect(await settle(app, run)).toBe('completed');

    const [a, b] = attempts();
    // Each in its task's own folder, but the same git worktree: b's is a's, parked and taken.
    expect(a!.dir).toBe(join(app.coding.worktreeRoot, run, 'a', 'tree'));
    expect(b!.dir).toBe(join(app.coding.worktreeRoot, run, 'b', 'tree'));
    expect(b!.gitdir).toBe(a!.gitdir);
    expect(b!.readme).toBe(a!.readme);
    // b finds a's committed work (it starts from a's branch), none of a's build output.
    expect(a!.files).toEqual(['./.gitignore', './README.md', './src/lib.ts']);
    expect(b!.files).toEqual(['./.gitignore', './README.md', './made-in-a.txt', './src/lib.ts']);
    expect(repo.git(['show', `baton/${run}/b:made-in-b.txt`])).toBe(b!.dir);

    // No worktree holds a task's branch now: b's worktree is the one parked.
    const parked = worktrees();
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatch(/\ndetached\nlocked baton: parked$/);
    expect(parked[0]!.startsWith(`worktree ${app.coding.parkedFolder('app')}/`)).toBe(true);
    const sessions = await call<TaskSession[]>(app, 'runs.sessions', { run_id: run });
    expect(sessions.map((s) => s.state)).toEqual(['removed', 'removed']);
    expect(readdirSync(app.coding.worktreeRoot)).toEqual(['.parked']);
    const listed = async () => (await call<Workspace[]>(app, 'workspaces.list', {}))[0]!.parked_worktrees;
    expect(await listed()).toBe(1);

    // A second run takes it again, and prune removes the pool.
    const again = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    expect(await settle(app, again.run_id)).toBe('completed');
    expect(attempts()[2]!.gitdir).toBe(a!.gitdir);
    expect(attempts()[2]!.files).toEqual(['./.gitignore', './README.md', './src/lib.ts']);
    const [report] = await call<PruneReport[]>(app, 'workspaces.prune', { workspace_id: 'app' });
    expect(report!.removed).toHaveLength(1);
    expect(worktrees()).toEqual([]);
    expect(existsSync(app.coding.parkedFolder('app'))).toBe(false);
    expect(await listed()).toBe(0);
  });

  it("a workspace's keep_ignored paths stay in a taken worktree, and the attempt's log says so", async () => {
    const { app, repo, attempts, agent } = open();
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo, keep_ignored: ['dist/'] });
    const run = await setup(app, [agent()], plan('p', ['a', 'b'], true));
    expect(await settle(app, run)).toBe('completed');

    const [a, b] = attempts();
    expect(b!.gitdir).toBe(a!.gitdir);
    // a's build output (ignored) is there for b; nothing else a left but what it committed.
    expect(b!.files).toEqual([
      './.gitignore',
      './README.md',
      expect.stringMatching(/^\.\/dist\/out-\d+\.js$/),
      './made-in-a.txt',
      './src/lib.ts',
    ]);
    const logs = async (task: string) =>
      (await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: run, task_id: task })).map(
        (l) => l.text,
      );
    expect(await logs('b')).toContain("kept from this worktree's last attempt: dist/");
    // Where each worktree came from: a's was made, b's taken from the pool (not "created").
    const tree = (t: string) => join(app.coding.worktreeRoot, run, t, 'tree');
    expect(await logs('a')).toContain(`worktree ${tree('a')} on baton/${run}/a (created, from main)`);
    expect(await logs('b')).toContain(
      `worktree ${tree('b')} on baton/${run}/b (taken from workspace app's pool of parked worktrees, a new branch, from baton/${run}/a)`,
    );
    expect((await logs('a')).some((l) => l.startsWith('kept from'))).toBe(false);
    // Kept files are never committed: they are ignored.
    expect(repo.git(['ls-tree', '-r', '--name-only', `baton/${run}/b`])).not.toContain('dist/');
  });

  it('a failed task’s work is committed on its branch before its worktree is parked; a cancelled run leaves no worktree of its own', async () => {
    const { app, repo, attempts, agent, worktrees, slow: sleeper } = open();
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', { agents: [agent('/f/tree')] });
    await call(app, 'plans.import', { plan: plan('p', ['ok', 'f'], false) });
    const run = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
    expect(await settle(app, run)).toBe('failed');
    expect(app.store.runs.task(run, 'f')!.error).toMatch(/exited with code 3/);
    // f's leftovers are committed on its branch as work in progress (its ignored build output is
    // not), then its worktree is parked like ok's: what is left holds no branch and nothing uncommitted.
    expect(repo.git(['ls-tree', '-r', '--name-only', `baton/${run}/f`]).split('\n')).toEqual([
      '.gitignore',
      'README.md',
      'made-in-f.txt',
      'src/lib.ts',
      'untracked-but-failed.tmp',
    ]);
    expect(repo.git(['log', '-1', '--format=%s', `baton/${run}/f`])).toBe(
      'WIP (unreviewed): task f, attempt 1 failed',
    );
    const left = worktrees();
    expect(left.length).toBeLessThanOrEqual(2);
    for (const w of left) {
      expect(w).toMatch(/\ndetached\nlocked baton: parked$/);
      const dir = w.split('\n')[0]!.slice('worktree '.length);
      expect(repo.git(['status', '--porcelain', '--untracked-files=all'], dir)).toBe('');
    }
    expect(readdirSync(app.coding.worktreeRoot)).toEqual(['.parked']);

    // A run cancelled while its agent runs: its worktree goes, the pool keeps at most what it had.
    await call(app, 'agents.import', { agents: [{ ...agent(), executable: sleeper }] });
    await call(app, 'plans.import', { plan: plan('slow', ['s'], false) });
    const slow = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'slow' })).run_id;
    for (let i = 0; i < 200 && !app.store.sessions.get(slow, 's'); i++)
      await new Promise((r) => setTimeout(r, 50));
    await call(app, 'runs.cancel', { run_id: slow });
    expect(await settle(app, slow)).toBe('cancelled');
    expect(worktrees().filter((w) => !/\nlocked baton: parked$/.test(w))).toEqual([]);
    expect(existsSync(join(app.coding.worktreeRoot, slow))).toBe(false);
    expect(attempts().length).toBe(2);

    // Removing the workspace removes its pool: nothing of Baton's is left in the repository.
    await call(app, 'workspaces.remove', { workspace_id: 'app' });
    expect(worktrees()).toEqual([]);
    expect(readdirSync(app.coding.worktreeRoot)).toEqual([]);
  });

  it('parkedWorktrees 0: worktrees are removed as before', async () => {
    const { app, repo, attempts, agent, worktrees } = open(0);
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(app, [agent()], plan('p', ['a', 'b'], true));
    expect(await settle(app, run)).toBe('completed');
    const [a, b] = attempts();
    // A new checkout: README.md written again. (The git folder's name is no proof: a's worktree,
    // removed as a finished, frees its name, \`tree\`, and b's may take it.)
    expect(b!.readme).not.toBe(a!.readme);
    expect(worktrees()).toEqual([]);
  });
});
