import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '../../../../src-shared/contract/index.ts';
import { waitingAcpAgentScript } from '../../../../test/kit/acp-waiting-agent.ts';
import { eventually, call as local } from '../../../../test/kit/engine-kit.ts';
import { startOnTempDir } from '../../../../test/kit/host-kit.ts';
import { rpc } from '../../../../test/kit/people-kit.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { terminalSocket } from './testing/terminal-socket.ts';
import { listeningReadme } from './testing/waiting-task.ts';

const sandbox = await sandboxStatus();

/** The processes carrying a terminal's marker (its shell and what it started), by their environ files. */
const carrying = (terminalId: string): string[] =>
  execFileSync(
    'sh',
    ['-c', `grep -l -a -F 'BATON_ATTEMPT=terminal/${terminalId}' /proc/[0-9]*/environ 2>/dev/null || true`],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter((line) => line !== '');

/**
 * The browser host closing while a person's terminal socket is open (`baton serve` asked to stop),
 * with a real shell in the OS sandbox: the host's close ends the socket, which ends the shell,
 * instead of waiting for the page to go away.
 */
describe.skipIf(!sandbox.available)('a terminal as the browser host closes', () => {
  const scripts = mkdtempSync(join(tmpdir(), 'baton-terminal-close-'));
  const repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  let tree = '';
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    if (tree && existsSync(tree)) writeFileSync(join(tree, 'go'), '');
    await stop?.();
    rmSync(scripts, { recursive: true, force: true });
    repo.cleanup();
  });

  it('ends the terminal’s socket and its shell, and closes', async () => {
    writeFileSync(join(scripts, 'agent.mjs'), waitingAcpAgentScript);
    const started = await startOnTempDir((_dir, a) => ({ people: a.people, terminals: a.terminals }));
    const { app, host } = started;
    stop = started.stop;
    await local(app, 'people.setupOwner', { name: 'Ana Lima' });
    const runId = await listeningReadme(app, repo.repo, join(scripts, 'agent.mjs'));
    const ref = { run_id: runId, task_id: 'readme' };
    tree = (await local<{ dir: string }[]>(app, 'runs.sessions', { run_id: runId }))[0]!.dir;
    await eventually(() => existsSync(join(tree, 'prompts.log')), 30_000, "the agent's first turn");
    const auth = { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' };
    const opened = await rpc(host.port, 'terminals.open', ref, auth);
    expect(opened.status, JSON.stringify(opened.result)).toBe(200);
    const terminal = (opened.result as { value: TerminalView }).value;
    const s = terminalSocket(host.port, terminal.socket_path, { token: host.token });
    await s.opened;
    s.type('echo UP-$((3+3))');
    await eventually(() => s.output().includes('UP-6'), 10_000, 'the shell answering');
    expect(carrying(terminal.terminal_id).length).toBeGreaterThan(0);

    // The page never closes its socket: the host's close does, telling it why.
    await host.close();
    expect(await s.closed).toEqual({ code: 1001, reason: 'Baton is closing' });
    await eventually(() => carrying(terminal.terminal_id).length === 0, 10_000, 'the shell ended');
    stop = async () => {
      await app.close();
      rmSync(started.dir, { recursive: true, force: true });
    };
  }, 120_000);
});
