import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { Trigger } from '../../src-shared/schemas/trigger.ts';
import type { WebhookDelivery } from '../../src-shared/schemas/webhook.ts';
import { startServe } from '../../test/e2e/serve-process.ts';
import { eventually } from '../../test/kit/engine-kit.ts';
import { startGitHubServer } from '../../test/kit/forge/github.ts';
import { http } from '../../test/kit/host-kit.ts';
import { startReceiver } from '../../test/kit/webhook-receiver.ts';
import { makeRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';

const root = join(import.meta.dirname, '..', '..');
const SECRET = `whsec_${Buffer.from('the cli test key, thirty-two b.!').toString('base64')}`;

function baton(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(root, 'src-main', 'cli', 'baton.ts'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('baton webhooks, schedules and triggers', () => {
  let dir: string;
  const stops: (() => Promise<void>)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-reach-cli-'));
  });
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a schedule added by the CLI fires in baton serve, and its run.started reaches a signed webhook the CLI added', async () => {
    const receiver = await startReceiver(SECRET);
    stops.push(receiver.close);
    // The process that sends needs the secret: baton serve gets it from its environment.
    process.env.BATON_SECRET_HOOK_KEY = SECRET;
    const serve = await startServe(dir, 0).finally(() => delete process.env.BATON_SECRET_HOOK_KEY);
    stops.push(serve.stop);
    const url = new URL(serve.url);
    const port = Number(url.port);
    // A connection each: the CLI's processes leave gaps longer than the host's keep-alive, and a
    // reused socket the host is closing just then would hang up.
    const auth = {
      authorization: `Bearer ${url.searchParams.get('token')}`,
      'content-type': 'application/json',
      connection: 'close',
    };
    const rpc = async <T>(method: string, input: unknown) =>
      (
        JSON.parse(
          (
            await http(port, `/api/rpc/${method}`, {
              method: 'POST',
              headers: auth,
              body: JSON.stringify(input),
            })
          ).body,
        ) as { value: T }
      ).value;
    await rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await rpc('plans.import', {
      plan: {
        plan_id: 'tick',
        run_inputs: { who: { type: 'string', required: true } },
        tasks: [{ task_id: 'say', description: 'say hi', required_skills: ['x'] }],
      },
    });
    const d = ['--data-dir', dir];
    // The secret is named, never given; a name that is not set where webhooks are sent (the
    // host the command goes through) is refused naming the field.
    const missing = baton([
      'webhooks',
      'add',
      '--url',
      receiver.url,
      '--event',
      'run.started',
      '--secret',
      'other_key',
      ...d,
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('secret_name');
    // The host has it (this command does not): that is where it is needed.
    const added = baton([
      'webhooks',
      'add',
      '--id',
      'ops',
      '--url',
      receiver.url,
      '--event',
      'run.started',
      '--event',
      'run.ended',
      '--secret',
      'hook_key',
      ...d,
    ]);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('Added webhook ops: run.started, run.ended');
    expect(baton(['webhooks', 'list', ...d]).stdout).toMatch(
      /ops\s+http:\/\/127\.0\.0\.1:\d+\/hook\s+run\.started,run\.ended/,
    );
    expect(baton(['schedules', 'add', '--plan', 'tick', '--cron', 'every minute', ...d]).stderr).toContain(
      'cron',
    );
    // Six fields, seconds first: every two seconds, so the test sees it fire.
    const sched = baton([
      'schedules',
      'add',
      '--id',
      'often',
      '--plan',
      'tick',
      '--cron',
      '*/2 * * * * *',
      '--tz',
      'Europe/Paris',
      '--inputs',
      '{"who":"cron"}',
      '--overlap',
      'skip',
      '--catch-up',
      'none',
      ...d,
    ]);
    expect(sched.stderr).toBe('');
    expect(sched.stdout).toMatch(
      /Added schedule often for plan tick: "\*\/2 \* \* \* \* \*" \(Europe\/Paris\): Every 2 seconds\. Next: \d{4}-/,
    );
    expect(baton(['schedules', 'list', '--json', ...d]).stdout).toContain('"overlap": "skip"');
    // baton serve holds the duties: it fires the schedule and sends the webhook, signed.
    await eventually(() => receiver.received.length >= 2, 45_000, 'run.started and run.ended delivered');
    const first = JSON.parse(receiver.received[0]!.body) as {
      type: string;
      data: { plan_id: string; run_id: string };
    };
    expect(receiver.received[0]!.verified).toMatchObject({ ok: true });
    expect(first).toMatchObject({ type: 'run.started', data: { plan_id: 'tick' } });
    const fired = (await rpc<AuditEntry[]>('audit.list', { entity: 'schedule' })).filter(
      (e) => e.to_status === 'fired',
    );
    expect(fired.map((e) => e.run_id)).toContain(first.data.run_id);
    const run = await rpc<{ tasks: { output: unknown }[] }>('runs.get', { run_id: first.data.run_id });
    await eventually(
      async () =>
        (await rpc<{ status: string }>('runs.get', { run_id: first.data.run_id })).status === 'completed',
      10_000,
      'done',
    );
    expect(JSON.stringify(run)).toBeTruthy();
    expect(baton(['schedules', 'pause', 'often', ...d]).stdout).toContain('Paused schedule often');
    expect(baton(['schedules', 'remove', 'often', ...d]).stdout).toContain('Removed schedule often');
    // The delivery log, through the CLI.
    await eventually(
      () => {
        const log = JSON.parse(
          baton(['webhooks', 'deliveries', 'ops', '--json', ...d]).stdout,
        ) as WebhookDelivery[];
        return log.some((x) => x.status === 'delivered' && x.response_code === 200 && x.attempts === 1);
      },
      10_000,
      'logged delivered',
    );
    const table = baton(['webhooks', 'deliveries', ...d]).stdout;
    expect(table).toMatch(/msg\S*\s+ops\s+run\.started\s+delivered\s+1\s+200/);
    // A trigger made by the CLI is answered at the serving host's URL, with its secret once.
    const trig = baton(['triggers', 'add', '--id', 'ci', '--plan', 'tick', '--inputs', '{"who":"ci"}', ...d]);
    expect(trig.stdout).toContain(`POST http://127.0.0.1:${port}/api/triggers/ci`);
    const secret = /shown this once \(Baton keeps only a hash\): (btr_\S+)/.exec(trig.stdout)![1]!;
    const call = await http(port, '/api/triggers/ci', {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, connection: 'close' },
    });
    expect(call.status).toBe(202);
    expect(baton(['triggers', 'list', ...d]).stdout).not.toContain(secret);
  }, 90_000);

  it('a trigger on GitHub issues added by the CLI shows why GitHub refused its look in baton triggers list', async () => {
    const gh = await startGitHubServer({ repo: 'acme/app', tokens: { ghp_good: 'write' } });
    stops.push(gh.stop);
    const repo = makeRepo();
    stops.push(async () => repo.cleanup());
    const serve = await startServe(dir, 0);
    stops.push(serve.stop);
    const url = new URL(serve.url);
    const port = Number(url.port);
    const rpc = async (method: string, input: unknown) => {
      const r = await http(port, `/api/rpc/${method}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${url.searchParams.get('token')}`,
          'content-type': 'application/json',
          connection: 'close',
        },
        body: JSON.stringify(input),
      });
      if (r.status !== 200) throw new Error(`${method}: ${r.status} ${r.body}`);
    };
    await rpc('secrets.set', { name: 'github.token', value: 'ghp_stale' });
    await rpc('workspaces.add', {
      id: 'app',
      path: repo.repo,
      remote: {
        url: 'https://example.invalid/acme/app.git',
        forge: { kind: 'github', api_url: gh.url, repo: 'acme/app', token_secret: 'github.token' },
      },
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'fix',
        run_inputs: { title: { type: 'string', required: true }, n: { type: 'number' } },
        tasks: [{ task_id: 'fix', description: 'fix it', required_skills: ['x'] }],
      },
    });
    const d = ['--data-dir', dir];
    const bad = baton([
      'triggers',
      'add',
      '--plan',
      'fix',
      '--github-issues',
      '--workspace',
      'app',
      '--label',
      'baton',
      '--issue-inputs',
      'title=title,body=missing',
      ...d,
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('github_issues.inputs_from.body: plan "fix" takes no run input "missing"');
    const made = baton([
      'triggers',
      'add',
      '--id',
      'issues',
      '--plan',
      'fix',
      '--github-issues',
      '--workspace',
      'app',
      '--label',
      'baton',
      '--issue-inputs',
      'title=title,number=n',
      ...d,
    ]);
    expect(made.stdout).toContain('Added trigger issues for plan fix: each open issue labelled "baton"');
    await eventually(
      () => {
        const list = JSON.parse(baton(['triggers', 'list', '--json', ...d]).stdout) as Trigger[];
        return list.some((t) => t.id === 'issues' && t.last_error !== null);
      },
      20_000,
      'the look failed',
    );
    const table = baton(['triggers', 'list', ...d]).stdout;
    expect(table).toContain('GitHub issues labelled "baton" (workspace app)');
    expect(table).toContain(
      'Reading the issues labelled "baton" of acme/app: GitHub refused the token in secret "github.token" (401 Bad credentials)',
    );
    expect(baton(['triggers', 'issues', 'issues', '--json', ...d]).stdout.trim()).toBe('[]');
  }, 90_000);
});
