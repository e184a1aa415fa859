import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalOutput, TerminalView } from '../../../../src-shared/contract/index.ts';
import { waitingAcpAgentScript } from '../../../../test/kit/acp-waiting-agent.ts';
import { eventually, call as local } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { listeningReadme } from './testing/waiting-task.ts';

const sandbox = await sandboxStatus();

/**
 * The desktop window's way to a terminal, as its main process gives it (src-main/electron/main.ts):
 * `terminals.attach` and `terminals.input` through the contract (its IPC), the shell's output and
 * end to `terminalOutput` (sent to the window alone, never on the bus). Real sandbox, real
 * pseudo-terminal, a real coding task's worktree.
 */
describe.skipIf(!sandbox.available)('a terminal in the desktop window', () => {
  let app: BatonApp;
  let dataDir: string;
  let scripts: string;
  let repo: TempRepo;
  let runId: string;
  let tree = '';
  const outs: TerminalOutput[] = [];
  const printed = () => outs.map((o) => o.data ?? '').join('');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'baton-terminal-desktop-'));
    scripts = mkdtempSync(join(tmpdir(), 'baton-terminal-desktop-agent-'));
    writeFileSync(join(scripts, 'agent.mjs'), waitingAcpAgentScript);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    app = createApp({ dataDir, log: () => {}, terminalOutput: (o) => void outs.push(o) });
    runId = await listeningReadme(app, repo.repo, join(scripts, 'agent.mjs'), 'Tidy the README.');
    tree = (await local<{ dir: string }[]>(app, 'runs.sessions', { run_id: runId }))[0]!.dir;
  }, 120_000);

  afterAll(async () => {
    if (tree) writeFileSync(join(tree, 'go'), '');
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (scripts) rmSync(scripts, { recursive: true, force: true });
    repo?.cleanup();
  });

  it('attaches, takes keys, sends the output in order, and says when the shell ends', async () => {
    const t = await local<TerminalView>(app, 'terminals.open', { run_id: runId, task_id: 'readme' });
    await expect(
      local(app, 'terminals.input', { terminal_id: t.terminal_id, input: { type: 'input', data: 'ls\r' } }),
    ).rejects.toThrow(`terminal "${t.terminal_id}" is not attached: attach it first`);
    expect(await local(app, 'terminals.attach', { terminal_id: t.terminal_id, cols: 100, rows: 30 })).toEqual(
      {
        attached: true,
      },
    );
    const type = (data: string) =>
      local(app, 'terminals.input', { terminal_id: t.terminal_id, input: { type: 'input', data } });
    await type('echo hi > f.txt; cat f.txt\r');
    await eventually(() => /[\r\n]hi\r\n/.test(printed()), 30_000, 'hi');
    await local(app, 'terminals.input', {
      terminal_id: t.terminal_id,
      input: { type: 'resize', cols: 50, rows: 10 },
    });
    // The size reaches the shell a moment after (script is told by a signal): asked again until it has.
    let asked = 0;
    await eventually(
      async () => {
        if (/10 50\r\n/.test(printed())) return true;
        const answered = printed().match(/^\d+ \d+\r$/gm)?.length ?? 0;
        if (answered >= asked) {
          asked++;
          await type('stty size\r');
        }
        return false;
      },
      30_000,
      'the new size',
    );
    expect(outs.map((o) => o.seq)).toEqual(outs.map((_, i) => i));
    expect(new Set(outs.map((o) => o.terminal_id))).toEqual(new Set([t.terminal_id]));
    await type('exit\r');
    await eventually(() => outs.some((o) => o.ended !== undefined), 30_000, 'the end');
    expect(outs.at(-1)?.ended).toBe('the shell exited (0)');
    expect(readFileSync(join(tree, 'f.txt'), 'utf8')).toBe('hi\n');
    const done = await local<{ commit: string | null }>(app, 'terminals.commit', {
      terminal_id: t.terminal_id,
      after: 'go_on',
    });
    expect(done.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});
