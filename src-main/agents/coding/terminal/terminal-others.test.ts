import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalOutcome, TerminalView } from '../../../../src-shared/contract/index.ts';
import type { RunDetail } from '../../../../src-shared/schemas/run.ts';
import type { TurnState } from '../../../../src-shared/steering.ts';
import { waitingAcpAgent, waitingAcpAgentScript } from '../../../../test/kit/acp-waiting-agent.ts';
import { eventually, call as local } from '../../../../test/kit/engine-kit.ts';
import { startOnTempDir } from '../../../../test/kit/host-kit.ts';
import { cookieOf, fromPage, post, rpc } from '../../../../test/kit/people-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import type { BrowserHost } from '../../../host/browser/server.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { terminalSocket } from './testing/terminal-socket.ts';

const sandbox = await sandboxStatus();

// Its later turns write in the worktree at once, then work (until `go2`, or a cancel).
const script = waitingAcpAgentScript.replace(
  "    // the turn's work",
  `    if (turns > 1) { appendFileSync(cwd + '/agent-wrote.txt', 'turn ' + turns + '\\n'); while (!existsSync(cwd + '/go2') && !cancelled) await new Promise((r) => setTimeout(r, 50)); }
    // the turn's work`,
);

/**
 * A person's terminal while others act on its task, with real parts (an ACP agent whose later
 * turns write in the worktree, a real git worktree, the OS sandbox, the browser host's socket):
 * nobody else lets the agent go or reverts the worktree under it, the opener is the author of
 * what is committed whoever decides, and a task that ends before the socket comes gets no shell.
 */
