import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInstalled } from '../kit/fixtures.ts';

// The SDK's client over streamable HTTP against our approve server behind a bearer token
// (servers/approve-http.ts, the shape of Baton's /mcp). Needs `npm ci --prefix test/mcp`.
const installed = fixtureInstalled('mcp');
const sdk = installed ? await import('@modelcontextprotocol/client') : undefined;
const httpKit = installed ? await import('./servers/approve-http.ts') : undefined;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers.length = 0;
});

async function start() {
  if (!httpKit) throw new Error('not installed');
  const server = await httpKit.startApproveHttpServer({
    token: 'secret-token',
    decide: async (args, call) => {
      await call.progress(1);
      return {
        content: [
          { type: 'text', text: JSON.stringify({ behavior: 'deny', message: `no ${args.tool_name}` }) },
        ],
      };
    },
  });
  closers.push(() => server.close());
  return server;
}

describe.skipIf(!installed)('SDK client over streamable HTTP with a bearer token', () => {
  it.each(['legacy', 'auto'] as const)(
    'negotiation %s: lists and calls the tool, with progress, every request authorized',
    async (mode) => {
      if (!sdk) return;
      const server = await start();
      const client = new sdk.Client(
        { name: 'baton-test', version: '0.0.0' },
        { versionNegotiation: { mode } },
      );
      closers.push(() => client.close());
      const transport = new sdk.StreamableHTTPClientTransport(new URL(server.url), {
        authProvider: { token: async () => 'secret-token' },
      });
      await client.connect(transport);
      // 'legacy' (the default) speaks the 2025 protocol; 'auto' probes with server/discover first.
      expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'auto' ? '2026-07-28' : '2025-11-25');
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['approve']);
      const progress: unknown[] = [];
      const result = await client.callTool(
        { name: 'approve', arguments: { tool_name: 'Write', input: {} } },
        { onprogress: (p) => progress.push(p) },
      );
      expect(result.content).toEqual([{ type: 'text', text: '{"behavior":"deny","message":"no Write"}' }]);
      expect(progress).toEqual([{ progress: 1, message: 'waiting for a person' }]);
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests.every((r) => r.authorized)).toBe(true);
    },
  );

  it('a wrong token: connect rejects with an SdkHttpError carrying status 401', async () => {
    if (!sdk) return;
    const server = await start();
    for (const mode of ['legacy', 'auto'] as const) {
      const client = new sdk.Client(
        { name: 'baton-test', version: '0.0.0' },
        { versionNegotiation: { mode } },
      );
      const transport = new sdk.StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { Authorization: 'Bearer wrong' } },
      });
      const err = await client.connect(transport).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(sdk.SdkHttpError);
      expect(err).toMatchObject({
        status: 401,
        code:
          mode === 'auto'
            ? sdk.SdkErrorCode.ClientHttpAuthentication
            : sdk.SdkErrorCode.ClientHttpNotImplemented,
      });
      await client.close();
    }
  });
});
