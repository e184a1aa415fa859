import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localServers } from '../../src-main/agents/testing/local-server.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call } from '../kit/engine-kit.ts';

// The network policy `ask`, with a real command agent in the real sandbox: a connection to a
// local server its policy does not list is refused, and becomes one approval in the inbox per
// agent and host (however often it connects, however many runs are refused it before a person
// answers). Allowed, the host is remembered and the next run's attempt reaches it without
// asking again; denied, it stays refused and is not asked about again.

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const servers = localServers();
let app: BatonApp | null = null;
afterAll(async () => {
  await app?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Fetches each URL given, in turn; prints what each did as `::result`. */
const FETCHER = `
const tried = [];
for (const url of process.argv.slice(2).join(' ').split(' ')) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
    tried.push(res.ok ? 'ok ' + (await res.text()) : 'failed: HTTP ' + res.status);
  } catch (err) {
    tried.push('failed: ' + (err?.cause?.message ?? err?.message));
  }
}
process.stdout.write('::result ' + JSON.stringify(tried) + '\\n');
`;

describe.runIf(process.platform === 'linux')('the network policy ask', () => {
  it('asks once per host, remembers an allowed host for later attempts, and keeps a denied one blocked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-sandbox-ask-'));
    dirs.push(dir);
    // Outside Baton's data directory, which the sandbox hides.
    const script = join(dir, 'fetcher.mjs');
    writeFileSync(script, FETCHER);
    const pypi = await servers((_req, res) => {
      res.end('packages');
    });
    const evil = await servers((_req, res) => {
      res.end('you should not see this');
    });
    const pypiHost = pypi.url.replace('http://', '');
    const evilHost = evil.url.replace('http://', '');
    app = createApp({ dataDir: join(dir, 'data'), log: () => {} });
    const a = app;
    await call(a, 'agents.import', {
      agents: [
        {
          id: 'asker',
          kind: 'command',
          skills: ['x'],
          command: process.execPath,
          args: [script, '{description}'],
          sandbox: { network: { unlisted: 'ask' } },
        },
      ],
    });
    const runOnce = async (planId: string, urls: string[]) => {
      await call(a, 'plans.import', {
        plan: {
          plan_id: planId,
          tasks: [{ task_id: 't', description: urls.join(' '), required_skills: ['x'] }],
        },
      });
      const { run_id } = await call<{ run_id: string }>(a, 'runs.start', { plan_id: planId });
      await a.engine.whenSettled(run_id);
      const run = await call<RunDetail>(a, 'runs.get', { run_id });
      const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id, task_id: 't' });
      return { run, steps };
    };
    const hostApprovals = async () =>
      (await call<ApprovalView[]>(a, 'approvals.list', {})).filter((x) => x.kind === 'sandbox_host');

    // First run: two connections to one host, one to another; all refused, one question per host.
    const first = await runOnce('first', [`${pypi.url}/a`, `${pypi.url}/b`, `${evil.url}/x`]);
    expect(first.run.tasks.map((t) => [t.task_id, t.status])).toEqual([['t', 'done']]);
    expect(
      first.steps.filter((s) => s.kind === 'sandbox').map((s) => s.kind === 'sandbox' && s.target),
    ).toEqual([pypiHost, evilHost]);
    const asked = await hostApprovals();
    expect(asked.map((x) => [x.status, x.reason]).sort()).toEqual(
      [
        ['pending', `Allow ${evilHost} for agent "asker"?`],
        ['pending', `Allow ${pypiHost} for agent "asker"?`],
      ].sort(),
    );
    const pypiAsk = asked.find((x) => x.sandbox_host?.host === pypiHost)!;
    expect(pypiAsk.sandbox_host).toEqual({
      attempt: 1,
      agent_id: 'asker',
      scope: 'agent:asker',
      scope_label: 'agent "asker"',
      host: pypiHost,
    });
    expect(pypi.requests).toEqual([]);

    // A person answers after the run ended: one allowed, one denied.
    const evilAsk = asked.find((x) => x.sandbox_host?.host === evilHost)!;
    await call(a, 'approvals.decide', { approval_id: pypiAsk.id, decision: 'approve', actor: 'ada' });
    await call(a, 'approvals.decide', { approval_id: evilAsk.id, decision: 'reject', actor: 'ada' });

    // A later run of the agent reaches the allowed host, is refused the denied one, and asks nothing.
    const second = await runOnce('second', [`${pypi.url}/c`, `${evil.url}/y`]);
    const output = second.run.tasks[0]!.output as string[];
    expect(output[0]).toBe('ok packages');
    expect(output[1]).toMatch(/^failed/);
    expect(pypi.requests.map((q) => q.url)).toEqual(['/c']);
    expect(evil.requests).toEqual([]);
    expect(
      second.steps.filter((s) => s.kind === 'sandbox').map((s) => s.kind === 'sandbox' && s.target),
    ).toEqual([evilHost]);
    expect((await hostApprovals()).map((x) => [x.sandbox_host?.host, x.status]).sort()).toEqual(
      [
        [evilHost, 'rejected'],
        [pypiHost, 'approved'],
      ].sort(),
    );
    // Remembered for the agent (its attempts work outside a workspace), by whom.
    const remembered = await call<{ host: string; allowed_by: string; approval_id: string }[]>(
      a,
      'agents.allowedHosts',
      { agent_id: 'asker' },
    );
    expect(remembered.map((h) => [h.host, h.allowed_by, h.approval_id])).toEqual([
      [pypiHost, 'ada', pypiAsk.id],
    ]);
    // Both decisions are in the audit log.
    const audit = await call<{ entity_id: string; to_status: string | null; actor: string }[]>(
      a,
      'audit.list',
      {
        entity: 'approval',
      },
    );
    expect(
      audit
        .filter((e) => e.actor === 'ada')
        .map((e) => [e.entity_id, e.to_status])
        .sort(),
    ).toEqual(
      [
        [pypiAsk.id, 'approved'],
        [evilAsk.id, 'rejected'],
      ].sort(),
    );
  });

  it('works the same through the command line: baton run, baton approvals, baton approve, baton run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-sandbox-ask-cli-'));
    dirs.push(dir);
    const script = join(dir, 'fetcher.mjs');
    writeFileSync(script, FETCHER);
    const index = await servers((_req, res) => {
      res.end('index');
    });
    const indexHost = index.url.replace('http://', '');
    const batonCli = (args: string[]) => {
      const child = spawn(
        process.execPath,
        [join(root, 'src-main', 'cli', 'baton.ts'), ...args, '--data-dir', join(dir, 'data')],
        { stdio: ['ignore', 'pipe', 'pipe'] },
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
    };
    writeFileSync(
      join(dir, 'agents.json'),
      JSON.stringify([
        {
          id: 'fetcher',
          kind: 'command',
          skills: ['x'],
          command: process.execPath,
          args: [script, '{description}'],
          sandbox: { network: { unlisted: 'ask' } },
        },
      ]),
    );
    const plan = {
      plan_id: 'p',
      tasks: [{ task_id: 't', description: `${index.url}/i`, required_skills: ['x'] }],
    };
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const runArgs = ['run', join(dir, 'plan.json'), '--agents', join(dir, 'agents.json'), '--json'];

    const first = await batonCli(runArgs);
    expect(first.code, first.stderr).toBe(0);
    expect(index.requests).toEqual([]);
    const listed = await batonCli(['approvals']);
    const line = listed.stdout
      .split('\n')
      .find((l) => l.includes(`sandbox_host: Allow ${indexHost} for agent "fetcher"?`));
    expect(line, listed.stdout).toBeDefined();
    const id = /^(apr-\S+)/.exec(
      listed.stdout.split('\n')[listed.stdout.split('\n').indexOf(line!) - 1]!,
    )?.[1];
    expect(id, listed.stdout).toBeDefined();
    const approved = await batonCli(['approve', id!, '--as', 'ada']);
    expect(approved.code, approved.stderr).toBe(0);

    const second = await batonCli(runArgs);
    expect(second.code, second.stderr).toBe(0);
    expect(index.requests.map((q) => q.url)).toEqual(['/i']);
    expect((await batonCli(['approvals'])).stdout).toContain('Nothing waits for a decision.');
  });
});
