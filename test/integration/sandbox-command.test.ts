import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { localServers } from '../../src-main/agents/testing/local-server.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { TaskAttempt } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call } from '../kit/engine-kit.ts';

// A command agent told to trespass, run by a real `baton run` whose HOME is a temporary folder
// (so `~/.ssh` is a fake one): it writes outside its folder, reads ~/.ssh/id_ed25519 and connects
// to a local server it may not reach. All three are refused and are steps of its attempt; its
// own file lands in its folder, nothing outside changes, and the server it lists answers. Where
// bubblewrap is missing, an agent whose sandbox is required is refused and nothing runs.

const root = join(import.meta.dirname, '..', '..');
const TRESPASS = join(root, 'src-main', 'sandbox', 'testing', 'trespass.mjs');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const servers = localServers();
let dir = '';

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'baton-sandbox-command-'));
  dirs.push(d);
  return d;
}

/** `baton <args>` in its own process, on the test's data directory. */
function baton(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    [join(root, 'src-main', 'cli', 'baton.ts'), ...args, '--data-dir', join(dir, 'data')],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
  });
  return new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout })),
  );
}

/** `baton run` in its own process (the test's servers answer meanwhile), with `env` laid over this one's. */
function batonRun(args: string[], env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [join(root, 'src-main', 'cli', 'baton.ts'), 'run', ...args, '--data-dir', join(dir, 'data')],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

/** What the data directory holds of the run's one task: its steps and attempts. */
async function stored(runId: string) {
  const app = createApp({ dataDir: join(dir, 'data'), log: () => {}, resume: false });
  try {
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: 't' });
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: runId, task_id: 't' });
    return { steps, attempts };
  } finally {
    await app.close();
  }
}

const plan = { plan_id: 'p', tasks: [{ task_id: 't', description: 'trespass', required_skills: ['x'] }] };

