import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { call, setup } from '../kit/engine-kit.ts';

// A coding agent that points its worktree's `.git` at another repository of the user's before it
// answers: Baton still commits its work on the task's branch in the workspace, parks the worktree
// for the next task, touches nothing of the other repository, and says in the attempt's log what
// it found and set right (without the OS sandbox, which refuses the write). The CLI is a shell script that prints a stream qwen printed.

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

const STREAM = join(import.meta.dirname, '../coding-agents/streams/qwen-edit.jsonl');

const AGENT = `#!/bin/sh
echo "work of $(basename "$(dirname "$PWD")")" > "work-$(basename "$(dirname "$PWD")").txt"
printf 'gitdir: %s\\n' "$OTHER/.git" > .git
cat "$STREAM"
`;

/** Every file under `root` with its content. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (lstatSync(path).isDirectory()) walk(path);
      else out[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return out;
}

it('an agent that points .git at another repository: its work is committed on its own branch, the other repository is untouched, and the log says so', async () => {
  const root = mkdtempSync(join(tmpdir(), 'baton-git-link-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const repo = makeRepo({ 'README.md': 'hello\n' });
  const other = makeRepo({ 'README.md': 'the other repository\n' });
  cleanups.push(repo.cleanup, other.cleanup);
  const before = snapshot(other.root);
  const script = join(root, 'agent.sh');
  writeFileSync(script, AGENT);
  chmodSync(script, 0o755);
  app = createApp({ dataDir: join(root, 'data'), log: () => {} });
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  const agent = {
    id: 'coder',
    kind: 'coding' as const,
    cli: 'qwen' as const,
    skills: ['code'],
    executable: script,
    env: { STREAM, OTHER: other.repo },
    // In the OS sandbox the worktree's .git is read-only and this write is refused outright
    // (protected paths, docs/security.md); this is what Baton sets right where no sandbox runs.
    sandbox: { mode: 'off' as const },
  };
  const run = await setup(app, [agent], {
    plan_id: 'p',
    workspace: 'app',
    tasks: [
      { task_id: 'a', description: 'do a', required_skills: ['code'] },
      { task_id: 'b', description: 'do b', required_skills: ['code'], depends_on: ['a'] },
    ],
  });
  const result = await app.engine.whenSettled(run);
  await app.coding.worktreesSettled();

  const logs = async (task: string) =>
    (await call<{ text: string }[]>(app!, 'runs.taskLogs', { run_id: run, task_id: task })).map(
      (l) => l.text,
    );
  expect(result.status, (await logs('a')).join('\n')).toBe('completed');
  expect(repo.git(['show', `baton/${run}/a:work-a.txt`])).toBe('work of a');
  expect(repo.git(['show', `baton/${run}/b:work-a.txt`])).toBe('work of a');
  expect(repo.git(['show', `baton/${run}/b:work-b.txt`])).toBe('work of b');
  expect(snapshot(other.root)).toEqual(before);
  expect(other.git(['branch', '--list'])).toBe('* main');
  for (const task of ['a', 'b'])
    expect(await logs(task)).toContainEqual(
      expect.stringMatching(
        /^the worktree's \.git was rewritten to name .*\/\.git, not git's link to its git folder/,
      ),
    );
});
