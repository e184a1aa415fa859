import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type {
  TerminalChanges,
  TerminalOutcome,
  TerminalView,
} from '../../../../src-shared/contract/index.ts';
import type { RunDetail } from '../../../../src-shared/schemas/run.ts';
import {
  waitingAcpAgent,
  waitingAcpAgentScript,
  windingDownAcpAgentScript,
} from '../../../../test/kit/acp-waiting-agent.ts';
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

/**
 * Take over in a terminal, with real parts: a real git worktree of a coding task whose ACP agent
 * runs (and waits), the real OS sandbox (bubblewrap), a real pseudo-terminal, the browser host's
 * WebSocket on 127.0.0.1. What the person types runs in the worktree; writes outside it and the
 * network its agent's policy denies fail; their commit lands on the task's branch in their name,
 * and the agent is told.
 */
describe.skipIf(!sandbox.available)('a terminal in a coding task’s worktree', () => {
  let app: BatonApp;
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let port: number;
  let repo: TempRepo;
  let scripts: string;
  let runId: string;
  let tree: string;
  let terminal: TerminalView;
  /** The environ files of the processes the terminal started (its marker is in their environment). */
  const carrying = (): string[] => {
    const marker = `BATON_ATTEMPT=terminal/${terminal.terminal_id}`;
    return execFileSync('sh', ['-c', `grep -l -a -F '${marker}' /proc/[0-9]*/environ 2>/dev/null || true`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line !== '');
  };
  /** Whether one of them runs `argv` now. */
  const running = (argv: string[]): boolean =>
    carrying().some((environ) => {
      try {
        return readFileSync(environ.replace(/environ$/, 'cmdline'), 'utf8') === `${argv.join('\0')}\0`;
      } catch {
        return false; // It ended meanwhile.
      }
    });
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.end('reached');
  });
  const outside = join(tmpdir(), `baton-terminal-outside-${process.pid}`);
  const inHome = join(homedir(), '.claude', `baton-terminal-test-${process.pid}`);
  const owner = () => ({ Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' });

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    scripts = mkdtempSync(join(tmpdir(), 'baton-terminal-agent-'));
    writeFileSync(join(scripts, 'agent.mjs'), waitingAcpAgentScript);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    const started = await startOnTempDir((_dir, a) => ({ people: a.people, terminals: a.terminals }));
    ({ app, host, stop } = started);
    port = host.port;
    await local(app, 'people.setupOwner', { name: 'Ana Lima' });
    await local(app, 'workspaces.add', { id: 'app', path: repo.repo });
    writeFileSync(join(scripts, 'slow.mjs'), windingDownAcpAgentScript);
    await local(app, 'agents.import', {
      agents: [
        waitingAcpAgent(join(scripts, 'agent.mjs')),
        { ...waitingAcpAgent(join(scripts, 'slow.mjs')), id: 'slow', skills: ['slow'] },
      ],
    });
    await local(app, 'plans.import', {
      plan: {
        plan_id: 'slow',
        workspace: 'app',
        tasks: [{ task_id: 'slow', description: 'Tidy slowly.', required_skills: ['slow'] }],
      },
    });
    await local(app, 'plans.import', {
      plan: {
        plan_id: 'readme',
        workspace: 'app',
        tasks: [{ task_id: 'readme', description: 'Tidy the README.', required_skills: ['code'] }],
      },
    });
    runId = (await local<{ run_id: string }>(app, 'runs.start', { plan_id: 'readme' })).run_id;
    await eventually(
      async () => (await local(app, 'runs.listening', { run_id: runId, task_id: 'readme' })) !== null,
      60_000,
      'the agent listening',
    );
    tree = (await local<{ task_id: string; dir: string }[]>(app, 'runs.sessions', { run_id: runId }))[0]!.dir;
    await eventually(() => existsSync(join(tree, 'prompts.log')), 30_000, "the agent's first turn");
  }, 120_000);

  const sockets: { close(): void }[] = [];
  afterAll(async () => {
    for (const s of sockets) s.close();
    if (tree && existsSync(tree)) writeFileSync(join(tree, 'go'), '');
    await stop?.();
    await new Promise((r) => server.close(r));
    rmSync(scripts, { recursive: true, force: true });
    rmSync(outside, { force: true });
    rmSync(inHome, { force: true });
    repo?.cleanup();
  });

  it('opens one terminal per task, in the agent’s sandbox', async () => {
    const opened = await rpc(port, 'terminals.open', { run_id: runId, task_id: 'readme' }, owner());
    expect(opened.status, JSON.stringify(opened.result)).toBe(200);
    terminal = (opened.result as { value: TerminalView }).value;
    expect(terminal).toMatchObject({
      by: 'Ana Lima',
      dir: tree,
      state: 'open',
      sandboxed: true,
      agent_held: true,
    });
    expect(terminal.agent_note).toContain('The agent is paused while you type');
    // Paused first, and its stopped turn ended (its last write done) before the terminal opened.
    expect(await local(app, 'runs.turns', { run_id: runId, task_id: 'readme' })).toMatchObject({
      held: 'paused',
      by: 'Ana Lima',
      between_turns: true,
    });
    expect(readFileSync(join(tree, 'prompts.log'), 'utf8')).toContain('--- turn 1 cancelled');
    expect(terminal.where).toContain(`it writes only ${tree}`);
    expect(terminal.where).toContain('reaches only no host');
    const again = await rpc(port, 'terminals.open', { run_id: runId, task_id: 'readme' }, owner());
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.result)).toContain('has your terminal already');
  });

  it('refuses the socket without the launch token, and a member who did not open it', async () => {
    const anonymous = new WebSocket(`ws://127.0.0.1:${port}${terminal.socket_path}`, ['baton']);
    const refused = await new Promise<number>((resolve) =>
      anonymous.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)),
    );
    expect(refused).toBe(401);
    // Another member, signed in with their own cookie: the terminal is not theirs.
    const { result } = await rpc(port, 'people.invite', { role: 'member' }, owner());
    const secret = (result as { value: { secret: string } }).value.secret;
    const joined = await post(
      port,
      '/auth/join',
      { invite: secret, name: 'Otto', password: 'Otto-long-password' },
      fromPage(port),
    );
    const otto = terminalSocket(port, terminal.socket_path, { cookie: cookieOf(joined) });
    await otto.opened;
    const closed = await otto.closed;
    expect(closed).toEqual({
      code: 4403,
      reason: `terminal "${terminal.terminal_id}" is Ana Lima's: only they can use it (an admin may close and decide it)`,
    });
    // A viewer may not even open one.
    const viewerInvite = await rpc(port, 'people.invite', { role: 'viewer' }, owner());
    const viewerJoined = await post(
      port,
      '/auth/join',
      {
        invite: (viewerInvite.result as { value: { secret: string } }).value.secret,
        name: 'Vic',
        password: 'Vic-long-password',
      },
      fromPage(port),
    );
    const viewerOpen = await rpc(
      port,
      'terminals.open',
      { run_id: runId, task_id: 'readme' },
      fromPage(port, cookieOf(viewerJoined)),
    );
    expect(viewerOpen.status).toBe(403);
    // Nor use one's socket, knowing its id.
    const vic = terminalSocket(port, terminal.socket_path, { cookie: cookieOf(viewerJoined) });
    await vic.opened;
    expect(await vic.closed).toEqual({
      code: 4403,
      reason: 'a terminal needs the role member; yours is viewer',
    });
  });

  it('runs what the person types in the worktree; nothing outside it is written or reached', async () => {
    const t = terminalSocket(port, terminal.socket_path, { token: host.token });
    sockets.push(t);
    await t.opened;
    t.type('echo hi > f.txt; cat f.txt');
    await eventually(() => /[\r\n]hi\r\n/.test(t.output()), 30_000, 'hi');
    expect(t.output()).toContain('[take over] ');
    t.type(`touch ${outside}; echo "outside=$?"`);
    await eventually(() => /outside=\d/.test(t.output()), 30_000, 'the touch outside');
    expect(t.output()).toMatch(/outside=1/);
    t.type(`mkdir -p ~/.claude; echo x > ${inHome}; echo "home=$?"`);
    await eventually(() => /home=\d/.test(t.output()), 30_000, 'the write to ~/.claude');
    expect(t.output()).toMatch(/home=1/);
    t.type(`curl -sf -m 5 http://127.0.0.1:${(server.address() as AddressInfo).port}/; echo "net=$?"`);
    await eventually(() => /net=\d+/.test(t.output()), 30_000, 'the connection');
    expect(t.output()).not.toMatch(/net=0\b/);
    // (the sandbox's filter answers 403 for the host, which curl -f says as 22)
    // Output past what may wait unsent (the shell is paused, then resumed) arrives whole.
    t.type('seq 1 400000; echo "seq=$?"');
    await eventually(() => /seq=0/.test(t.output()), 60_000, 'the long output');
    expect(t.output()).toContain('\r\n399999\r\n400000\r\n');
    // A new size from the page reaches the shell (asked again until it has: script is told by a signal).
    t.send(JSON.stringify({ type: 'resize', cols: 60, rows: 12 }), true);
    let asked = 0;
    await eventually(
      () => {
        if (/12 60\r\n/.test(t.output())) return true;
        const answered = t.output().match(/^\d+ \d+\r$/gm)?.length ?? 0;
        if (answered >= asked) {
          asked++;
          t.type('stty size');
        }
        return false;
      },
      30_000,
      'the new size',
    );
    // Ctrl-C stops the command running, not the terminal. Sent once `sleep` runs (the line's echo
    // comes before the shell has started it: a Ctrl-C then, on a busy machine, reached the shell
    // and the sleep ran its whole minute).
    t.type('sleep 60');
    await eventually(() => running(['sleep', '60']), 30_000, 'the sleep');
    t.send('\x03');
    t.type('echo "after=$?"');
    await eventually(() => /after=\d+/.test(t.output()), 30_000, 'Ctrl-C');
    expect(t.output()).toMatch(/after=130/);
    t.type('echo "path=$PATH"');
    await eventually(() => /path=\S+/.test(t.output()), 30_000, 'the PATH');
    expect(t.output().match(/path=(\S+)/)?.[1]).not.toContain('node_modules');
    t.close();
    expect((await t.closed).code).toBe(1005);
    expect(readFileSync(join(tree, 'f.txt'), 'utf8')).toBe('hi\n');
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(inHome)).toBe(false);
    expect(hits).toBe(0);
  });

  it('ends the shell when its socket closes: no process carries its marker', async () => {
    await eventually(() => carrying().length === 0, 30_000, 'the shell gone');
  });

  it('says what changed, commits it as the person’s, and tells the agent', async () => {
    const closed = await rpc(port, 'terminals.close', { terminal_id: terminal.terminal_id }, owner());
    expect(closed.status, JSON.stringify(closed.result)).toBe(200);
    expect((closed.result as { value: TerminalChanges }).value.files).toEqual(['f.txt']);
    const done = await rpc(
      port,
      'terminals.commit',
      { terminal_id: terminal.terminal_id, message: 'Say hi', after: 'go_on' },
      owner(),
    );
    expect(done.status, JSON.stringify(done.result)).toBe(200);
    const outcome = (done.result as { value: TerminalOutcome }).value;
    expect(outcome.commit).toMatch(/^[0-9a-f]{40}$/);
    // What the agent had left (its prompts.log) went first, as Baton's.
    expect(outcome.agent_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(outcome.said).toContain('queued for the next turn');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: tree, encoding: 'utf8' }).trim();
    expect(git('log', '-1', '--format=%an|%s')).toBe('Ana Lima|Say hi');
    expect(git('show', '--name-only', '--format=', 'HEAD')).toBe('f.txt');
    expect(git('show', '--name-only', '--format=', 'HEAD~1')).toBe('prompts.log');
    // The agent's last write as its turn was stopped is in Baton's commit of what it left, not the person's.
    expect(git('show', 'HEAD~1:prompts.log')).toContain('--- turn 1 cancelled');
    // Let go, the agent's next turn hears of it.
    await eventually(() => readFileSync(join(tree, 'prompts.log'), 'utf8').includes('--- turn 2'), 30_000);
    expect(readFileSync(join(tree, 'prompts.log'), 'utf8')).toContain(
      'Ana Lima took over in a terminal and changed 1 file: f.txt. They committed it as',
    );
    await app.engine.whenSettled(runId);
    const task = (await local<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(task.status, task.error ?? '').toBe('done');
    // Who took over, and what came of it, in the audit log.
    const audit = await local<{ actor: string; to_status: string | null; why: string }[]>(app, 'audit.list', {
      run_id: runId,
    });
    const took = audit.filter((e) => e.to_status?.startsWith('terminal'));
    expect(took.map((e) => [e.actor, e.to_status])).toEqual(
      expect.arrayContaining([
        ['Ana Lima', 'terminal opened'],
        ['Ana Lima', 'terminal closed'],
      ]),
    );
    expect(took.find((e) => e.to_status === 'terminal closed')?.why).toMatch(
      new RegExp(`^Ana Lima closed their terminal in task "readme": committed ${outcome.commit} on baton/`),
    );
    const gone = await rpc(port, 'terminals.get', { run_id: runId, task_id: 'readme' }, owner());
    expect((gone.result as { value: unknown }).value).toBeNull();
  });

  /** A new run of the plan whose agent waits in its first turn: its id and worktree. */
  async function waitingRun(): Promise<{ run: string; dir: string }> {
    const run = (await local<{ run_id: string }>(app, 'runs.start', { plan_id: 'readme' })).run_id;
    await eventually(
      async () => (await local(app, 'runs.listening', { run_id: run, task_id: 'readme' })) !== null,
      60_000,
      'the agent listening',
    );
    const dir = (await local<{ dir: string }[]>(app, 'runs.sessions', { run_id: run }))[0]!.dir;
    // In its first turn (a stop before it would be lost by this agent, which forgets a cancel at a turn's start).
    await eventually(() => existsSync(join(dir, 'prompts.log')), 30_000, "the agent's first turn");
    return { run, dir };
  }

  it('ends the shell when its task ends, and says so on the socket', async () => {
    const { run, dir } = await waitingRun();
    const opened = await rpc(port, 'terminals.open', { run_id: run, task_id: 'readme' }, owner());
    const view = (opened.result as { value: TerminalView }).value;
    const t = terminalSocket(port, view.socket_path, { token: host.token });
    sockets.push(t);
    await t.opened;
    t.type('echo "ready=1"');
    await eventually(() => /ready=1\r\n/.test(t.output()), 30_000, 'the shell');
    await local(app, 'runs.cancelTask', { run_id: run, task_id: 'readme' });
    expect(await t.closed).toEqual({ code: 4000, reason: 'task "readme" ended: it is cancelled' });
    const left = await rpc(port, 'terminals.get', { run_id: run, task_id: 'readme' }, owner());
    expect((left.result as { value: TerminalView }).value.state).toBe('closed');
    // The agent cannot be told (its task ended), and the answer says so. Nothing is committed:
    // what the agent wrote as its turn was cancelled, after the terminal opened, is among the
    // changes (take-over.md), and its worktree may be going with its ended run.
    const done = await rpc(
      port,
      'terminals.commit',
      { terminal_id: view.terminal_id, commit: false, after: 'go_on' },
      owner(),
    );
    expect(done.status, JSON.stringify(done.result)).toBe(200);
    const outcome = (done.result as { value: TerminalOutcome }).value;
    expect(outcome.said).toMatch(/^the agent was not told: task "readme" is not running: it is cancelled/);
    await app.engine.whenSettled(run);
    expect(dir).not.toBe('');
  });

  it('ends the task when the person says so, after committing their work', async () => {
    const { run, dir } = await waitingRun();
    // Two opens at once: one terminal, the other refused.
    const both = await Promise.all([
      rpc(port, 'terminals.open', { run_id: run, task_id: 'readme' }, owner()),
      rpc(port, 'terminals.open', { run_id: run, task_id: 'readme' }, owner()),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const opened = both.find((r) => r.status === 200)!;
    const view = (opened.result as { value: TerminalView }).value;
    writeFileSync(join(dir, 'notes.md'), 'by hand\n');
    const done = await rpc(
      port,
      'terminals.commit',
      { terminal_id: view.terminal_id, message: 'Notes by hand', after: 'end_task' },
      owner(),
    );
    expect(done.status, JSON.stringify(done.result)).toBe(200);
    const outcome = (done.result as { value: TerminalOutcome }).value;
    expect(outcome.said).toBe('task "readme" was ended');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    expect(git('log', '-1', '--format=%an|%s', outcome.commit!)).toBe('Ana Lima|Notes by hand');
    await app.engine.whenSettled(run);
    const task = (await local<RunDetail>(app, 'runs.get', { run_id: run })).tasks[0]!;
    expect(task.status).toBe('cancelled');
  });

  it('opens once the stopped turn has wound down: the agent’s last write is not among the person’s changes', async () => {
    const run = (await local<{ run_id: string }>(app, 'runs.start', { plan_id: 'slow' })).run_id;
    await eventually(
      async () =>
        (await local(app, 'runs.sessions', { run_id: run }).then((s) => (s as unknown[]).length)) > 0,
      60_000,
      'the worktree',
    );
    const dir = (await local<{ dir: string }[]>(app, 'runs.sessions', { run_id: run }))[0]!.dir;
    const prompts = () =>
      existsSync(join(dir, 'prompts.log')) ? readFileSync(join(dir, 'prompts.log'), 'utf8') : '';
    await eventually(() => prompts().includes('--- turn 1'), 30_000, "the agent's first turn");
    let opened = false;
    const opening = rpc(port, 'terminals.open', { run_id: run, task_id: 'slow' }, owner()).then((r) => {
      opened = true;
      return r;
    });
    // Its turn is told to stop, and winds down: the terminal waits for its end.
    await eventually(() => prompts().includes('cancel heard'), 30_000, 'the stop heard');
    expect(opened).toBe(false);
    writeFileSync(join(dir, 'wind-down'), '');
    const answer = await opening;
    expect(answer.status, JSON.stringify(answer.result)).toBe(200);
    const view = (answer.result as { value: TerminalView }).value;
    expect(view.agent_held).toBe(true);
    expect(existsSync(join(dir, 'late.txt'))).toBe(true);
    writeFileSync(join(dir, 'mine.txt'), 'typed\n');
    const closed = await rpc(port, 'terminals.close', { terminal_id: view.terminal_id }, owner());
    expect((closed.result as { value: TerminalChanges }).value.files).toEqual(['mine.txt']);
    const done = await rpc(
      port,
      'terminals.commit',
      { terminal_id: view.terminal_id, message: 'Mine', after: 'end_task' },
      owner(),
    );
    expect(done.status, JSON.stringify(done.result)).toBe(200);
    const outcome = (done.result as { value: TerminalOutcome }).value;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    expect(git('show', '--name-only', '--format=', outcome.commit!)).toBe('mine.txt');
    expect(git('show', '--name-only', '--format=', outcome.agent_commit!).split('\n')).toContain('late.txt');
    await app.engine.whenSettled(run);
  });

  it('holds an agent a person paused before as it is, and going on resumes it', async () => {
    const { run, dir } = await waitingRun();
    await local(app, 'runs.pause', { run_id: run, task_id: 'readme' });
    const opened = await rpc(port, 'terminals.open', { run_id: run, task_id: 'readme' }, owner());
    expect(opened.status, JSON.stringify(opened.result)).toBe(200);
    const view = (opened.result as { value: TerminalView }).value;
    expect(view.agent_held).toBe(true);
    expect(view.agent_note).toMatch(/^The agent is paused \(by Ana Lima since /);
    const done = await rpc(
      port,
      'terminals.commit',
      { terminal_id: view.terminal_id, commit: false, after: 'go_on' },
      owner(),
    );
    expect((done.result as { value: TerminalOutcome }).value.said).toContain('queued for the next turn');
    await eventually(() => readFileSync(join(dir, 'prompts.log'), 'utf8').includes('--- turn 2'), 30_000);
    expect(readFileSync(join(dir, 'prompts.log'), 'utf8')).toContain(
      'Ana Lima looked in the worktree in a terminal and changed nothing. Go on.',
    );
    await app.engine.whenSettled(run);
    expect(app.store.runs.task(run, 'readme')?.status).toBe('done');
  });

  it('says plainly that nothing can be committed once the task’s worktree was removed', async () => {
    const { run, dir } = await waitingRun();
    const opened = await rpc(port, 'terminals.open', { run_id: run, task_id: 'readme' }, owner());
    expect(opened.status, JSON.stringify(opened.result)).toBe(200);
    const view = (opened.result as { value: TerminalView }).value;
    writeFileSync(join(dir, 'by-hand.md'), 'typed\n');
    // Its run cancelled and ended, its worktree goes.
    await local(app, 'runs.cancel', { run_id: run });
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    await eventually(() => !existsSync(dir), 30_000, 'the worktree removed');
    const branch = view.branch;
    const tip = execFileSync('git', ['rev-parse', branch], { cwd: repo.repo, encoding: 'utf8' }).trim();
    const gone = `the worktree of task "readme" was removed after the terminal opened (the task is cancelled; its branch ${branch} keeps what was committed): what was changed there is gone, and nothing can be committed`;
    const closed = await rpc(port, 'terminals.close', { terminal_id: view.terminal_id }, owner());
    expect(closed.status, JSON.stringify(closed.result)).toBe(200);
    expect((closed.result as { value: TerminalChanges }).value).toMatchObject({ files: [], gone });
    const refused = await rpc(
      port,
      'terminals.commit',
      { terminal_id: view.terminal_id, message: 'Mine', after: 'go_on' },
      owner(),
    );
    expect(refused.status).toBe(409);
    expect(refused.result).toMatchObject({
      error: { code: 'conflict', message: `${gone}: choose again without committing` },
    });
    // Nothing written: the branch is where it was, and the terminal still waits for a choice.
    expect(execFileSync('git', ['rev-parse', branch], { cwd: repo.repo, encoding: 'utf8' }).trim()).toBe(tip);
    const waiting = await rpc(port, 'terminals.get', { run_id: run, task_id: 'readme' }, owner());
    expect((waiting.result as { value: TerminalView }).value.state).toBe('closed');
    const done = await rpc(
      port,
      'terminals.commit',
      { terminal_id: view.terminal_id, commit: false, after: 'end_task' },
      owner(),
    );
    expect(done.status, JSON.stringify(done.result)).toBe(200);
    expect((done.result as { value: TerminalOutcome }).value.commit).toBeNull();
  });

  it('refuses a terminal where there is no worktree, naming the field', async () => {
    const none = await rpc(port, 'terminals.open', { run_id: runId, task_id: 'nope' }, owner());
    expect(none.status).toBe(404);
    expect(none.result).toMatchObject({
      error: {
        code: 'not_found',
        message: `task "nope" of run "${runId}" has no worktree (not a coding task, or not started)`,
      },
    });
    const bad = await rpc(port, 'terminals.commit', { terminal_id: 'x', after: 'later' }, owner());
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.result)).toContain('after');
  });
});
