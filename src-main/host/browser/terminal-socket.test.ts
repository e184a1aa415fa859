import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { CallContext } from '../../../src-shared/contract/caller.ts';
import type { Terminals } from '../../agents/coding/terminal/index.ts';
import { AppError } from '../../base/errors.ts';
import { closeReason, serveTerminal } from './terminal-socket.ts';

/**
 * A close frame's reason holds 123 bytes, and `ws` throws past it. A refusal naming a person of a
 * long non-Latin name (40 CJK characters: 120 bytes) was cut at 120 characters, threw, and the
 * rejected promise ended `baton serve`.
 */
describe("a terminal socket's close reason", () => {
  it('is cut at a whole character within 123 bytes', () => {
    expect(closeReason('short')).toBe('short');
    const cut = closeReason(`terminal "x" is ${'山'.repeat(40)}'s`);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(123);
    expect(cut.endsWith('山…')).toBe(true);
    expect(Buffer.byteLength(closeReason('é'.repeat(200)))).toBeLessThanOrEqual(123);
  });

  it('refuses a socket naming a long non-Latin name with 4403, never a rejection', async () => {
    const name = '山'.repeat(40);
    const id = 'AAAAAAAAAAAAAAAAAAAAAA';
    const terminals = {
      attach: async () => {
        throw new AppError('forbidden', `terminal "${id}" is ${name}'s: only they can use it`);
      },
    } as unknown as Terminals;
    const member = {
      person: { id: 'p2', name: 'Otto' },
      role: 'member',
      via: 'session',
      actor: 'Otto',
    } as unknown as CallContext;
    const server = createServer();
    const wss = new WebSocketServer({ server });
    const outcome = new Promise<string>((resolve) =>
      wss.on('connection', (ws) =>
        serveTerminal(terminals, ws, id, new URLSearchParams(), () => member).then(
          () => resolve('resolved'),
          (err: Error) => resolve(`rejected: ${err.message}`),
        ),
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/terminal/${id}`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      client.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    client.on('error', () => {});
    try {
      expect(await outcome).toBe('resolved');
      const { code, reason } = await closed;
      expect(code).toBe(4403);
      expect(reason.startsWith(`terminal "${id}" is 山`)).toBe(true);
    } finally {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.close();
    }
  });
});
