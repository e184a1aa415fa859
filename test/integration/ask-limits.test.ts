import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import {
  MAX_OPEN_HOSTS,
  MAX_OPEN_TOOL_CALLS,
  MAX_SUMMARY_HOSTS,
} from '../../src-main/engine/approvals/kinds.ts';
import type { ApprovalView, ToolCallVerdict } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call, controlledExecutor, eventually, setup, task } from '../kit/engine-kit.ts';

// One attempt cannot fill the inbox: it keeps at most a few questions of a kind open at once.
// Past them, the hosts its sandbox was refused go into one summary question, and a tool call is
// denied at once, the agent told why.

const dirs: string[] = [];
let app: BatonApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Fetches each URL given, in turn (all refused here); prints how many it tried. */
const FETCHER = `
let n = 0;
for (const url of process.argv.slice(2)) {
  try { await fetch(url, { signal: AbortSignal.timeout(20_000) }); } catch {}
  n++;
}
process.stdout.write('::result ' + JSON.stringify({ tried: n }) + '\\n');
`;

describe.runIf(process.platform === 'linux')("an attempt's open questions", () => {
  it('300 hosts refused under the network policy ask: a few questions, then one summary listing the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-ask-limits-'));
    dirs.push(dir);
    const script = join(dir, 'fetcher.mjs');
    writeFileSync(script, FETCHER);
    // Nothing listens there: the sandbox's filter refuses each before any connection is made.
    const hosts = Array.from({ length: 300 }, (_, i) => `127.0.0.1:${20_000 + i}`);
    app = createApp({ dataDir: join(dir, 'data'), log: () => {} });
    const a = app;
    await call(a, 'agents.import', {
      agents: [
        {
          id: 'crawler',
          kind: 'command',
          skills: ['x'],
          command: process.execPath,
          args: [script, ...hosts.map((h) => `http://${h}/`)],
          timeout_s: 300,
          sandbox: { network: { unlisted: 'ask' } },
        },
      ],
    });
    await call(a, 'plans.import', {
      plan: { plan_id: 'crawl', tasks: [{ task_id: 't', description: 'crawl', required_skills: ['x'] }] },
    });
    const { run_id } = await call<{ run_id: string }>(a, 'runs.start', { plan_id: 'crawl' });
    await a.engine.whenSettled(run_id);
    const run = await call<RunDetail>(a, 'runs.get', { run_id });
    expect(run.tasks[0]!.output).toEqual({ tried: 300 });
    // Every refusal the trace keeps for one program is a step, asked about or not.
    const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id, task_id: 't' });
    expect(steps.filter((s) => s.kind === 'sandbox')).toHaveLength(200);

    const asked = (await call<ApprovalView[]>(a, 'approvals.list', {})).filter(
      (x) => x.kind === 'sandbox_host',
    );
    expect(asked).toHaveLength(MAX_OPEN_HOSTS + 1);
    const single = asked.filter((x) => x.sandbox_host?.hosts === undefined);
    const summary = asked.find((x) => x.sandbox_host?.hosts !== undefined)!;
    expect(single.map((x) => x.sandbox_host!.host)).toEqual(hosts.slice(0, MAX_OPEN_HOSTS));
    expect(summary.sandbox_host!.hosts).toEqual(
      hosts.slice(MAX_OPEN_HOSTS, MAX_OPEN_HOSTS + MAX_SUMMARY_HOSTS),
    );
    expect(summary.reason).toBe(
      `Allow the hosts listed for agent "crawler"? One attempt was refused more hosts than it asks about one by one: ${hosts[MAX_OPEN_HOSTS]} first`,
    );

    // Allowed, the summary allows every host it lists.
    await call(a, 'approvals.decide', { approval_id: summary.id, decision: 'approve', actor: 'ada' });
    const remembered = await call<{ host: string }[]>(a, 'agents.allowedHosts', { agent_id: 'crawler' });
    expect(remembered.map((h) => h.host).sort()).toEqual([...summary.sandbox_host!.hosts!].sort());
  }, 120_000);

  it('tool calls past the open ones are denied at once, the agent told why; once one is answered, the next is asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-ask-limits-'));
    dirs.push(dir);
    const exec = controlledExecutor();
    app = createApp({ dataDir: join(dir, 'data'), log: () => {}, executors: { echo: exec.executor } });
    const a = app;
    const run_id = await setup(a, [{ id: 'busy', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('t', { description: 'call tools' })],
    });
    await eventually(() => exec.running.has('t'), 10_000, 'the attempt');
    const { ctx, signal } = exec.running.get('t')!;
    const ask = (n: number): Promise<ToolCallVerdict> =>
      ctx.askToolCall!(
        {
          call_id: `c${n}`,
          tool: 'write_file',
          server: 'workspace',
          input: { path: `f${n}` },
          agent_text: '',
          reason: `busy wants to write f${n}`,
        },
        signal,
      );
    const waiting = Array.from({ length: MAX_OPEN_TOOL_CALLS }, (_, i) => ask(i));
    const pending = async () =>
      (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).filter(
        (x) => x.kind === 'tool_call',
      );
    await eventually(async () => (await pending()).length === MAX_OPEN_TOOL_CALLS, 10_000, 'the calls asked');
    // Fifty more while those wait: none is asked, each denied saying why.
    const past = await Promise.all(Array.from({ length: 50 }, (_, i) => ask(100 + i)));
    for (const v of past)
      expect(v).toEqual({
        approve: false,
        approval_id: '',
        actor: 'Baton',
        message: `Not asked: ${MAX_OPEN_TOOL_CALLS} of this attempt's tool calls already wait for a person. Make this call again once one of them is answered.`,
      });
    expect(await pending()).toHaveLength(MAX_OPEN_TOOL_CALLS);
    // One answered: the next is asked again.
    const first = (await pending()).find((x) => x.tool_call?.call_id === 'c0')!;
    await call(a, 'approvals.decide', { approval_id: first.id, decision: 'approve', actor: 'ada' });
    expect(await waiting[0]).toMatchObject({ approve: true });
    const next = ask(200);
    await eventually(
      async () => (await pending()).some((x) => x.tool_call?.call_id === 'c200'),
      10_000,
      'c200',
    );
    exec.running.get('t')!.finish();
    await a.engine.whenSettled(run_id);
    void next;
  });
});
