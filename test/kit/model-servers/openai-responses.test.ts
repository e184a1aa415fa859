import { afterEach, describe, expect, it } from 'vitest';
import { startResponsesServer } from './openai-responses.ts';
import { post, streamedText } from './read-stream.ts';
import type { ModelServer } from './scripted-server.ts';

let server: ModelServer;
afterEach(() => server?.close());

const tools = [
  { type: 'function', name: 'shell', parameters: { type: 'object' } },
  { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
  { type: 'web_search' },
];
const body = (input: unknown, stream = true) => ({
  model: 'm',
  instructions: 'Be a coder.',
  input,
  tools,
  stream,
});
const url = () => `${server.url}/v1/responses`;
const patch = '*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch\n';

describe('scripted Responses API', () => {
  it('streams a message, a function_call and a custom_tool_call as items, then response.completed with usage', async () => {
    server = await startResponsesServer({
      conversations: [
        {
          name: 'c',
          turns: [
            {
              text: 'Patching.',
              tools: [
                { name: 'shell', input: { command: ['ls'] } },
                { name: 'apply_patch', input: patch },
              ],
              usage: { input: 900, output: 30, cached: 400 },
            },
          ],
        },
      ],
    });
    const r = await post(
      url(),
      body([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] }]),
    );
    expect(r.raw.startsWith('event: response.created\ndata: ')).toBe(true);
    const events = r.events as Record<string, unknown>[];
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(streamedText(events)).toBe('Patching.');
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item);
    expect(done).toEqual([
      expect.objectContaining({
        type: 'message',
        role: 'assistant',
        content: [expect.objectContaining({ text: 'Patching.' })],
      }),
      expect.objectContaining({ type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}' }),
      expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', input: patch }),
    ]);
    const completed = events.at(-1) as { type: string; response: { output: unknown[]; usage: unknown } };
    expect(completed.type).toBe('response.completed');
    expect(completed.response.output).toEqual(done);
    expect(completed.response.usage).toEqual({
      input_tokens: 900,
      input_tokens_details: { cached_tokens: 400 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 930,
    });
  });

  it('counts consecutive model items as one assistant turn, and names tools by name or by type', async () => {
    server = await startResponsesServer({
      conversations: [{ name: 'c', turns: [{ text: '0' }, { text: '1' }, { text: '2' }] }],
    });
    const r = await post(
      url(),
      body([
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first' }] },
        { type: 'reasoning', summary: [] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Patching.' }] },
        { type: 'custom_tool_call', call_id: 'c1', name: 'apply_patch', input: patch },
        { type: 'custom_tool_call_output', call_id: 'c1', output: 'Success.' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] },
        { role: 'user', content: 'second' },
      ]),
    );
    expect(streamedText(r.events)).toBe('2');
    const seen = server.modelCalls('c')[0]?.request;
    expect(seen?.assistantTurns).toBe(2);
    expect(seen?.tools).toEqual(['shell', 'apply_patch', 'web_search']);
    expect(seen?.texts).toEqual(['Be a coder.', 'first', 'Patching.', patch, 'Success.', 'Done.', 'second']);
  });

  it('answers stream: false with one response object; a string input is a user message', async () => {
    server = await startResponsesServer({
      conversations: [{ name: 'c', turns: [{ tools: [{ name: 'shell', input: { command: ['pwd'] } }] }] }],
    });
    const r = await post(url(), body('hello', false));
    expect(r.json).toMatchObject({
      object: 'response',
      status: 'completed',
      output: [{ type: 'function_call', name: 'shell', arguments: '{"command":["pwd"]}' }],
    });
    expect(server.modelCalls('c')[0]?.request?.texts).toEqual(['Be a coder.', 'hello']);
  });
});
