import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { http, startOnTempDir } from '../../../test/kit/host-kit.ts';
import { MAX_CALL_BYTES } from './body-limits.ts';
import type { BrowserHost } from './server.ts';

// One request must not hold the thread that serves every client and the engine: 60 MB of
// `[{},{},…]` took 26 s and 4 GB to parse before its input's checks refused it. Only a call that
// carries a whole plan may be large, and a large body is counted before it is parsed.
describe('the browser host: how large a call may be', () => {
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let auth: Record<string, string>;
  beforeAll(async () => {
    ({ host, stop } = await startOnTempDir());
    auth = { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' };
  });
  afterAll(() => stop());
  const rpc = (method: string, body: string) =>
    http(host.port, `/api/rpc/${method}`, { method: 'POST', headers: auth, body });

  it('refuses, unparsed, a plan-sized body that holds millions of objects or an object of too many members', async () => {
    const objects = await rpc('plans.validate', `{"plan":[${'{},'.repeat(2_000_000)}{}]}`);
    expect(objects.status).toBe(413);
    expect(JSON.parse(objects.body)).toEqual({
      error: {
        code: 'invalid_input',
        message: 'request body is refused unread: it holds more than 2,000,000 objects and arrays',
      },
    });
    const keys = Array.from({ length: 100_001 }, (_, i) => `"k${i}":0`).join(',');
    const members = await rpc('plans.validate', `{"plan":{"plan_id":"p","tasks":[],"inputs":{${keys}}}}`);
    expect(members.status).toBe(413);
    expect(JSON.parse(members.body).error.message).toContain('an object in it has more than 100,000 members');
    expect((await http(host.port, '/api/health', { headers: auth })).status).toBe(200);
  });

  it('takes a large plan, and refuses a large input to any other call', async () => {
    const tasks = Array.from({ length: 40_000 }, (_, i) => ({
      task_id: `t${i}`,
      description: 'Summarise the findings of the laptop research',
      required_skills: ['x'],
      depends_on: i > 0 ? [`t${i - 1}`] : [],
    }));
    const plan = JSON.stringify({ plan: { plan_id: 'big', tasks } });
    expect(plan.length).toBeGreaterThan(MAX_CALL_BYTES);
    const validated = await rpc('plans.validate', plan);
    expect(validated.status).toBe(200);
    expect(JSON.parse(validated.body)).toMatchObject({ ok: true, value: { ok: true } });
    const other = await rpc('memory.search', JSON.stringify({ query: 'x'.repeat(MAX_CALL_BYTES) }));
    expect(other.status).toBe(413);
    expect(JSON.parse(other.body).error.message).toBe(`request body is larger than ${MAX_CALL_BYTES} bytes`);
  });

  it('answers a socket call refused for its size with its own id', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, {
      headers: { Authorization: auth.Authorization! },
    });
    const replies: { id: unknown; result: { ok: boolean; error?: { message: string } } }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ id: 7, method: 'memory.search', input: { query: 'x'.repeat(MAX_CALL_BYTES) } }));
    ws.send(`{"id":8,"method":"plans.validate","input":{"plan":[${'{},'.repeat(2_000_000)}{}]}}`);
    ws.send(JSON.stringify({ id: 9, method: 'plans.list', input: {} }));
    await expect.poll(() => replies.length, { timeout: 30_000 }).toBe(3);
    const byId = new Map(replies.map((r) => [r.id, r.result]));
    expect(byId.get(7)?.error?.message).toBe(`memory.search's input is larger than ${MAX_CALL_BYTES} bytes`);
    expect(byId.get(8)?.error?.message).toBe(
      'message is refused unread: it holds more than 2,000,000 objects and arrays',
    );
    expect(byId.get(9)).toEqual({ ok: true, value: [] });
    ws.close();
  });
});
