import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startOnTempDir } from '../../../test/kit/host-kit.ts';
import type { EventBus } from '../../events/event-bus.ts';

/**
 * A WebSocket client that stops reading while a run streams events: the host must not keep
 * every batch for it (five such clients once took a 60,000-task run from 414 MB to 981 MB).
 */

const LINE = 'x'.repeat(8 * 1024);

/** `count` log lines of 8 KB, one batch per turn of the event loop; the bytes emitted. */
async function flood(bus: EventBus, count: number, from = 0): Promise<number> {
  let bytes = 0;
  for (let i = from; i < from + count; i++) {
    const line = {
      id: i,
      run_id: 'r',
      task_id: 't',
      attempt: 1,
      stream: 'stdout' as const,
      text: LINE,
      at: '',
    };
    bus.emit('task.log', line);
    bytes += JSON.stringify(line).length;
    if (i % 8 === 7) await nextTurn();
  }
  await nextTurn();
  return bytes;
}

/** A client that reads nothing until told; what it received, frame by frame. */
async function stalledClient(port: number, token: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Authorization: `Bearer ${token}` } });
  const frames: string[] = [];
  let bytes = 0;
  ws.on('message', (d) => {
    const text = String(d);
    bytes += text.length;
    frames.push(text.length > 200 ? 'events' : text);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  ws.on('error', () => {});
  await new Promise((resolve) => ws.once('open', resolve));
  ws.pause();
  return { ws, frames, closed, received: () => bytes };
}

describe('browser host: a client that does not read', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('is sent no events while far behind, then {"resync":true} once it has read the rest, then events again', async () => {
    const started = await startOnTempDir(() => ({
      backpressure: { behindAt: 256 * 1024, checkEveryMs: 20 },
    }));
    stop = started.stop;
    const { host, app } = started;
    const client = await stalledClient(host.port, host.token);
    // Far more than the socket buffers of loopback and the 256 KB limit hold.
    const emitted = await flood(app.bus, 4_000);
    client.ws.resume();
    await expect.poll(() => client.frames.includes('{"resync":true}'), { timeout: 20_000 }).toBe(true);
    // Events were dropped: what arrived is well short of what was emitted.
    expect(client.received()).toBeLessThan(emitted / 2);
    // After the resync, events flow again.
    const before = client.frames.length;
    await flood(app.bus, 1, 10_000);
    await expect.poll(() => client.frames.length).toBe(before + 1);
    expect(client.frames.at(-1)).toBe('events');
    expect(client.frames.filter((f) => f === '{"resync":true}')).toHaveLength(1);
  });

  it('is closed with 1013 and a reason once its unread replies pass the close limit', async () => {
    let answered = 0;
    const started = await startOnTempDir((_dir, app) => ({
      backpressure: { behindAt: 256 * 1024, closeAt: 2 * 1024 * 1024, checkEveryMs: 20 },
      dispatch: async (method, input) => {
        const result = await app.dispatch(method, input);
        answered++;
        return result;
      },
    }));
    stop = started.stop;
    const { host, app } = started;
    // A plan whose every reading is ~200 KB.
    const tasks = Array.from({ length: 200 }, (_, i) => ({
      task_id: `t${i}`,
      description: 'd'.repeat(1_000),
    }));
    expect((await app.dispatch('plans.import', { plan: { plan_id: 'big', tasks } })).ok).toBe(true);
    const client = await stalledClient(host.port, host.token);
    // Asks, and reads none of the answers: 400 of them are ~80 MB.
    for (let id = 1; id <= 400; id++) {
      client.ws.send(JSON.stringify({ id, method: 'plans.get', input: { plan_id: 'big' } }));
    }
    // Every answer is written (into what the client has not read) before it reads again.
    await expect.poll(() => answered, { timeout: 20_000 }).toBe(400);
    await nextTurn();
    client.ws.resume();
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1013, reason: 'too far behind: reconnect and reload' });
    expect(client.frames.length).toBeLessThan(400);
  });
});
