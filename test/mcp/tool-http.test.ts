import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { fixtureInstalled } from '../kit/fixtures.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import { detail, oneTask, openApp, removeAll, startRun, stepsOf, tempDir, toolAgent } from './loop-kit.ts';

// The server under test is served with @modelcontextprotocol/node, which only the test/mcp fixture has.
const installed = fixtureInstalled('mcp');
const { startApproveHttpServer } = installed
  ? await import('./servers/approve-http.ts')
  : { startApproveHttpServer: undefined as never };

const TOKEN = 'remote-token-3141592653';
let app: BatonApp | null = null;
let model: ModelServer | null = null;
const closers: (() => Promise<unknown>)[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await app?.close();
  app = null;
  await model?.close();
  for (const c of closers.splice(0)) await c();
  await removeAll(dirs);
  delete process.env.BATON_SECRET_REMOTE_TOKEN;
});

/** An SDK v2 MCP server over streamable HTTP behind a bearer token, offering one tool that answers with what it got. */
async function remoteServer() {
  const server = await startApproveHttpServer({
    token: TOKEN,
    decide: async (args) => ({ content: [{ type: 'text', text: `remote saw ${JSON.stringify(args)}` }] }),
  });
  closers.push(() => server.close());
  return server;
}

describe.skipIf(!installed)('an MCP server over streamable HTTP', () => {
  it('is called with its secret in the Authorization header; the secret appears in no step', async () => {
    const remote = await remoteServer();
    process.env.BATON_SECRET_REMOTE_TOKEN = TOKEN;
    model = await startChatServer({
      conversations: [
        {
          name: 'http',
          turns: [{ tools: [{ name: 'remote__approve', input: { tool_name: 'x' } }] }, { text: 'ok' }],
        },
      ],
    });
    app = openApp(tempDir('baton-http-tools-', dirs));
    const run = await startRun(
      app,
      toolAgent(model.url, {
        tools: [{ kind: 'mcp_http', name: 'remote', url: remote.url, auth_secret: 'remote.token' }],
        tool_policy: [{ tools: 'remote/*', policy: 'allow' }],
      }),
      oneTask(),
    );
    await app.engine.whenSettled(run);
    expect((await detail(app, run)).tasks[0]).toMatchObject({ status: 'done', output: { text: 'ok' } });
    expect(model.modelCalls('http')[1]!.request!.texts.join('\n')).toContain('remote saw {"tool_name":"x"}');
    const posts = remote.requests.filter((r) => r.method === 'POST');
    expect(posts.flatMap((r) => r.rpc)).toEqual(expect.arrayContaining(['tools/list', 'tools/call']));
    expect(posts.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(JSON.stringify(stepsOf(app, run))).not.toContain(TOKEN);
  });

  it('a wrong secret fails the attempt naming the server, its URL and the refusal; a secret not set, its name', async () => {
    const remote = await remoteServer();
    process.env.BATON_SECRET_REMOTE_TOKEN = 'not-the-token';
    model = await startChatServer({ conversations: [{ name: 'http', turns: [{ text: 'never asked' }] }] });
    app = openApp(tempDir('baton-http-tools-', dirs));
    const agent = toolAgent(model.url, {
      tools: [{ kind: 'mcp_http', name: 'remote', url: remote.url, auth_secret: 'remote.token' }],
    });
    const run = await startRun(app, agent, oneTask());
    await app.engine.whenSettled(run);
    const task = (await detail(app, run)).tasks[0]!;
    expect(task.status).toBe('failed');
    expect(task.error).toContain(`MCP server "remote" (URL ${remote.url}) could not start:`);
    expect(task.error).toContain('HTTP 401: ');
    expect(task.error).not.toContain('not-the-token');

    delete process.env.BATON_SECRET_REMOTE_TOKEN;
    const again = await startRun(app, agent, { ...oneTask(), plan_id: 'p2' });
    await app.engine.whenSettled(again);
    expect((await detail(app, again)).tasks[0]!.error).toBe(
      `MCP server "remote" (URL ${remote.url}): secret "remote.token" is not set`,
    );
    expect(model.modelCalls('http')).toHaveLength(0);
  });
});
