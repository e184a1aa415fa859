import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { RunDetail } from '../../../src-shared/schemas/run.ts';
import type { TriggerCreated } from '../../../src-shared/schemas/trigger.ts';
import { startServe } from '../../../test/e2e/serve-process.ts';
import { eventually } from '../../../test/kit/engine-kit.ts';
import { http, raw } from '../../../test/kit/host-kit.ts';

let dir: string;
let serve: Awaited<ReturnType<typeof startServe>>;
let port: number;
let token: string;

async function rpc<T>(method: string, input: unknown): Promise<T> {
  const r = await http(port, `/api/rpc/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (r.status !== 200) throw new Error(`${method}: ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { value: T }).value;
}

const post = (path: string, headers: Record<string, string>, body = '') =>
  http(port, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-triggers-'));
  serve = await startServe(dir);
  const url = new URL(serve.url);
  port = Number(url.port);
  token = url.searchParams.get('token')!;
  await rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
  await rpc('plans.import', {
    plan: {
      plan_id: 'deploy',
      run_inputs: { env: { type: 'string', required: true }, version: { type: 'string', default: 'latest' } },
      tasks: [{ task_id: 'ship', description: 'ship it', required_skills: ['x'] }],
    },
  });
}, 90_000);
afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('triggers in, on a real baton serve', () => {
  it('answers the URL, the secret and a curl example once; the curl example starts a run with validated inputs', async () => {
    const made = await rpc<TriggerCreated>('triggers.add', {
      id: 'ci',
      plan_id: 'deploy',
      inputs: { env: 'staging' },
    });
    expect(made.url).toBe(`http://127.0.0.1:${port}/api/triggers/ci`);
    expect(made.secret).toMatch(/^btr_[A-Za-z0-9_-]{43}$/);
    // The secret is shown once: never listed, never stored as such.
    const listed = await rpc<unknown[]>('triggers.list', {});
    expect(JSON.stringify(listed)).not.toContain(made.secret);
    expect(listed).toEqual([expect.objectContaining({ id: 'ci', plan_id: 'deploy', url: made.url })]);
    // The curl example, pasted into a shell as a person would (with the inputs filled in).
    expect(made.curl).toContain(`-d '{"inputs":{}}'`);
    const out = execFileSync(
      'sh',
      ['-c', `${made.curl.replace('{"inputs":{}}', '{"inputs":{"version":"1.2.3"}}')} -s`],
      {
        encoding: 'utf8',
      },
    );
    const { run_id } = JSON.parse(out) as { run_id: string };
    expect(run_id).toMatch(/^run/);
    await eventually(
      async () => (await rpc<RunDetail>('runs.get', { run_id })).status === 'completed',
      10_000,
      'run done',
    );
    const run = await rpc<RunDetail>('runs.get', { run_id });
    expect(run.tasks[0]!.output).toMatchObject({ inputs: { run: { env: 'staging', version: '1.2.3' } } });
    expect(run.started_by).toBe('trigger');
  });

  it('refuses what it must with a clear answer, audits every call, and the host keeps serving', async () => {
    const { secret } = await rpc<TriggerCreated>('triggers.add', { id: 'hook', plan_id: 'deploy' });
    const auth = { authorization: `Bearer ${secret}` };
    const cases: [Promise<{ status: number; body: string }>, number, RegExp][] = [
      [post('/api/triggers/hook', {}), 401, /Authorization: Bearer/],
      [post('/api/triggers/hook', { authorization: `Bearer ${token}` }), 401, /unauthorized/],
      [post('/api/triggers/hook', { authorization: 'Bearer btr_guess' }), 401, /unauthorized/],
      [post('/api/triggers/hook', { ...auth, origin: 'http://evil.example' }), 403, /not for browsers/],
      [post('/api/triggers/nope', auth), 404, /no trigger/],
      [http(port, '/api/triggers/hook', { headers: auth }), 405, /GET not allowed/],
      [post('/api/triggers/hook', auth, '{"inputs":{}}'), 400, /inputs\.env: is required/],
      [post('/api/triggers/hook', auth, '{"inputs":{"env":"prod","colour":"red"}}'), 400, /inputs\.colour/],
      [post('/api/triggers/hook', auth, '{"env":"prod"}'), 400, /env|Unrecognized key/],
      [post('/api/triggers/hook', auth, '{not json'), 400, /not valid JSON/],
    ];
    for (const [reply, status, text] of cases) {
      const r = await reply;
      expect({ status: r.status, body: r.body }).toEqual({ status, body: expect.stringMatching(text) });
      expect(r.body).not.toMatch(/\bat .*\.ts:\d+/);
    }
    // A request the edge cannot read is a 400 from the guard, not a stopped host.
    expect(
      (
        await raw(
          port,
          'POST /api/triggers/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        )
      ).status,
    ).toBe(400);
    const ok = await post('/api/triggers/hook', auth, '{"inputs":{"env":"prod"}}');
    expect(ok.status).toBe(202);
    const audit = await rpc<AuditEntry[]>('audit.list', { entity: 'trigger' });
    const calls = audit.filter((e) => e.entity_id === 'hook' && e.to_status !== 'active');
    // Every call that reached the trigger: 3 bad secrets, 4 bad bodies or inputs, 1 run.
    expect(calls.filter((e) => e.to_status === 'refused')).toHaveLength(7);
    expect(calls.filter((e) => e.to_status === 'started')).toEqual([
      expect.objectContaining({
        actor: 'trigger:hook',
        run_id: (JSON.parse(ok.body) as { run_id: string }).run_id,
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect((await http(port, '/api/health', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    const doc = await http(port, '/api/openapi.json', { headers: { authorization: `Bearer ${token}` } });
    expect(JSON.parse(doc.body).paths['/api/triggers/{trigger_id}'].post.security).toEqual([
      { triggerSecret: [] },
    ]);
  });

  it('is rate-limited per trigger: past its calls a minute, 429 with Retry-After, one audit entry per burst', async () => {
    const { secret } = await rpc<TriggerCreated>('triggers.add', {
      id: 'slow',
      plan_id: 'deploy',
      inputs: { env: 'x' },
      rate_per_minute: 2,
    });
    const auth = { authorization: `Bearer ${secret}` };
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await http(port, '/api/triggers/slow', { method: 'POST', headers: auth });
      statuses.push(r.status);
      retryAfter ??= r.headers['retry-after'];
    }
    expect(statuses).toEqual([202, 202, 429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const audit = await rpc<AuditEntry[]>('audit.list', { entity: 'trigger' });
    expect(audit.filter((e) => e.entity_id === 'slow' && e.to_status === 'refused')).toHaveLength(1);
  });
});
