import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { MAX_MCP_ANSWER_BYTES } from './capped-fetch.ts';
import { openMcpSource } from './mcp-source.ts';

/**
 * An MCP server over HTTP answering a tool call with more than Baton holds. The SDK reads a JSON
 * answer whole before Baton sees it: a 420 MB answer ended the process out of memory. Past
 * MAX_MCP_ANSWER_BYTES the answer is cut off and the call fails saying so; the server is not read on.
 */
let server: Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

it('fails a tool call whose answer is past the bound, naming it, without reading the rest', async () => {
  let written = 0;
  let closed: (bytes: number) => void = () => {};
  const writtenWhenClosed = new Promise<number>((r) => {
    closed = r;
  });
  server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    if (req.method !== 'POST') {
      res.writeHead(405);
      return res.end();
    }
    const msg = JSON.parse(body) as { id?: number; method: string; params?: { protocolVersion?: string } };
    if (msg.id === undefined) {
      res.writeHead(202);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    const result =
      msg.method === 'initialize'
        ? {
            protocolVersion: msg.params?.protocolVersion,
            capabilities: { tools: {} },
            serverInfo: { name: 'big', version: '1' },
          }
        : msg.method === 'tools/list'
          ? { tools: [{ name: 'fetch_page', inputSchema: { type: 'object' } }] }
          : null;
    if (result) return res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
    // The tool's answer: four times the bound, written as the client reads it.
    res.on('close', () => closed(written));
    res.write(`{"jsonrpc":"2.0","id":${msg.id},"result":{"content":[`);
    const chunk = Buffer.from('{"type":"text","text":"x"},'.repeat(40_000));
    while (written < 4 * MAX_MCP_ANSWER_BYTES && !res.destroyed) {
      written += chunk.length;
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r).once('close', r));
    }
    if (!res.destroyed) res.end('{"type":"text","text":"end"}]}}');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const opened = await openMcpSource(
    { kind: 'mcp_http', name: 'web', url: `http://127.0.0.1:${port}/mcp`, idempotent: [] } as never,
    { cwd: '/tmp', secrets: { get: () => undefined } as never, used: [], version: '0' },
  );
  if (!opened.ok) throw new Error(opened.error);
  try {
    const out = await opened.source.call('fetch_page', {}, new AbortController().signal);
    expect(out.ok).toBe(false);
    expect(out.text).toContain("the MCP server's answer is larger than 16 MB");
  } finally {
    await opened.source.close();
  }
  // The client stopped reading: the server's writes ended with the connection, well short of all.
  expect(await writtenWhenClosed).toBeLessThan(4 * MAX_MCP_ANSWER_BYTES);
});
