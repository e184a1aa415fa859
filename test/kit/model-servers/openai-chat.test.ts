import { afterEach, describe, expect, it } from 'vitest';
import { startChatServer } from './openai-chat.ts';
import { post, streamedText } from './read-stream.ts';
import type { ModelServer } from './scripted-server.ts';

let server: ModelServer;
afterEach(() => server?.close());

const fn = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object' } } });
const body = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
  model: 'm1',
  stream: true,
  messages,
  tools: [fn('write_file'), fn('read_file'), fn('lookup_order')],
  ...extra,
});
const url = () => `${server.url}/v1/chat/completions`;

type Chunk = {
  choices: { delta: { content?: string; tool_calls?: ToolDelta[] }; finish_reason: string | null }[];
  usage?: Record<string, unknown>;
};
type ToolDelta = { index: number; id?: string; function: { name?: string; arguments?: string } };

/** Puts streamed tool_call deltas together the way a client does: by index. */
function toolCalls(events: unknown[]) {
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const e of events as Chunk[]) {
    for (const d of e.choices?.[0]?.delta.tool_calls ?? []) {
      calls[d.index] ??= { id: '', name: '', arguments: '' };
      const call = calls[d.index]!;
      if (d.id) call.id = d.id;
      if (d.function.name) call.name = d.function.name;
      call.arguments += d.function.arguments ?? '';
    }
  }
  return calls.map((c) => ({ ...c, arguments: JSON.parse(c.arguments) as unknown }));
}

describe('scripted Chat Completions API', () => {
  it('streams any offered tool by name as tool_call deltas, with text before, then finish_reason and [DONE]', async () => {
    server = await startChatServer({
      conversations: [
        {
          name: 'c',
          turns: [
            {
              text: 'Looking it up.',
              tools: [
                { name: 'lookup_order', input: { id: 42 } },
                { name: 'write_file', input: { file_path: '/r/x', content: 'x' } },
              ],
            },
          ],
        },
      ],
    });
    const r = await post(url(), body([{ role: 'user', content: 'where is order 42?' }]));
    expect(streamedText(r.events)).toBe('Looking it up.');
    expect(toolCalls(r.events)).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'lookup_order', arguments: { id: 42 } },
      {
        id: expect.stringMatching(/^call_/),
        name: 'write_file',
        arguments: { file_path: '/r/x', content: 'x' },
      },
    ]);
    expect(r.events.at(-1)).toBe('[DONE]');
    expect((r.events.at(-2) as Chunk).choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('reports usage on the finishing chunk, or in a last chunk without choices when include_usage is asked', async () => {
    server = await startChatServer({
      conversations: [{ name: 'c', turns: [{ text: 'ok', usage: { input: 500, output: 7, cached: 100 } }] }],
    });
    const usage = {
      prompt_tokens: 500,
      completion_tokens: 7,
      total_tokens: 507,
      prompt_tokens_details: { cached_tokens: 100 },
    };
    const plain = await post(url(), body([{ role: 'user', content: 'hi' }]));
    expect(plain.events.at(-2)).toMatchObject({ choices: [{ finish_reason: 'stop' }], usage });
    const asked = await post(
      url(),
      body([{ role: 'user', content: 'hi' }], { stream_options: { include_usage: true } }),
    );
    expect(asked.events.at(-2)).toMatchObject({ choices: [], usage });
    expect((asked.events.at(-3) as Chunk).usage).toBeUndefined();
  });

  it('reads the history: assistant turns, and the arguments of its tool calls and the tool results are texts too', async () => {
    server = await startChatServer({ conversations: [{ name: 'c', turns: [{ text: 'a' }, { text: 'b' }] }] });
    await post(
      url(),
      body([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'first prompt' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"p":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'file text' },
      ]),
    );
    const seen = server.modelCalls('c')[0];
    expect(seen?.turn).toBe(1);
    expect(seen?.request?.tools).toEqual(['write_file', 'read_file', 'lookup_order']);
    expect(seen?.request?.texts).toEqual(['Be brief.', 'first prompt', '{"p":1}', 'file text']);
  });

  it('answers stream: false with one chat.completion holding the tool calls', async () => {
    server = await startChatServer({
      conversations: [{ name: 'c', turns: [{ tools: [{ name: 'read_file', input: { p: 'a' } }] }] }],
    });
    const r = await post(url(), body([{ role: 'user', content: 'x' }], { stream: false }));
    expect(r.json).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ function: { name: 'read_file', arguments: '{"p":"a"}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 20 },
    });
  });
});
