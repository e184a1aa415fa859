import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentContext } from '@agentclientprotocol/sdk';
import { agent as agentApp } from '@agentclientprotocol/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX } from '../../../../src-shared/schemas/sandbox.ts';
import { stopMarkedTrees } from '../../../processes/process-tree.ts';
import type { Blocked } from '../../../sandbox/index.ts';
import { clientSide } from './acp-client.ts';
import { AcpTerminals } from './terminals.ts';
import { AcpTrace } from './trace.ts';

// Real commands in the real OS sandbox (bubblewrap), asked for by an in-memory agent written with
// the SDK's agent side over Baton's client side.
const MARKER = 'test/acp-terminals';
let dir: string;
let worktree: string;
let terminals: AcpTerminals;
let refused: { blocked: Blocked[]; process: string }[];
let client: AgentContext;
let close: () => void;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-acp-terminals-'));
  worktree = join(dir, 'tree');
  mkdirSync(join(worktree, 'sub'), { recursive: true });
  refused = [];
  terminals = new AcpTerminals({
    worktree,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: worktree },
    policy: DEFAULT_SANDBOX,
    hide: [],
    owner: 'agent "coder"',
    marker: MARKER,
    graceMs: 200,
    refused: (blocked, process) => refused.push({ blocked, process }),
  });
  const ctx = { agent: { id: 'coder', kind: 'coding', cli: 'acp', protocol: 'acp', args: [], env: {} } };
  const side = clientSide(
    ctx as never,
    worktree,
    new AcpTrace({ startSeq: 1, now: () => 0 }),
    () => {},
    new AbortController().signal,
    terminals,
  );
  const conn = agentApp().connect(side.app);
  client = conn.client;
  close = () => conn.close();
});
afterEach(async () => {
  await terminals.closeAll();
  close();
  rmSync(dir, { recursive: true, force: true });
});

const create = (command: string, args: string[], more: Record<string, unknown> = {}) =>
  client.request('terminal/create', { sessionId: 's', command, args, ...more });