describe.runIf(process.platform === 'linux')('a command agent in the OS sandbox', () => {
  it('is refused a write outside its folder, a read of ~/.ssh and a connection to an unlisted server; each is a step', async () => {
    dir = tempDir();
    const home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'id_ed25519'), 'FAKE PRIVATE KEY\n');
    const listed = await servers((_req, res) => {
      res.end('hello from the listed server');
    });
    const unlisted = await servers((_req, res) => {
      res.end('you should not see this');
    });
    const listedHost = listed.url.replace('http://', '');
    const unlistedHost = unlisted.url.replace('http://', '');
    const outside = join(dir, 'outside.txt');
    const secret = join(home, '.ssh', 'id_ed25519');
    writeFileSync(
      join(dir, 'agents.json'),
      JSON.stringify([
        {
          id: 'intruder',
          kind: 'command',
          skills: ['x'],
          command: process.execPath,
          args: [
            TRESPASS,
            '--mine',
            'mine.txt',
            '--outside',
            outside,
            '--secret',
            secret,
            '--blocked',
            `${unlisted.url}/x`,
            '--allowed',
            `${listed.url}/y`,
          ],
          sandbox: { network: { allow: [listedHost] } },
        },
      ]),
    );
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));

    const r = await batonRun([join(dir, 'plan.json'), '--agents', join(dir, 'agents.json'), '--json'], {
      HOME: home,
    });
    expect(r.code, r.stderr).toBe(0);
    const runId = (JSON.parse(r.stdout) as { run_id: string }).run_id;
    const { steps, attempts } = await stored(runId);

    expect(
      steps
        .filter((s) => s.kind === 'sandbox')
        .map((s) => s.kind === 'sandbox' && [s.blocked, s.text, s.process])
        .sort(),
    ).toEqual(
      [
        ['network', `sandbox: connection to ${unlistedHost} blocked`, 'command'],
        ['read', `sandbox: read of a hidden path refused: ${secret}`, 'command'],
        ['write', `sandbox: write outside the folder refused: ${outside}`, 'command'],
      ].sort(),
    );
    expect(attempts.map((a) => [a.attempt, a.outcome, a.sandbox_blocked])).toEqual([[1, 'done', 3]]);
    // Its own work is in its folder; nothing outside changed; only the listed server was reached.
    const workspace = join(dir, 'data', 'workspaces', runId, 't', '1');
    expect(readFileSync(join(workspace, 'mine.txt'), 'utf8')).toBe('my own work\n');
    expect(existsSync(outside)).toBe(false);
    expect(readFileSync(secret, 'utf8')).toBe('FAKE PRIVATE KEY\n');
    expect(readdirSync(join(home, '.ssh'))).toEqual(['id_ed25519']);
    expect(unlisted.requests).toEqual([]);
    expect(listed.requests.map((q) => q.url)).toEqual(['/y']);
  });

  it("lists each agent's sandbox, and turning one off is in the audit log", async () => {
    dir = tempDir();
    writeFileSync(
      join(dir, 'agents.json'),
      JSON.stringify([
        { id: 'boxed', kind: 'command', command: 'true' },
        { id: 'loose', kind: 'command', command: 'true', sandbox: { mode: 'off' } },
        { id: 'coder', kind: 'coding', cli: 'claude' },
        { id: 'quick', kind: 'echo' },
      ]),
    );
    expect((await baton(['agents', 'import', join(dir, 'agents.json')])).code).toBe(0);
    const list = await baton(['agents', 'list']);
    // The PROTOCOL column after SANDBOX: a coding agent's route, "-" for the other kinds.
    expect(list.stdout).toMatch(/^boxed +command +ONLINE +1 +required +- +$/m);
    expect(list.stdout).toMatch(/^loose +command +ONLINE +1 +off \(unconfined\) +- +$/m);
    expect(list.stdout).toMatch(/^coder +coding +ONLINE +1 +required +default \((stream|ACP)\) +$/m);
    expect(list.stdout).toMatch(/^quick +echo +ONLINE +1 +- +- +$/m);
    const app = createApp({ dataDir: join(dir, 'data'), log: () => {}, resume: false });
    try {
      const audit = await call<{ entity_id: string; to_status: string | null; why: string }[]>(
        app,
        'audit.list',
        {
          entity: 'agent',
        },
      );
      // Each agent imported is in the log; the one without its sandbox says so in its own words.
      expect(audit.map((e) => [e.entity_id, e.to_status]).reverse()).toEqual([
        ['boxed', 'added'],
        ['loose', 'sandbox off'],
        ['coder', 'added'],
        ['quick', 'added'],
      ]);
      expect(
        audit.filter((e) => e.to_status === 'sandbox off').map((e) => [e.entity_id, e.to_status, e.why]),
      ).toEqual([
        [
          'loose',
          'sandbox off',
          'the OS sandbox of agent "loose" was turned off: its processes run with the full rights of the person who started Baton',
        ],
      ]);
    } finally {
      await app.close();
    }
  });

  it('with bubblewrap missing, a required sandbox refuses the agent with what to install, and nothing runs', async () => {
    dir = tempDir();
    // A PATH with every program this one has but bwrap.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const d of (process.env.PATH ?? '').split(delimiter))
      if (existsSync(d))
        for (const name of readdirSync(d))
          if (name !== 'bwrap' && !existsSync(join(bin, name))) symlinkSync(join(d, name), join(bin, name));
    const marker = join(dir, 'it-ran');
    writeFileSync(
      join(dir, 'agents.json'),
      JSON.stringify([
        {
          id: 'careful',
          kind: 'command',
          skills: ['x'],
          command: 'sh',
          args: ['-c', `echo ran > ${marker}`],
        },
      ]),
    );
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));

    const r = await batonRun([join(dir, 'plan.json'), '--agents', join(dir, 'agents.json'), '--json'], {
      PATH: bin,
    });
    expect(r.code).toBe(1);
    // Said once at start, and as the attempt's error.
    expect(r.stderr).toContain(
      'baton: the OS sandbox cannot run here: bubblewrap is not installed: apt-get install bubblewrap socat ripgrep',
    );
    const runId = (JSON.parse(r.stdout) as { run_id: string }).run_id;
    const { attempts } = await stored(runId);
    expect(attempts.at(-1)?.error).toBe(
      'the OS sandbox cannot run here: bubblewrap is not installed: apt-get install bubblewrap socat ripgrep. The sandbox of agent "careful" is required, so nothing was run (set its sandbox mode to "off" to run it without one)',
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('with bubblewrap missing, a coding agent (required by default) is refused with what to install; its CLI never starts', async () => {
    dir = tempDir();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const d of (process.env.PATH ?? '').split(delimiter))
      if (existsSync(d))
        for (const name of readdirSync(d))
          if (name !== 'bwrap' && !existsSync(join(bin, name))) symlinkSync(join(d, name), join(bin, name));
    const marker = join(dir, 'it-ran');
    // The "CLI": a program that leaves a mark if it is ever started.
    const cli = join(dir, 'fake-claude');
    writeFileSync(cli, `#!/bin/sh\necho ran > ${marker}\n`, { mode: 0o755 });
    const repo = makeRepo({ 'README.md': 'hello\n' });
    try {
      expect((await baton(['workspaces', 'add', repo.repo, '--id', 'app'])).code).toBe(0);
      writeFileSync(
        join(dir, 'agents.json'),
        JSON.stringify([
          { id: 'coder', kind: 'coding', cli: 'claude', protocol: 'stream', skills: ['x'], executable: cli },
        ]),
      );
      writeFileSync(join(dir, 'plan.json'), JSON.stringify({ ...plan, workspace: 'app' }));
      const r = await batonRun([join(dir, 'plan.json'), '--agents', join(dir, 'agents.json'), '--json'], {
        PATH: bin,
      });
      expect(r.code).toBe(1);
      const runId = (JSON.parse(r.stdout) as { run_id: string }).run_id;
      const { attempts } = await stored(runId);
      expect(attempts.at(-1)?.error).toBe(
        'the OS sandbox cannot run here: bubblewrap is not installed: apt-get install bubblewrap socat ripgrep. The sandbox of agent "coder" is required, so nothing was run (set its sandbox mode to "off" to run it without one)',
      );
      expect(existsSync(marker)).toBe(false);
      // Refused before its worktree was made: the repository has no branch for the task.
      expect(repo.git(['branch', '--list', 'baton/*'])).toBe('');
    } finally {
      repo.cleanup();
    }
  });
});
