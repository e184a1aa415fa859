import { request } from 'node:http';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { approvalServer } from './approval-tool.ts';

/**
 * The `approve` tool over stdio, as a separate process (what `claude --mcp-config` starts): each
 * call is relayed as a POST of `{ arguments, era, meta }` to `APPROVE_RELAY_URL` (a server in the test), and
 * the JSON it answers is the tool's result. So the test decides, and can take its time, the way
 * `baton mcp` will relay to the Baton host and wait for a person.
 */
const relay = process.env.APPROVE_RELAY_URL;
if (!relay) {
  process.stderr.write('approve-stdio: APPROVE_RELAY_URL is not set\n');
  process.exit(2);
}

// The era is the protocol the client opened with: `legacy` (2025 `initialize`) or `modern` (2026-07-28).
// With APPROVE_PROGRESS_MS set, the tool sends a progress notification that often while it waits.
const progressMs = Number(process.env.APPROVE_PROGRESS_MS ?? 0);
serveStdio(({ era }) =>
  approvalServer(async (args, call) => {
    let done = 0;
    const timer = progressMs > 0 ? setInterval(() => void call.progress(++done), progressMs) : undefined;
    try {
      return await post(relay, JSON.stringify({ arguments: args, era, meta: call.meta }), call.signal);
    } finally {
      clearInterval(timer);
    }
  }),
);

/**
 * node:http, not fetch: fetch (undici) gives up on a response whose headers take over 300 s,
 * and a person may take longer. A relay that fails makes the tool throw, which the SDK turns
 * into an isError result.
 */
function post(url: string, body: string, signal: AbortSignal): Promise<CallToolResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          // The test's way to make this server crash in the middle of a call.
          if (res.statusCode === 500 && text === 'Error: exit') process.exit(1);
          if (res.statusCode !== 200) reject(new Error(`relay answered ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text) as CallToolResult);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
