import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { fixtureInstalled } from '../kit/fixtures.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import { officialServer } from './connect.ts';
import { detail, oneTask, openApp, removeAll, startRun, stepsOf, tempDir, toolAgent } from './loop-kit.ts';

let app: BatonApp | null = null;
let model: ModelServer | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await app?.close();
  app = null;
  await model?.close();
  model = null;
  await removeAll(dirs);
});

const fsTools = (dir: string) => ({
  kind: 'mcp_stdio',
  name: 'fs',
  command: officialServer('mcp-server-filesystem'),
  args: [dir],
});

// The server writes a folder of the test's: the agent's sandbox lists it (`write_allow`), as a person would.
describe.skipIf(!fixtureInstalled('mcp'))('the tool loop of an llm agent, through real MCP servers', () => {
  it('writes and reads files through server-filesystem: steps stored, the answer is the output', async () => {
    const files = tempDir('baton-loop-files-', dirs);
    const path = join(files, 'notes.txt');
    model = await startChatServer({
      conversations: [
        {
          name: 'loop',
          turns: [
            {
              text: 'Writing the note.',
              tools: [{ name: 'fs__write_file', input: { path, content: 'hello from the loop\n' } }],
            },
            { tools: [{ name: 'fs__read_text_file', input: { path } }] },
            { text: 'The note says: hello from the loop', usage: { input: 300, output: 12 } },
          ],
        },
      ],
    });
    app = openApp(tempDir('baton-loop-data-', dirs));
    const agent = toolAgent(model.url, {
      tools: [fsTools(files)],
      sandbox: { write_allow: [files] },
      tool_policy: [{ tools: 'fs/*', policy: 'allow' }],
      prices: { tiny: { prompt_per_1k: 0.01, completion_per_1k: 0.02 } },
    });
    const run = await startRun(app, agent, oneTask());
    await app.engine.whenSettled(run);
    const d = await detail(app, run);
    expect(d.tasks[0]).toMatchObject({
      status: 'done',
      output: { text: 'The note says: hello from the loop' },
    });
    expect(readFileSync(path, 'utf8')).toBe('hello from the loop\n');

    // The model was offered the server's tools and saw each tool's answer in its next request.
    const calls = model.modelCalls('loop');
    expect(calls).toHaveLength(3);
    expect(calls[0]!.request!.tools).toEqual(
      expect.arrayContaining(['fs__write_file', 'fs__read_text_file']),
    );
    expect(calls[2]!.request!.texts.join('\n')).toContain('hello from the loop');

    const steps = stepsOf(app, run);
    const toolCalls = steps.filter((s) => s.kind === 'tool_call');
    expect(toolCalls.map((s) => [s.name, s.server, s.status])).toEqual([
      ['write_file', 'fs', 'done'],
      ['read_text_file', 'fs', 'done'],
    ]);
    expect(toolCalls[1]).toMatchObject({
      input: { path },
      output: expect.stringContaining('hello from the loop'),
    });
    const usage = steps.filter((s) => s.kind === 'usage');
    expect(usage).toHaveLength(3);
    // Priced from the agent's table: 100 + 20 tokens twice, then 300 + 12.
    const cost = usage.reduce((n, s) => n + (s.kind === 'usage' ? (s.cost_usd ?? 0) : 0), 0);
    expect(cost).toBeCloseTo(2 * (0.001 + 0.0004) + 0.003 + 0.00024, 9);
    expect(steps.at(-1)).toMatchObject({ kind: 'result', is_error: false });
    expect(d.tasks[0]!.cost).toBeCloseTo(cost, 9);
  });
  it('a turn that asks for several tools at once: each call put together from its streamed pieces, run in order, every answer in the next request', async () => {
    const files = tempDir('baton-loop-files-', dirs);
    writeFileSync(join(files, 'one.txt'), 'first file');
    writeFileSync(join(files, 'two.txt'), 'second file');
    model = await startChatServer({
      conversations: [
        {
          name: 'many',
          turns: [
            {
              tools: [
                { name: 'fs__read_text_file', input: { path: join(files, 'one.txt') } },
                { name: 'fs__read_text_file', input: { path: join(files, 'two.txt') } },
              ],
            },
            { text: 'read both' },
          ],
        },
      ],
    });
    app = openApp(tempDir('baton-loop-data-', dirs));
    const run = await startRun(
      app,
      toolAgent(model.url, { tools: [fsTools(files)], sandbox: { write_allow: [files] } }),
      oneTask(),
    );
    await app.engine.whenSettled(run);
    expect((await detail(app, run)).tasks[0]).toMatchObject({
      status: 'done',
      output: { text: 'read both' },
    });
    const second = model.modelCalls('many')[1]!.request!;
    expect(second.texts.join('\n')).toContain('first file');
    expect(second.texts.join('\n')).toContain('second file');
    // The assistant turn is sent back with both calls, each answered under its own id.
    const messages = second.body.messages as {
      role: string;
      tool_calls?: { id: string }[];
      tool_call_id?: string;
    }[];
    const asked = messages.find((m) => m.role === 'assistant')!.tool_calls!.map((c) => c.id);
    expect(asked).toHaveLength(2);
    expect(messages.filter((m) => m.role === 'tool').map((m) => m.tool_call_id)).toEqual(asked);
    expect(
      stepsOf(app, run)
        .filter((s) => s.kind === 'tool_call')
        .map((s) => s.kind === 'tool_call' && s.input),
    ).toEqual([{ path: join(files, 'one.txt') }, { path: join(files, 'two.txt') }]);
  });
});