describe.runIf(process.platform === 'linux')("Baton's ACP terminals", () => {
  it('run a command without a shell in the worktree: its output, then how it exited', async () => {
    const { terminalId } = await create('sh', ['-c', 'pwd; echo to-stderr >&2; exit 3']);
    const exit = await client.request('terminal/wait_for_exit', { sessionId: 's', terminalId });
    expect(exit).toMatchObject({ exitCode: 3, signal: null });
    const out = await client.request('terminal/output', { sessionId: 's', terminalId });
    expect(out).toMatchObject({ truncated: false, exitStatus: { exitCode: 3, signal: null } });
    expect(out.output).toContain(worktree);
    expect(out.output).toContain('to-stderr');
    // A folder inside the worktree, and the agent's environment.
    const sub = await create('sh', ['-c', 'pwd; echo "$GREETING"'], {
      cwd: join(worktree, 'sub'),
      env: [{ name: 'GREETING', value: 'hello' }],
    });
    await client.request('terminal/wait_for_exit', { sessionId: 's', ...sub });
    const subOut = await client.request('terminal/output', { sessionId: 's', ...sub });
    expect(subOut.output).toBe(`${join(worktree, 'sub')}\nhello\n`);
    // Without a shell: the command line is one program's name, not run by `sh`.
    await expect(create('echo hi; touch x', [])).rejects.toThrow(/cannot start "echo hi; touch x"/);
    expect(existsSync(join(worktree, 'x'))).toBe(false);
    await client.request('terminal/release', { sessionId: 's', terminalId });
    await expect(client.request('terminal/output', { sessionId: 's', terminalId })).rejects.toThrow(
      /no terminal "term-1"/,
    );
  });

  it('refuses a cwd outside the worktree', async () => {
    await expect(create('ls', [], { cwd: dir })).rejects.toThrow(/outside the task’s worktree/);
    await expect(create('ls', [], { cwd: join(worktree, '..', '..') })).rejects.toThrow(/outside/);
    // Each refusal is a step: what was to run, and where.
    expect(
      refused.map((r) => [r.process, r.blocked.map((b) => [b.blocked, b.target, b.seen_by, b.text])]),
    ).toEqual([
      [
        'terminal ls',
        [['run', dir, 'baton', `sandbox: command refused outside the worktree, in ${dir}: ls`]],
      ],
      [
        'terminal ls',
        [
          [
            'run',
            join(worktree, '..', '..'),
            'baton',
            `sandbox: command refused outside the worktree, in ${join(worktree, '..', '..')}: ls`,
          ],
        ],
      ],
    ]);
    await expect(create('ls', [], { cwd: 'sub' })).rejects.toThrow(/absolute path/);
  });

  it('runs in the sandbox: a write outside the worktree is refused and reported', async () => {
    const outside = join(dir, 'escaped.txt');
    const { terminalId } = await create(process.execPath, [
      '-e',
      `require('fs').writeFileSync('mine.txt', 'ok'); require('fs').writeFileSync(${JSON.stringify(outside)}, 'no')`,
    ]);
    const exit = await client.request('terminal/wait_for_exit', { sessionId: 's', terminalId });
    expect(exit.exitCode).not.toBe(0);
    expect((await client.request('terminal/output', { sessionId: 's', terminalId })).output).toMatch(/EROFS/);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(join(worktree, 'mine.txt'))).toBe(true);
    await client.request('terminal/release', { sessionId: 's', terminalId });
    await expect
      .poll(() => refused.flatMap((r) => r.blocked.map((b) => `${r.process}: ${b.text}`)))
      .toEqual([
        expect.stringMatching(
          new RegExp(`^terminal .*node -e .*: sandbox: write outside the folder refused: ${outside}$`),
        ),
      ]);
  });

  it('kill stops a long-running command and every process it started; the output stays', async () => {
    const { terminalId } = await create('sh', ['-c', '(sleep 300; touch late) & echo waiting; sleep 300']);
    await expect
      .poll(async () => (await client.request('terminal/output', { sessionId: 's', terminalId })).output)
      .toBe('waiting\n');
    await client.request('terminal/kill', { sessionId: 's', terminalId });
    const out = await client.request('terminal/output', { sessionId: 's', terminalId });
    expect(out.output).toBe('waiting\n');
    expect(out.exitStatus).not.toBeNull();
    expect(await stopMarkedTrees((m) => m.startsWith(`${MARKER}/`), 0)).toBe(0);
    expect(readdirSync(worktree)).not.toContain('late');
  });

  it('closeAll at the end of the attempt leaves no process, and starts no new terminal', async () => {
    await create('sleep', ['300']);
    await create('sh', ['-c', 'sleep 300 & sleep 300']);
    await terminals.closeAll();
    expect(await stopMarkedTrees((m) => m.startsWith(`${MARKER}/`), 0)).toBe(0);
    await expect(create('true', [])).rejects.toThrow(/the attempt has ended/);
  });

  it('keeps the output to the byte limit, cut from the beginning at a character boundary', async () => {
    // "abcdéfg": é is two bytes; the last 3 bytes start inside it, so only "fg" is whole.
    const { terminalId } = await create('printf', ['abcdéfg'], { outputByteLimit: 3 });
    await client.request('terminal/wait_for_exit', { sessionId: 's', terminalId });
    expect(await client.request('terminal/output', { sessionId: 's', terminalId })).toMatchObject({
      output: 'fg',
      truncated: true,
    });
    const four = await create('printf', ['abcdéfg'], { outputByteLimit: 4 });
    await client.request('terminal/wait_for_exit', { sessionId: 's', ...four });
    expect((await client.request('terminal/output', { sessionId: 's', ...four })).output).toBe('éfg');
    const big = await create(process.execPath, ['-e', 'process.stdout.write("x".repeat(100000) + "end")'], {
      outputByteLimit: 10,
    });
    await client.request('terminal/wait_for_exit', { sessionId: 's', ...big });
    expect(await client.request('terminal/output', { sessionId: 's', ...big })).toMatchObject({
      output: 'xxxxxxxend',
      truncated: true,
    });
  });
});
