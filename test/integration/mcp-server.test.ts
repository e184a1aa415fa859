import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src-main/app/create-app.ts';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import { startServe } from '../e2e/serve-process.ts';
import { STACK_FRAME } from '../kit/host-kit.ts';
import { connectHttp, connectStdio, runEnded, seedDataDir, textOf, tool } from '../kit/mcp-kit.ts';
import type { PersonAtBaton } from '../kit/mcp-scenario.ts';
import {
  findsWorkAndAddsTasks,
  listsTheTools,
  readsAPlan,
  refusesBadInput,
  runsAPlanToTheEnd,
  searchesAndWritesMemory,
} from '../kit/mcp-scenario.ts';

// Baton's MCP server with the SDK's own client: `baton mcp` as a real child process over stdio,
// on its own and through a running `baton serve`, and `/mcp` on that host over streamable HTTP.

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Every step of the scenario, over one connected client; `person` is hana at Baton (the API with
 * the launch token, as My tasks calls it), where a host is reachable.
 */
async function scenario(
  client: Parameters<typeof listsTheTools>[0],
  label: string,
  person?: PersonAtBaton,
): Promise<string> {
  await listsTheTools(client);
  await readsAPlan(client);
  const echoRun = await runsAPlanToTheEnd(client);
  await searchesAndWritesMemory(client, echoRun, label);
  const reviewRun = await findsWorkAndAddsTasks(client, person);
  await refusesBadInput(client);
  return reviewRun;
}

describe('baton mcp with no host running', () => {
  it('works on the data directory itself (says so on stderr), runs what it starts, and resumes no other run', async () => {
    const dir = tempDir('baton-mcp-alone-');
    await seedDataDir(dir);
    // A run left unfinished by a process that is gone (its lease ran out): the app or baton serve
    // would take it up when they start; baton mcp must not.
    const before = createApp({ dataDir: dir, resume: false, leaseTtlMs: 50, log: () => {} });
    const left = await before.dispatch('runs.start', { plan_id: 'p-review' });
    before.close();
    if (!left.ok) throw new Error(left.error.message);
    const orphan = (left.value as { run_id: string }).run_id;
    await new Promise((r) => setTimeout(r, 200));

    const mcp = await connectStdio(dir);
    try {
      await scenario(mcp.client, 'standalone');
      // The orphan is not executed here: no task of it is offered, nor its context.
      expect(await tool(mcp.client, 'next_task', { agent_id: 'hana', run_id: orphan })).toMatchObject({
        task: null,
      });
      expect(
        (
          await mcp.client.callTool({
            name: 'task_context',
            arguments: { agent_id: 'hana', run_id: orphan, task_id: 'review' },
          })
        ).isError,
      ).toBe(true);
      expect(mcp.stderr()).toContain(`baton mcp: no Baton host serves ${dir}; working on it in this process`);
    } finally {
      await mcp.close();
    }
    const after = createApp({ dataDir: dir, resume: false, log: () => {} });
    try {
      const audit = await after.dispatch('audit.list', { run_id: orphan });
      const entries = audit.ok ? (audit.value as AuditEntry[]) : [];
      expect(entries.filter((e) => e.why.startsWith('resumed by'))).toEqual([]);
    } finally {
      after.close();
    }
  });
});

describe('a running baton serve', () => {
  let dir: string;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let base: string;
  let token: string;
  beforeAll(async () => {
    dir = tempDir('baton-mcp-host-');
    await seedDataDir(dir);
    serve = await startServe(dir);
    const url = new URL(serve.url);
    token = url.searchParams.get('token')!;
    base = `${url.origin}/`;
  }, 90_000);
  afterAll(async () => {
    await serve?.stop();
  });

  const rpc = async (method: string, input: unknown) => {
    const res = await fetch(`${base}api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    return (await res.json()) as { ok: boolean; value: Record<string, unknown> };
  };
  /** hana takes and finishes her task in Baton, as My tasks does (the contract with the launch token). */
  const hana: PersonAtBaton = async (run_id, task_id, output) => {
    const me = { agent_id: 'hana', run_id, task_id };
    expect(await rpc('work.execute', me)).toMatchObject({ ok: true, value: { status: 'in_progress' } });
    expect(await rpc('work.complete', { ...me, status: 'completed', output })).toMatchObject({ ok: true });
  };

  it('serves /mcp over streamable HTTP with the bearer token', async () => {
    const mcp = await connectHttp(base, token);
    try {
      await scenario(mcp.client, 'over-http', hana);
    } finally {
      await mcp.close();
    }
  });

  it('baton mcp goes through it: the runs it starts execute in the host', async () => {
    const mcp = await connectStdio(dir);
    try {
      expect(mcp.stderr()).toContain(`baton mcp: serving through the Baton host at ${base}`);
      const { run_id } = await tool<{ run_id: string }>(mcp.client, 'start_run', { plan_id: 'p-review' });
      // The host executes it (its waiting task is a person's): what its own API says.
      expect((await rpc('runs.waiting', { run_id })).value).toMatchObject({ executing_here: true });
      await hana(run_id, 'review', 'reviewed');
      expect((await rpc('runs.get', { run_id })).value).toMatchObject({ status: 'completed' });
      await scenario(mcp.client, 'through-the-host', hana);
    } finally {
      await mcp.close();
    }
  });

  it('refuses /mcp without the token (401), from another Host name or Origin (403), never with a stack', async () => {
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '0' } },
    });
    const post = (headers: Record<string, string>) =>
      fetch(`${base}mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: initialize,
      });
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: token },
    ];
    for (const headers of refused) {
      const res = await post(headers);
      const text = await res.text();
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'unauthorized' } });
      expect(text).not.toMatch(STACK_FRAME);
    }
    const origin = await post({ authorization: `Bearer ${token}`, origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    // fetch will not send another Host: node:http can.
    const { http } = await import('../kit/host-kit.ts');
    const port = Number(new URL(base).port);
    const host = await http(port, '/mcp', {
      method: 'POST',
      headers: { host: 'evil.example', authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: initialize,
    });
    expect(host.status).toBe(403);
    // With the token, the same request is answered by the MCP server.
    const ok = await post({ authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('"serverInfo"');
    // And the SDK's client with a wrong token is refused at connect.
    await expect(connectHttp(base, 'wrong')).rejects.toMatchObject({ status: 401 });
  });
});

describe('baton mcp when its host goes away', () => {
  it('finds a restarted host again in server.json, and says what to do when none answers', async () => {
    const dir = tempDir('baton-mcp-restart-');
    await seedDataDir(dir);
    const first = await startServe(dir);
    const mcp = await connectStdio(dir);
    try {
      expect(await tool<unknown[]>(mcp.client, 'list_plans')).toHaveLength(2);
      await first.stop();
      const gone = await mcp.client.callTool({ name: 'list_plans', arguments: {} });
      expect(gone.isError).toBe(true);
      expect(textOf(gone)).toMatch(
        /^unavailable: the Baton host at http:\/\/127\.0\.0\.1:\d+\/ did not answer .*: start it again \(baton serve\), or restart baton mcp/,
      );
      // A new launch (here on a new port, its token kept), named in server.json.
      const second = await startServe(dir);
      try {
        expect(await tool<unknown[]>(mcp.client, 'list_plans')).toHaveLength(2);
        const { run_id } = await tool<{ run_id: string }>(mcp.client, 'start_run', { plan_id: 'p-echo' });
        expect((await runEnded(mcp.client, run_id)).status).toBe('completed');
      } finally {
        await second.stop();
      }
    } finally {
      await mcp.close();
    }
  });
});
