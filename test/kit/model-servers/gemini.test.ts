import { afterEach, describe, expect, it } from 'vitest';
import { startGeminiServer } from './gemini.ts';
import { post } from './read-stream.ts';
import type { ModelServer } from './scripted-server.ts';

let server: ModelServer;
afterEach(() => server?.close());

const decl = (name: string) => ({ name, parameters: { type: 'OBJECT', properties: {} } });
const body = (contents: unknown[]) => ({
  contents,
  systemInstruction: { parts: [{ text: 'You are a coding agent.' }] },
  tools: [{ functionDeclarations: [decl('write_file'), decl('read_file')] }],
  generationConfig: { temperature: 0 },
});
const streamUrl = (model = 'gemini-scripted') =>
  `${server.url}/v1beta/models/${model}:streamGenerateContent?alt=sse`;

type Chunk = {
  candidates: { content: { role: string; parts: Record<string, unknown>[] }; finishReason?: string }[];
  usageMetadata: Record<string, number>;
};
const partsOf = (events: unknown[]) =>
  (events as Chunk[]).flatMap((e) => e.candidates[0]?.content.parts ?? []);

describe('scripted Gemini API', () => {
  it('streams text then functionCall parts for a declared function, the model read from the path, usage final on the last chunk', async () => {
    server = await startGeminiServer({
      conversations: [
        {
          name: 'c',
          turns: [
            {
              text: 'Writing it.',
              tools: [{ name: 'write_file', input: { file_path: '/r/x', content: 'x' } }],
              usage: { input: 300, output: 9, cached: 100 },
            },
          ],
        },
      ],
    });
    const r = await post(streamUrl(), body([{ role: 'user', parts: [{ text: 'write x' }] }]));
    const parts = partsOf(r.events);
    expect(parts.map((p) => p.text ?? '').join('')).toBe('Writing it.');
    expect(parts.filter((p) => p.functionCall).map((p) => p.functionCall)).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'write_file', args: { file_path: '/r/x', content: 'x' } },
    ]);
    const last = r.events.at(-1) as Chunk;
    expect(last.candidates[0]?.finishReason).toBe('STOP');
    expect(last.usageMetadata).toEqual({
      promptTokenCount: 300,
      candidatesTokenCount: 9,
      totalTokenCount: 309,
      cachedContentTokenCount: 100,
    });
    const rec = server.modelCalls('c')[0];
    expect(rec?.request?.model).toBe('gemini-scripted');
    expect(rec?.request?.tools).toEqual(['write_file', 'read_file']);
    expect(rec?.request?.texts).toContain('You are a coding agent.');
  });

  it('answers the turn after as many model contents as the history holds, with functionResponse read as text', async () => {
    server = await startGeminiServer({
      conversations: [
        { name: 'c', turns: [{ tools: [{ name: 'read_file', input: { path: 'a' } }] }, { text: 'Done.' }] },
      ],
    });
    const history = [
      { role: 'user', parts: [{ text: 'read a' }] },
      {
        role: 'model',
        parts: [{ functionCall: { id: 'call_1_0', name: 'read_file', args: { path: 'a' } } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_1_0', name: 'read_file', response: { output: 'contents of a' } } },
        ],
      },
    ];
    const r = await post(`${server.url}/v1beta/models/m:generateContent`, body(history));
    expect(r.json).toMatchObject({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Done.' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 },
    });
    const rec = server.modelCalls('c')[0];
    expect(rec?.turn).toBe(1);
    expect(rec?.request?.stream).toBe(false);
    expect(rec?.request?.texts.join(' ')).toContain('contents of a');
  });

  it('counts tokens without reaching the script, and names a bad request body and an unknown path', async () => {
    server = await startGeminiServer({ conversations: [{ name: 'c', turns: [{ text: 'never' }] }] });
    const counted = await post(`${server.url}/v1beta/models/m:countTokens`, {
      contents: [{ role: 'user', parts: [{ text: 'x'.repeat(400) }] }],
    });
    expect(counted.json?.totalTokens).toBeGreaterThan(90);
    expect(server.requests.at(-1)?.answer).toBe('helper');
    const bad = await post(streamUrl(), { contents: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('contents') },
    });
    const unknown = await post(`${server.url}/v1beta/files`, {});
    expect(unknown.status).toBe(404);
    expect(server.modelCalls()).toHaveLength(0);
  });

  it('answers an HTTP error fault with the Gemini error body', async () => {
    server = await startGeminiServer({
      conversations: [
        { name: 'c', turns: [{ fault: { kind: 'status', status: 429, message: 'slow down' } }] },
      ],
    });
    const r = await post(streamUrl(), body([{ role: 'user', parts: [{ text: 'hi' }] }]));
    expect(r.status).toBe(429);
    expect(r.json).toEqual({ error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } });
  });
});
