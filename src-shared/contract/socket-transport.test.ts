import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SocketLike, SocketStatus } from './socket-transport.ts';
import { createSocketTransport } from './socket-transport.ts';

/** A socket the test opens, answers and drops by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  onmessage: SocketLike['onmessage'] = null;
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({});
  }
}

function harness(sessionEnded?: () => Promise<boolean>) {
  const sockets: FakeSocket[] = [];
  const statuses: SocketStatus[] = [];
  const resyncs: number[] = [];
  const transport = createSocketTransport({
    onResync: () => resyncs.push(sockets.length),
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    onStatus: (s) => statuses.push(s),
    ...(sessionEnded ? { sessionEnded } : {}),
  });
  return { transport, sockets, statuses, resyncs, last: () => sockets.at(-1)! };
}

describe('socket transport: reconnecting, and knowing when to stop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stops retrying and says `ended` when the host no longer takes this client', async () => {
    const { transport, sockets, statuses, last } = harness(async () => true);
    last().open();
    last().drop();
    await vi.runAllTimersAsync();
    expect(statuses).toEqual(['connecting', 'open', 'closed', 'ended']);
    expect(sockets).toHaveLength(1);
    expect(await transport.invoke('plans.list', {})).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'this Baton session has ended' },
    });
  });

  it('keeps retrying while the host is merely away, until it says the session ended', async () => {
    let ended = false;
    const { sockets, statuses, last } = harness(async () => ended);
    last().open();
    last().drop();
    await vi.advanceTimersByTimeAsync(200);
    expect(sockets).toHaveLength(2);
    last().drop(); // connection refused: the host is down
    await vi.advanceTimersByTimeAsync(400);
    expect(sockets).toHaveLength(3);
    ended = true; // the host is back, with a new token
    last().drop();
    await vi.runAllTimersAsync();
    expect(sockets).toHaveLength(3);
    expect(statuses.at(-1)).toBe('ended');
  });

  it('retries when the check itself fails', async () => {
    const { sockets, last } = harness(() => Promise.reject(new Error('offline')));
    last().drop();
    await vi.advanceTimersByTimeAsync(200);
    expect(sockets).toHaveLength(2);
  });

  it('opens no socket once closed, even when a retry was already set', async () => {
    const { transport, sockets, last } = harness(async () => false);
    last().drop();
    // The check answered "not ended", so a retry is set; the page then drops this transport.
    await vi.advanceTimersByTimeAsync(0);
    transport.close?.();
    await vi.runAllTimersAsync();
    expect(sockets).toHaveLength(1);
  });

  it('does not send, after a reconnect, a call it already reported as failed', async () => {
    const { transport, last } = harness(async () => false);
    last().open();
    last().drop();
    const call = transport.invoke('runs.start', { plan_id: 'p' });
    // queued while reconnecting; the attempt fails
    await vi.advanceTimersByTimeAsync(200);
    last().drop();
    expect(await call).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    await vi.advanceTimersByTimeAsync(400);
    last().open();
    expect(last().sent).toEqual([]);
  });
});

describe('socket transport: telling the page to load its state again', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks for a resync when the host says events were dropped, and when the socket is back after a drop', async () => {
    const { transport, resyncs, last } = harness(async () => false);
    const batches: unknown[] = [];
    transport.onEvents((b) => batches.push(b));
    last().open();
    expect(resyncs).toEqual([]); // the first open is not a resync: the page loads as it starts
    last().onmessage?.({ data: JSON.stringify({ events: [{ name: 'plan.updated', payload: {} }] }) });
    last().onmessage?.({ data: '{"resync":true}' });
    expect(resyncs).toEqual([1]);
    expect(batches).toHaveLength(1);
    // Frames that are not the host's: ignored, no resync.
    for (const data of ['null', '"resync"', '{"resync":"yes"}', '[1]', '{']) last().onmessage?.({ data });
    expect(resyncs).toEqual([1]);
    last().drop();
    await vi.advanceTimersByTimeAsync(200);
    expect(resyncs).toEqual([1]); // not until it is open again
    last().open();
    expect(resyncs).toEqual([1, 2]);
  });
});
