import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CallToolResult } from '@modelcontextprotocol/server';

/** One call of the `approve` tool as it reached the test. */
export interface RecordedApproval {
  arguments: Record<string, unknown>;
  /** The protocol era the caller opened the MCP connection with (`legacy` or `modern`), when known. */
  era?: string;
  /** The request's `_meta`, when the server passed it on. */
  meta?: unknown;
  /** ms since the epoch. */
  at: number;
  /** When the answer was sent, if it was. */
  answeredAt?: number;
  /** Whether the caller went away (closed the request) before the answer. */
  abandoned: boolean;
}

/** The test's answer to one call: a tool result, or `never` to leave the call waiting. */
export type RelayAnswer = CallToolResult | 'never';

/**
 * The other end of `servers/approve-stdio.ts`: every call of the `approve` tool is POSTed here,
 * recorded, and answered with what `answer` returns (after however long it takes).
 */
export async function startApprovalRelay(
  answer: (call: RecordedApproval, index: number) => Promise<RelayAnswer> | RelayAnswer,
) {
  const calls: RecordedApproval[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const args =
        typeof body === 'object' && body !== null && 'arguments' in body ? body.arguments : undefined;
      const era = typeof body === 'object' && body !== null && 'era' in body ? String(body.era) : undefined;
      const call: RecordedApproval = {
        arguments: typeof args === 'object' && args !== null ? { ...args } : {},
        era,
        meta: typeof body === 'object' && body !== null && 'meta' in body ? body.meta : undefined,
        at: Date.now(),
        abandoned: false,
      };
      calls.push(call);
      res.on('close', () => {
        if (call.answeredAt === undefined) call.abandoned = true;
      });
      Promise.resolve(answer(call, calls.length - 1)).then(
        (result) => {
          if (result === 'never' || res.destroyed) return;
          call.answeredAt = Date.now();
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(result));
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    });
  });
  server.requestTimeout = 0; // an answer may take as long as a person does
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/approve`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The tool result holding one JSON text item, as `--permission-prompt-tool` expects its answer. */
export const jsonText = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value) }],
});
