import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '../../../../src-shared/contract/index.ts';
import type { TurnState } from '../../../../src-shared/steering.ts';
import { waitingAcpAgentScript } from '../../../../test/kit/acp-waiting-agent.ts';
import { eventually, call as local } from '../../../../test/kit/engine-kit.ts';
import { startOnTempDir } from '../../../../test/kit/host-kit.ts';
import { rpc } from '../../../../test/kit/people-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import type { BrowserHost } from '../../../host/browser/server.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import { traceGit } from '../workspaces/git.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { listeningReadme } from './testing/waiting-task.ts';

const sandbox = await sandboxStatus();

/**
 * A terminal whose task's worktree is removed while it opens (its task ended, its run was
 * cancelled), over the real host: the person is told plainly, not given an internal error, and
 * nothing of the terminal is left.
 */
describe.skipIf(!sandbox.available)('a terminal whose worktree goes as it opens', () => {
  let app: BatonApp;
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let repo: TempRepo;
  let scripts: string;
  let runId: string;
  let tree: string;
  let branch: string;
  const ref = () => ({ run_id: runId, task_id: 'readme' });
  const owner = () => ({ Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' });
  const terminalTemps = () =>
    readdirSync(tmpdir()).filter((n) => n.startsWith(`baton-tmp-${process.pid}-terminal-`));

  beforeAll(async () => {
    scripts = mkdtempSync(join(tmpdir(), 'baton-terminal-gone-'));
    writeFileSync(join(scripts, 'agent.mjs'), waitingAcpAgentScript);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    ({ app, host, stop } = await startOnTempDir((_d, a) => ({ people: a.people, terminals: a.terminals })));
    await local(app, 'people.setupOwner', { name: 'Ana' });
    runId = await listeningReadme(app, repo.repo, join(scripts, 'agent.mjs'));
    ({ dir: tree, branch } = (
      await local<{ dir: string; branch: string }[]>(app, 'runs.sessions', { run_id: runId })
    )[0]!);
    await eventually(() => existsSync(join(tree, 'prompts.log')), 30_000, "the agent's first turn");
  }, 120_000);

  afterAll(async () => {
    traceGit(null);
    await local(app, 'runs.cancel', { run_id: runId }).catch(() => {});
    await stop?.();
    rmSync(scripts, { recursive: true, force: true });
    repo?.cleanup();
  });

  it('says the worktree was removed, as a conflict, when it goes between the look and the snapshot', async () => {
    // The worktree goes once the terminal's snapshot has read its files (its own `read-tree` of
    // HEAD, then `add`): the tree is written next, in a folder that is no longer there.
    let read = false;
    let removed = false;
    traceGit((command) => {
      if (/^git read-tree [0-9a-f]{40,64}$/.test(command)) read = true;
      else if (read && !removed && command === 'git add --all -- .') {
        removed = true;
        rmSync(tree, { recursive: true, force: true });
      }
    });
    let opened: Awaited<ReturnType<typeof rpc>>;
    try {
      opened = await rpc(host.port, 'terminals.open', ref(), owner());
    } finally {
      traceGit(null);
    }
    expect(removed).toBe(true);
    expect(opened.status, JSON.stringify(opened.result)).toBe(409);
    expect(opened.result).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: `the worktree of task "readme" was removed as the terminal opened (the task is in_progress; its branch ${branch} keeps what was committed): nothing to open a terminal in`,
        details: { field: 'task_id' },
      },
    });
    // Nothing of it is left: no terminal, no temp folder, the agent not held by it.
    expect(await local<TerminalView | null>(app, 'terminals.get', ref())).toBeNull();
    expect(terminalTemps()).toEqual([]);
    expect((await local<TurnState>(app, 'runs.turns', ref())).held).toBeNull();
    // Opened again, it is refused before anything is held.
    const again = await rpc(host.port, 'terminals.open', ref(), owner());
    expect(again.status, JSON.stringify(again.result)).toBe(409);
    expect(JSON.stringify(again.result)).toContain('nothing to open a terminal in');
  });
});
