import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { terminalSocket } from '../../src-main/agents/coding/terminal/testing/terminal-socket.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { sandboxStatus } from '../../src-main/sandbox/index.ts';
import { startServe } from '../e2e/serve-process.ts';
import { waitingAcpAgent, waitingAcpAgentScript } from '../kit/acp-waiting-agent.ts';
import { eventually } from '../kit/engine-kit.ts';
import { rpc } from '../kit/people-kit.ts';

const sandbox = await sandboxStatus();
const TOKEN = 'a-fixed-token-for-the-terminal-stop-test-0123456789';

/**
 * `baton serve` asked to stop (SIGTERM, as Ctrl-C's SIGINT) while a person's terminal socket is
 * open, the page never closing it: it exits, its terminal's socket told why and its shell ended.
 */
describe.skipIf(!sandbox.available)('baton serve stopped with a terminal open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-serve-terminal-'));
  const scripts = mkdtempSync(join(tmpdir(), 'baton-serve-terminal-agent-'));
  const repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  let kill: (() => void) | undefined;
  let tree = '';
  afterAll(() => {
    kill?.();
    if (tree && existsSync(tree)) writeFileSync(join(tree, 'go'), '');
    rmSync(dir, { recursive: true, force: true });
    rmSync(scripts, { recursive: true, force: true });
    repo.cleanup();
  });

  it('exits on SIGTERM, ending the terminal’s socket and its shell', async () => {
    writeFileSync(join(scripts, 'agent.mjs'), waitingAcpAgentScript);
    process.env.BATON_TOKEN = TOKEN;
    const server = await startServe(dir, 0).finally(() => delete process.env.BATON_TOKEN);
    kill = () => server.child.kill('SIGKILL');
    const exited = new Promise<number | null>((resolve) =>
      server.child.once('exit', (code) => resolve(code)),
    );
    const port = Number(new URL(server.url).port);
    const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const ok = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await rpc(port, method, input, auth);
      expect(r.status, `${method}: ${JSON.stringify(r.result)}`).toBe(200);
      return (r.result as { value: T }).value;
    };
    await ok('workspaces.add', { id: 'app', path: repo.repo });
    await ok('agents.import', { agents: [waitingAcpAgent(join(scripts, 'agent.mjs'))] });
    await ok('plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'x', required_skills: ['code'] }],
      },
    });
    const runId = (await ok<{ run_id: string }>('runs.start', { plan_id: 'p' })).run_id;
    const ref = { run_id: runId, task_id: 't' };
    await eventually(async () => (await ok('runs.listening', ref)) !== null, 60_000, 'the agent listening');
    tree = (await ok<{ dir: string }[]>('runs.sessions', { run_id: runId }))[0]!.dir;
    await eventually(() => existsSync(join(tree, 'prompts.log')), 30_000, "the agent's first turn");
    const terminal = await ok<{ terminal_id: string; socket_path: string }>('terminals.open', ref);
    const s = terminalSocket(port, terminal.socket_path, { token: TOKEN });
    await s.opened;
    s.type('echo UP-$((3+3))');
    await eventually(() => s.output().includes('UP-6'), 10_000, 'the shell answering');
    const marker = `BATON_ATTEMPT=terminal/${terminal.terminal_id}`;
    const carrying = () =>
      execFileSync('sh', ['-c', `grep -l -a -F '${marker}' /proc/[0-9]*/environ 2>/dev/null || true`], {
        encoding: 'utf8',
      }).trim();
    expect(carrying()).not.toBe('');

    server.child.kill('SIGTERM');
    expect(await s.closed).toEqual({ code: 1001, reason: 'Baton is closing' });
    expect(await exited).toBe(0);
    expect(carrying()).toBe('');
  }, 150_000);
});
