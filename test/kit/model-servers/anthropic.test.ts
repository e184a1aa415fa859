import { afterEach, describe, expect, it } from 'vitest';
import { startAnthropicServer } from './anthropic.ts';
import { post, streamedText } from './read-stream.ts';
import type { ModelServer } from './scripted-server.ts';

let server: ModelServer;
afterEach(() => server?.close());

const tools = [
  { name: 'Write', input_schema: { type: 'object' } },
  { name: 'Read', input_schema: { type: 'object' } },
];
const body = (messages: unknown[], stream = true) => ({
  model: 'claude-x',
  max_tokens: 100,
  stream,
  system: [{ type: 'text', text: 'You are a coder.' }],
  messages,
  tools,
});
const url = () => `${server.url}/v1/messages?beta=true`;

describe('scripted Anthropic Messages API', () => {
  it('streams text then tool_use blocks whose input JSON, put together, is the scripted input', async () => {
    server = await startAnthropicServer({
      conversations: [
        {
          name: 'c',
          turns: [
            {
              text: 'Writing two files now.',
              tools: [
                { name: 'Write', input: { file_path: '/r/a.txt', content: 'a\n' } },
                { name: 'Write', input: { file_path: '/r/b.txt', content: 'b\n' } },
              ],
              usage: { input: 1000, output: 40, cached: 300 },
            },
          ],
        },
      ],
    });
    const r = await post(url(), body([{ role: 'user', content: 'go' }]));
    expect(r.raw.startsWith('event: message_start\ndata: ')).toBe(true);
    const events = r.events as Record<string, unknown>[];
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      ...['content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop'],
      ...['content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop'],
      'message_delta',
      'message_stop',
    ]);
    expect(streamedText(events)).toBe('Writing two files now.');
    const inputs = new Map<number, string>();
    const names = new Map<number, string>();
    for (const e of events) {
      const index = e.index as number;
      const block = e.content_block as { type: string; name: string } | undefined;
      if (block?.type === 'tool_use') names.set(index, block.name);
      const delta = e.delta as { type?: string; partial_json?: string } | undefined;
      if (delta?.type === 'input_json_delta')
        inputs.set(index, (inputs.get(index) ?? '') + delta.partial_json);
    }
    expect([...names.values()]).toEqual(['Write', 'Write']);
    expect([...inputs.values()].map((j) => JSON.parse(j))).toEqual([
      { file_path: '/r/a.txt', content: 'a\n' },
      { file_path: '/r/b.txt', content: 'b\n' },
    ]);
    expect(events[0]).toMatchObject({
      message: { model: 'claude-x', usage: { input_tokens: 700, cache_read_input_tokens: 300 } },
    });
    expect(events.at(-2)).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { input_tokens: 700, cache_read_input_tokens: 300, output_tokens: 40 },
    });
  });

  it('reads the history: assistant turns, offered tools, every text including tool results', async () => {
    server = await startAnthropicServer({
      conversations: [{ name: 'c', turns: [{ text: 'a' }, { text: 'b' }] }],
    });
    const r = await post(
      url(),
      body([
        { role: 'user', content: 'first prompt' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Write', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'File created' }] },
      ]),
    );
    expect(streamedText(r.events)).toBe('b');
    expect(r.events.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn' } });
    const seen = server.modelCalls('c')[0]?.request;
    expect(seen?.tools).toEqual(['Write', 'Read']);
    expect(seen?.assistantTurns).toBe(1);
    expect(seen?.texts).toEqual(['You are a coder.', 'first prompt', 'File created']);
  });

  it('answers stream: false with one message, and every other path (HEAD /) with a 404 error body', async () => {
    server = await startAnthropicServer({
      conversations: [
        { name: 'c', turns: [{ text: 'Hi.', tools: [{ name: 'Read', input: { file_path: '/x' } }] }] },
      ],
    });
    const r = await post(url(), body([{ role: 'user', content: 'go' }], false));
    expect(r.json).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'text', text: 'Hi.' },
        { type: 'tool_use', name: 'Read', input: { file_path: '/x' } },
      ],
      stop_reason: 'tool_use',
    });
    const head = await fetch(`${server.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    const get = await fetch(`${server.url}/v1/models`);
    expect(await get.json()).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'no route GET /v1/models' },
    });
  });

  it('a scripted 529 has the overloaded error body', async () => {
    server = await startAnthropicServer({
      conversations: [
        { name: 'c', turns: [{ fault: { kind: 'status', status: 529, message: 'Overloaded' } }] },
      ],
    });
    const r = await post(url(), body([{ role: 'user', content: 'go' }]));
    expect(r.status).toBe(529);
    expect(r.json).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });
});