describe.skipIf(!sandbox.available)('a terminal while others act on its task', () => {
  let app: BatonApp;
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let port: number;
  let repo: TempRepo;
  let scripts: string;
  let runId: string;
  let tree: string;
  let otto: Record<string, string>;
  const ref = () => ({ run_id: runId, task_id: 'readme' });
  const owner = () => ({ Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: tree, encoding: 'utf8' }).trim();
  const prompts = () => readFileSync(join(tree, 'prompts.log'), 'utf8');
  const ok = async <T>(method: string, input: unknown, headers: Record<string, string>): Promise<T> => {
    const r = await rpc(port, method, input, headers);
    expect(r.status, `${method}: ${JSON.stringify(r.result)}`).toBe(200);
    return (r.result as { value: T }).value;
  };

  beforeAll(async () => {
    scripts = mkdtempSync(join(tmpdir(), 'baton-terminal-others-'));
    writeFileSync(join(scripts, 'agent.mjs'), script);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    const started = await startOnTempDir((_dir, a) => ({ people: a.people, terminals: a.terminals }));
    ({ app, host, stop } = started);
    port = host.port;
    await local(app, 'people.setupOwner', { name: 'Ana Lima' });
    await local(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await local(app, 'agents.import', { agents: [waitingAcpAgent(join(scripts, 'agent.mjs'))] });
    // A second task keeps the run going once `readme` is cancelled.
    await local(app, 'plans.import', {
      plan: {
        plan_id: 'two',
        workspace: 'app',
        tasks: [
          { task_id: 'readme', description: 'Tidy the README.', required_skills: ['code'] },
          { task_id: 'other', description: 'Something else.', required_skills: ['code'] },
        ],
      },
    });
    runId = (await local<{ run_id: string }>(app, 'runs.start', { plan_id: 'two' })).run_id;
    await eventually(
      async () => (await local(app, 'runs.listening', ref())) !== null,
      60_000,
      'the agent listening',
    );
    tree = (await local<{ task_id: string; dir: string }[]>(app, 'runs.sessions', { run_id: runId })).find(
      (s) => s.task_id === 'readme',
    )!.dir;
    await eventually(() => existsSync(join(tree, 'prompts.log')), 30_000, "the agent's first turn");
    const { result } = await rpc(port, 'people.invite', { role: 'member' }, owner());
    const secret = (result as { value: { secret: string } }).value.secret;
    const joined = await post(
      port,
      '/auth/join',
      { invite: secret, name: 'Otto', password: 'Otto-long-password' },
      fromPage(port),
    );
    otto = fromPage(port, cookieOf(joined));
  }, 120_000);

  afterAll(async () => {
    const sessions = runId ? await local<{ dir: string }[]>(app, 'runs.sessions', { run_id: runId }) : [];
    for (const { dir } of sessions) if (existsSync(dir)) writeFileSync(join(dir, 'go'), '');
    if (tree && existsSync(tree)) writeFileSync(join(tree, 'go2'), '');
    await stop?.();
    rmSync(scripts, { recursive: true, force: true });
    repo?.cleanup();
  });

  it('lets nobody else resume the agent or revert the worktree while its opener types', async () => {
    const terminal = await ok<TerminalView>('terminals.open', ref(), owner());
    expect(terminal.agent_held).toBe(true);
    writeFileSync(join(tree, 'mine.txt'), 'by Ana\n');
    writeFileSync(join(tree, 'README.md'), '# edited by Ana\n');

    // Otto's Resume is refused, naming whose terminal holds the agent; it stays paused.
    const resumed = await rpc(port, 'runs.resume', ref(), otto);
    expect(resumed.status).toBe(409);
    expect(JSON.stringify(resumed.result)).toContain("held by Ana Lima's terminal (Take over)");
    // The state says whose terminal keeps it (the task panel offers no Resume then).
    expect(await local<TurnState>(app, 'runs.turns', ref())).toMatchObject({
      held: 'paused',
      by: 'Ana Lima',
      kept_by: expect.stringContaining("Ana Lima's terminal (Take over)"),
    });
    // His words wait for the agent's next turn, and do not let it go either.
    const said = await ok<{ says: string }>('runs.say', { ...ref(), text: 'Otto says hello' }, otto);
    expect(said.says).toContain('queued for the next turn');
    expect(await local<TurnState>(app, 'runs.turns', ref())).toMatchObject({ held: 'paused' });

    // His revert is refused too: what Ana changed stays.
    const cps = await ok<{ attempt: number; turn: number }[]>('runs.checkpoints', ref(), otto);
    expect(cps.length).toBeGreaterThan(0);
    const reverted = await rpc(
      port,
      'runs.revertToTurn',
      { ...ref(), attempt: cps[0]!.attempt, turn: cps[0]!.turn },
      otto,
    );
    expect(reverted.status, JSON.stringify(reverted.result)).toBe(409);
    expect(JSON.stringify(reverted.result)).toContain("Ana Lima's terminal open in its worktree");
    expect(readFileSync(join(tree, 'mine.txt'), 'utf8')).toBe('by Ana\n');
    expect(readFileSync(join(tree, 'README.md'), 'utf8')).toBe('# edited by Ana\n');
    expect((await ok<TerminalView>('terminals.get', ref(), owner())).agent_held).toBe(true);

    // Ana's choice lets it go: her commit holds her files alone, and the agent's next turn has both words.
    await ok('terminals.close', { terminal_id: terminal.terminal_id }, owner());
    const outcome = await ok<TerminalOutcome>(
      'terminals.commit',
      { terminal_id: terminal.terminal_id, message: 'Mine', after: 'go_on' },
      owner(),
    );
    expect(git('log', '-1', '--format=%an|%s', outcome.commit!)).toBe('Ana Lima|Mine');
    expect(git('show', '--name-only', '--format=', outcome.commit!).split('\n').sort()).toEqual([
      'README.md',
      'mine.txt',
    ]);
    await eventually(() => prompts().includes('--- turn 2'), 30_000, "the agent's next turn");
    const turn2 = prompts().split('--- turn 2')[1]!;
    expect(turn2).toContain('Otto says hello');
    expect(turn2).toContain('Ana Lima took over in a terminal and changed 2 files');
    await eventually(() => existsSync(join(tree, 'agent-wrote.txt')), 30_000, 'the agent writing');
  }, 120_000);

  it('commits another member’s terminal, decided by an admin, as the opener’s; others are told each change', async () => {
    // What a task panel showing the task hears: it asks whose terminal holds it at each.
    const heard: string[] = [];
    const off = app.bus.subscribe(
      (batch) => {
        for (const e of batch)
          if (e.name === 'terminal.changed' && e.payload.task_id === 'readme')
            void local<TerminalView | null>(app, 'terminals.get', ref()).then((t) =>
              heard.push(t ? `${t.by} ${t.state}` : 'none'),
            );
      },
      ['terminal.changed'],
    );
    const terminal = await ok<TerminalView>('terminals.open', ref(), otto);
    expect(terminal).toMatchObject({ by: 'Otto', agent_held: true });
    await eventually(() => heard.includes('Otto open'), 30_000, 'told the terminal opened');
    writeFileSync(join(tree, 'ottos.txt'), 'typed by Otto\n');
    await ok('terminals.close', { terminal_id: terminal.terminal_id }, owner());
    await eventually(() => heard.includes('Otto closed'), 30_000, 'told its shell ended');
    const outcome = await ok<TerminalOutcome>(
      'terminals.commit',
      { terminal_id: terminal.terminal_id, after: 'go_on' },
      owner(),
    );
    await eventually(() => heard.at(-1) === 'none', 30_000, 'told it was decided');
    off();
    expect(heard).toEqual(['Otto open', 'Otto closed', 'none']);
    expect(git('log', '-1', '--format=%an <%ae>|%s', outcome.commit!)).toBe(
      'Otto <otto@baton.local>|Otto took over task "readme" in a terminal',
    );
    expect(git('show', '--name-only', '--format=', outcome.commit!)).toBe('ottos.txt');
    await eventually(() => prompts().includes('--- turn 3'), 30_000, "the agent's next turn");
    expect(prompts().split('--- turn 3')[1]).toContain('Otto took over in a terminal and changed 1 file');
  }, 120_000);

  it('gives no shell to a task that ended before its socket came, and says the agent is no longer held', async () => {
    const terminal = await ok<TerminalView>('terminals.open', ref(), owner());
    expect(terminal.agent_held).toBe(true);
    await ok('runs.cancelTask', ref(), owner());
    await eventually(
      async () =>
        (await local<RunDetail>(app, 'runs.get', { run_id: runId })).tasks.find((t) => t.task_id === 'readme')
          ?.status === 'cancelled',
      30_000,
      'the task cancelled',
    );
    const now = await ok<TerminalView>('terminals.get', ref(), owner());
    expect(now.agent_held).toBe(false);
    expect(now.agent_note).toContain('The agent is no longer held');

    const s = terminalSocket(port, terminal.socket_path, { token: host.token });
    const closed = await s.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toContain('ended: it is cancelled');
    expect(s.output()).toBe('');

    // Its choice says what became of the agent, instead of nothing.
    const outcome = await ok<TerminalOutcome>(
      'terminals.commit',
      { terminal_id: terminal.terminal_id, commit: false, after: 'go_on' },
      owner(),
    );
    expect(outcome.said).toContain('the agent was not told');
    expect(outcome.said).toContain('it was not let go on');
  }, 120_000);
});
