import type { AnyMessage } from '@agentclientprotocol/sdk';
import { describe, expect, it } from 'vitest';
import { withoutReplay } from './replay.ts';

/**
 * A connection's two sides as message queues: what Baton writes, and what the agent sends it,
 * read as the SDK reads it (as soon as it comes) into `got`.
 */
function pipe() {
  const out = new TransformStream<AnyMessage, AnyMessage>();
  const back = new TransformStream<AnyMessage, AnyMessage>();
  void out.readable.pipeTo(new WritableStream());
  const agent = back.writable.getWriter();
  const wire = withoutReplay(
    { writable: out.writable, readable: back.readable },
    { quietMs: 20, maxMs: 2_000 },
  );
  const got: AnyMessage[] = [];
  let wake = () => {};
  void wire.stream.readable.pipeTo(
    new WritableStream({
      write: (m) => {
        got.push(m);
        wake();
      },
    }),
  );
  /** Resolves once `n` messages came through. */
  const until = (n: number) =>
    new Promise<void>((resolve) => {
      const look = () => (got.length >= n ? resolve() : undefined);
      wake = look;
      look();
    });
  return { wire, agent, writer: wire.stream.writable.getWriter(), got, until };
}

const update = (text: string): AnyMessage => ({
  jsonrpc: '2.0',
  method: 'session/update',
  params: {
    sessionId: 's',
    update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } },
  },
});

describe('withoutReplay', () => {
  it('drops the updates from session/load to its answer, and after it until the agent is quiet', async () => {
    const { wire, agent, writer, got, until } = pipe();
    await writer.write({ jsonrpc: '2.0', id: 7, method: 'session/load', params: {} });
    await agent.write(update('replayed before'));
    await agent.write({ jsonrpc: '2.0', id: 7, result: {} });
    await until(1);
    const settled = wire.settled();
    await agent.write(update('replayed after'));
    await settled;
    await agent.write(update('live'));
    await until(2);
    expect(got).toEqual([{ jsonrpc: '2.0', id: 7, result: {} }, update('live')]);
    expect(wire.replayed()).toBe(2);
  });

  it('lets updates through at once when the load is refused (a new session follows)', async () => {
    const { wire, agent, writer, got, until } = pipe();
    await writer.write({ jsonrpc: '2.0', id: 1, method: 'session/load', params: {} });
    const refused = { jsonrpc: '2.0' as const, id: 1, error: { code: -32603, message: 'no such session' } };
    await agent.write(refused);
    await agent.write(update('from the new session'));
    await until(2);
    expect(got).toEqual([refused, update('from the new session')]);
    expect(wire.replayed()).toBe(0);
  });
});
