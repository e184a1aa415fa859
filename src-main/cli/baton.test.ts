import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServe } from '../../test/e2e/serve-process.ts';
import { createApp } from '../app/create-app.ts';
import { ADDED_ENV, ENGINE_ENV } from '../base/engine-env.ts';
import { ENGINE_V8_FLAGS } from './v8-flags.ts';

const root = join(import.meta.dirname, '..', '..');
const examples = join(root, 'resources', 'examples');

function baton(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(root, 'src-main', 'cli', 'baton.ts'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `baton` without blocking this process (an app in it must go on meanwhile). */
function batonAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'src-main', 'cli', 'baton.ts'), ...args],
      { encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

describe('baton CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the example headless, prints a JSON summary, and exits non-zero when a task is not done', () => {
    const r = baton([
      'run',
      join(examples, 'onboarding-plan.json'),
      '--agents',
      join(examples, 'agents.json'),
      '--data-dir',
      dir,
      '--json',
    ]);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      plan_id: 'plan-87234',
      status: 'failed',
      delegated_tasks: [
        { task_id: 'task-001', assigned_agent: 'ash', delegation_task_id: 'task-001-delegated' },
      ],
      unassigned_tasks: [
        {
          task_id: 'task-002',
          reason: 'No qualified agent found: Agent lacks required skills: context_analysis.',
        },
      ],
    });
    expect(summary.memory_id).toMatch(/^mem-/);
  });

  it('runs an example Baton ships as it is (the laptops research: agents, notes and plan in one file) to completed, and writes its notes once', () => {
    const example = join(examples, 'laptops-research.json');
    let r = baton(['run', example, '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'Loaded the example: agents researcher, mailer; 3 notes written to memory; plans laptops-email',
    );
    // Loaded again into the same data directory: the notes are there already, the run is the same.
    r = baton(['run', example, '--data-dir', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { run_id: string; plan_id: string; status: string };
    expect(summary).toMatchObject({ plan_id: 'laptops-email', status: 'completed' });
    const shown = JSON.parse(baton(['show', summary.run_id, '--data-dir', dir, '--json']).stdout) as {
      tasks: { task_id: string; output: { findings?: unknown } }[];
    };
    // Three notes found, not six: loading it again wrote none twice.
    expect(shown.tasks.find((t) => t.task_id === 'task-002')?.output.findings).toBe(3);
  });

  it('exits 0 when every task is done, and shows progress on stderr', () => {
    const plan = join(dir, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        plan_id: 'ok',
        tasks: [
          { task_id: 'a', description: 'x', required_skills: ['summarization'] },
          { task_id: 'b', description: 'y', depends_on: ['a'] },
        ],
      }),
    );
    const r = baton(['run', plan, '--agents', join(examples, 'agents.json'), '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Run completed: 2/2 tasks done');
    expect(r.stderr).toMatch(/✔ a done → ash/);
  });

  it('waits out a retry, and stops with exit 3 and what it waits for when only people can go on', () => {
    const agents = join(dir, 'cli-agents.json');
    writeFileSync(
      agents,
      JSON.stringify([
        { id: 'w', skills: ['x'] },
        {
          id: 'flaky',
          kind: 'command',
          skills: ['t'],
          command: process.execPath,
          args: ['-e', 'process.exit(3)'],
        },
      ]),
    );
    const retry = join(dir, 'retry.json');
    writeFileSync(
      retry,
      JSON.stringify({
        plan_id: 'retry',
        tasks: [
          {
            task_id: 'test',
            description: 'run the tests',
            required_skills: ['t'],
            retry: { max_attempts: 2, backoff: { initial_ms: 300, jitter: 0 } },
          },
        ],
      }),
    );
    const r1 = baton(['run', retry, '--agents', agents, '--data-dir', dir, '--json']);
    expect(r1.code).toBe(1);
    // Each retry shows on stderr: which attempt failed, when the next starts, and that it did.
    expect(r1.stderr).toMatch(/↻ test attempt 1 failed: .*; attempt 2 of 2 in \d/);
    expect(r1.stderr).toContain('▶ test in_progress → flaky (attempt 2)');
    expect(JSON.parse(r1.stdout)).toMatchObject({
      status: 'failed',
      tasks: [{ task_id: 'test', status: 'failed' }],
    });
    const gated = join(dir, 'gated.json');
    writeFileSync(
      gated,
      JSON.stringify({
        plan_id: 'gated',
        tasks: [
          { task_id: 'build', description: 'build', required_skills: ['x'] },
          {
            task_id: 'deploy',
            description: 'deploy',
            required_skills: ['x'],
            depends_on: ['build'],
            requires_approval: true,
          },
        ],
      }),
    );
    const r2 = baton(['run', gated, '--agents', agents, '--data-dir', dir]);
    expect(r2.code).toBe(3);
    expect(r2.stdout).toContain('waits for people; nothing here can move it on');
    expect(r2.stdout).toMatch(/deploy\s+awaiting_approval/);
    expect(r2.stdout).toContain('1/2 tasks done so far');
    expect(r2.stdout).toMatch(/deploy .*\[approval apr-[^\]]+\]/);
  });

  it('answers approvals headless: lists them, approves or rejects, and goes on with the run', () => {
    writeFileSync(join(dir, 'agents.json'), JSON.stringify([{ id: 'w', skills: ['x'] }]));
    const gated = (planId: string) => {
      const file = join(dir, `${planId}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          plan_id: planId,
          tasks: [
            { task_id: 'build', description: 'build', required_skills: ['x'] },
            {
              task_id: 'deploy',
              description: 'deploy',
              required_skills: ['x'],
              depends_on: ['build'],
              requires_approval: true,
            },
            { task_id: 'announce', description: 'announce', required_skills: ['x'], depends_on: ['deploy'] },
          ],
        }),
      );
      const r = baton(['run', file, '--agents', join(dir, 'agents.json'), '--data-dir', dir, '--json']);
      expect(r.code).toBe(3);
      const waiting = JSON.parse(r.stdout).waiting_for as { task_id: string; approval_id: string }[];
      expect(waiting).toEqual([
        expect.objectContaining({ task_id: 'deploy', approval_id: expect.any(String) }),
      ]);
      return waiting[0]!.approval_id;
    };
    const first = gated('ship');
    const second = gated('hotfix');
    const listed = baton(['approvals', '--data-dir', dir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${first}  deploy of ship`);
    expect(listed.stdout).toContain(`${second}  deploy of hotfix`);
    // Runs can be read meanwhile; reading them does not take them up.
    const runs = baton(['runs', '--data-dir', dir]);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/^RUN +PLAN +STATUS +STARTED +BY +TASKS\n/);
    expect(runs.stdout).toMatch(/ship v1 +executing .* cli +1\/3 done/);
    const shipRun = (
      JSON.parse(baton(['runs', '--plan', 'ship', '--json', '--data-dir', dir]).stdout) as { id: string }[]
    )[0]!.id;
    const shown = baton(['show', shipRun, '--data-dir', dir]);
    expect(shown.stdout).toContain(`Run ${shipRun} of ship v1: executing`);
    expect(shown.stdout).toMatch(/deploy +awaiting_approval/);
    expect(baton(['agents', 'list', '--data-dir', dir]).code).toBe(0);

    const approved = baton(['approve', first, '--comment', 'ship it', '--as', 'ana', '--data-dir', dir]);
    expect(approved.code).toBe(0);
    expect(approved.stderr).toContain('Approved deploy of run');
    expect(approved.stderr).toContain('✔ announce done → w');
    expect(approved.stdout).toContain('Run completed: 3/3 tasks done');
    // What the runs taught: w's attempts at tasks needing x (ship's three, hotfix's build), unchecked.
    const board = baton(['agents', 'leaderboard', 'x', '--data-dir', dir]);
    expect(board.stdout).toMatch(
      /^# +AGENT +BEST-OF WINS +CHECKS PASSED +FIX ROUNDS +ATTEMPTS\n1 +w +— +— +— +4\n$/,
    );
    expect(baton(['agents', 'leaderboard', 'y', '--data-dir', dir]).stdout).toBe(
      'No attempts at tasks needing y yet.\n',
    );
    const again = baton(['approve', first, '--data-dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`approval ${first} was already approved by ana`);

    // Asking for changes is an answer of diff reviews only; it says what to change.
    expect(baton(['request-changes', second, '--data-dir', dir]).stderr).toContain(
      'usage: baton request-changes <approval> --comment C',
    );
    const refused = baton(['request-changes', second, '--comment', 'smaller', '--data-dir', dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('which has no request_changes answer: approve or reject it');
    const rejected = baton(['reject', second, '--comment', 'not today', '--data-dir', dir, '--json'], {
      USER: 'bo',
    });
    expect(rejected.code).toBe(1);
    expect(JSON.parse(rejected.stdout)).toMatchObject({
      status: 'failed',
      tasks: [
        { task_id: 'build', status: 'done' },
        { task_id: 'deploy', status: 'skipped', reason: 'rejected by bo: not today' },
        { task_id: 'announce', status: 'skipped' },
      ],
    });
    expect(baton(['approvals', '--data-dir', dir]).stdout).toBe('Nothing waits for a decision.\n');
    expect(baton(['approve', 'apr-nope', '--data-dir', dir]).stderr).toContain('no approval "apr-nope"');
    // How far a tool call's approval reaches: task or agent, and only with approve.
    expect(baton(['approve', 'apr-nope', '--for', 'ever', '--data-dir', dir]).stderr).toContain(
      '--for: expected "task" or "agent", got "ever"',
    );
    expect(baton(['reject', 'apr-nope', '--for', 'task', '--data-dir', dir]).stderr).toContain(
      '--for: only with baton approve',
    );
    // --port is a host's: another command refuses it, as a flag it does not take, before its value.
    const port = baton(['agents', 'list', '--port', 'abc', '--data-dir', dir]);
    expect([port.code, port.stderr]).toEqual([
      2,
      'baton: --port: only with baton start or baton serve (the other commands find the host that serves the data directory on their own)\n',
    ]);
    // Only the run decided on was taken up: no command resumed another (listing runs, showing
    // one, listing agents or approvals, approving ship's deploy).
    const db = new Database(join(dir, 'baton.db'), { readonly: true });
    try {
      const resumed = db
        .prepare("SELECT run_id FROM audit_entries WHERE entity = 'run' AND why GLOB 'resumed by *'")
        .all() as { run_id: string }[];
      const runIds = JSON.parse(baton(['runs', '--json', '--data-dir', dir]).stdout) as {
        id: string;
        plan_id: string;
      }[];
      const runOf = (plan: string) => runIds.find((r) => r.plan_id === plan)!.id;
      expect(resumed.map((r) => r.run_id).sort()).toEqual([runOf('hotfix'), runOf('ship')].sort());
    } finally {
      db.close();
    }
  }, 60_000);

  it('hands an approval of a run another process executes (the desktop app) to it, and says when it was applied', async () => {
    writeFileSync(join(dir, 'agents.json'), JSON.stringify([{ id: 'w', skills: ['x'] }]));
    const plan = join(dir, 'gate.json');
    writeFileSync(
      plan,
      JSON.stringify({
        plan_id: 'gate',
        tasks: [
          { task_id: 'deploy', description: 'deploy', required_skills: ['x'], requires_approval: true },
        ],
      }),
    );
    const r = baton(['run', plan, '--agents', join(dir, 'agents.json'), '--data-dir', dir, '--json']);
    const approval = JSON.parse(r.stdout).waiting_for[0].approval_id as string;
    const runId = JSON.parse(r.stdout).run_id as string;
    // The app (here: its composition root, in this process) takes the run over as it starts.
    const app = createApp({ dataDir: dir, log: () => {} });
    try {
      const here = await app.dispatch('runs.waiting', { run_id: runId });
      expect(here).toMatchObject({ ok: true, value: { executing_here: true } });
      const handed = await batonAsync(['approve', approval, '--data-dir', dir, '--as', 'ana']);
      expect(handed.stderr).toContain(`Run ${runId} is executed by another Baton process`);
      expect(handed.stderr).toContain(
        `Approved deploy of run ${runId} as ana; the run goes on in the process that executes it`,
      );
      expect(handed.code).toBe(0);
      // Applied where the run executes, as the person who decided; the run ended there.
      expect(app.store.approvals.get(approval)).toMatchObject({ status: 'approved', actor: 'ana' });
      expect((await app.engine.whenSettled(runId)).status).toBe('completed');
    } finally {
      await app.close();
    }
  }, 60_000);

  it('serves beyond loopback at this machine’s names and the allowed ones, and says which', async () => {
    const serve = await startServe(dir, 0, ['--host', '0.0.0.0', '--allow-host', 'Baton.Example.Lan']);
    try {
      // The URL shown is loopback's; the line after it names every Host answered to.
      expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      await expect.poll(() => serve.stderr()).toMatch(/Answers at: .*\n/);
      const line = /Answers at: (.*)\n/.exec(serve.stderr())![1]!;
      for (const name of ['localhost', '127.0.0.1', '0.0.0.0', hostname().toLowerCase(), 'baton.example.lan'])
        expect(line).toContain(name);
      expect(line).toContain('any other Host name is refused; add one with --allow-host NAME');
      expect(serve.stderr()).toContain('WARNING: serving on 0.0.0.0');
    } finally {
      await serve.stop();
    }
    expect(baton(['serve', '--allow-host', 'http://x.lan', '--data-dir', dir]).stderr).toContain(
      '--allow-host takes a host name or an IP address (like baton.example.lan), got "http://x.lan"',
    );
  }, 60_000);

  it('shares its data directory: agents imported once are listed later, also via BATON_DATA_DIR', () => {
    expect(baton(['agents', 'list', '--data-dir', dir]).stdout).toContain('No agents registered');
    const imp = baton(['agents', 'import', join(examples, 'agents.json'), '--data-dir', dir]);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toBe('Imported 2 agents: ash, hal\n');
    const list = baton(['agents', 'list', '--json'], { BATON_DATA_DIR: dir });
    expect(JSON.parse(list.stdout).map((a: { id: string }) => a.id)).toEqual(['ash', 'hal']);
  });

  it("lists each coding agent's protocol: its own, or the default for its cli", () => {
    const file = join(dir, 'coders.json');
    const coder = (id: string, extra: object) => ({ id, kind: 'coding', skills: ['code'], ...extra });
    writeFileSync(
      file,
      JSON.stringify([
        coder('oc', { cli: 'opencode', provider: { base_url: 'http://127.0.0.1:1/v1' }, model: 'm' }),
        coder('cx', { cli: 'codex' }),
        coder('cl', { cli: 'claude', protocol: 'stream' }),
        coder('gm', { cli: 'gemini' }),
      ]),
    );
    expect(baton(['agents', 'import', file, '--data-dir', dir]).code).toBe(0);
    const list = baton(['agents', 'list', '--data-dir', dir]).stdout;
    expect(list).toMatch(/^ID +KIND +STATUS +CAPACITY +SANDBOX +PROTOCOL +SKILLS\n/);
    expect(list).toMatch(/^oc +coding .* default \(ACP\) +code$/m);
    expect(list).toMatch(/^cx +coding .* default \(stream\) +code$/m);
    expect(list).toMatch(/^cl +coding .* stream +code$/m);
    expect(list).toMatch(/^gm +coding .* default \(ACP\) +code$/m);
  });

  it('names the file and the field when input is bad, and writes nothing', () => {
    const missing = baton(['run', join(dir, 'nope.json'), '--data-dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read plan file');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"plan_id": ');
    expect(baton(['run', broken, '--data-dir', dir]).stderr).toMatch(/broken\.json is not valid JSON/);
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ plan_id: 'p', tasks: [{ task_id: 'a', description: 'x', depends_on: ['zz'] }] }),
    );
    const r = baton(['run', bad, '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tasks[0].depends_on[0]: unknown dependency "zz"');
    expect(baton(['agents', 'list', '--json', '--data-dir', dir]).stdout.trim()).toBe('[]');
    expect(baton(['frobnicate']).stderr).toContain('unknown command "frobnicate"');
    expect(baton(['serve', '--port', 'x']).stderr).toContain('--port must be a whole number');
    // --as is checked as the flag it is, before anything is asked of the store.
    const noName = baton(['approve', 'x', '--as', '  ', '--data-dir', dir]);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('--as must be a name of 1 to 200 characters, got "  " (2 characters)');
    expect(baton(['runs', '--as', 'n'.repeat(201), '--data-dir', dir]).stderr).toContain(
      '--as must be a name',
    );
    expect(baton(['run', 'x.json', '--max-in-flight', '0']).stderr).toContain(
      '--max-in-flight must be a whole number of tasks from 1 to 100000, got "0"',
    );
    expect(baton(['serve', '--callback-url', 'tunnel.example.net']).stderr).toContain(
      '--callback-url must be a URL like https://baton.example.com/, got "tunnel.example.net"',
    );
    // A bad value in the environment stops only the commands that read it.
    const badEnv = { BATON_MAX_IN_FLIGHT: 'lots', BATON_CALLBACK_URL: 'nope', BATON_DATA_DIR: dir };
    expect(baton(['agents', 'list', '--json'], badEnv).stdout.trim()).toBe('[]');
    expect(baton(['run', bad], badEnv).stderr).toContain('BATON_MAX_IN_FLIGHT must be a whole number');
  });
});

describe('engine V8 flags', () => {
  it('every Node entry point that runs the engine starts with them', () => {
    const flags = ENGINE_V8_FLAGS.join(' ');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const script of ['start', 'serve']) expect(pkg.scripts[script]).toContain(`node ${flags} `);
    const env = Object.entries(ENGINE_ENV).map(([k, v]) => `${k}=${v}`);
    const shebang = `#!/usr/bin/env -S ${env.join(' ')} ${ADDED_ENV}=${Object.keys(ENGINE_ENV).join(',')} node ${flags}`;
    for (const file of ['baton.ts', 'baton.js'])
      expect(readFileSync(join(root, 'src-main', 'cli', file), 'utf8').split('\n')[0]).toBe(shebang);
    // Linux before 5.1 reads 127 bytes of it and drops the rest, silently.
    expect(Buffer.byteLength(`${shebang}\n`)).toBeLessThanOrEqual(127);
  });
});
