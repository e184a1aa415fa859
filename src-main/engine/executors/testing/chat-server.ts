import type { ServerResponse } from 'node:http';

/** One streamed chunk of an OpenAI-compatible chat completion. */
export const delta = (content: string, model = 'tiny-model') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  model,
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

export const finish = (reason = 'stop', model = 'tiny-model') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  model,
  choices: [{ index: 0, delta: {}, finish_reason: reason }],
});

export const usage = (prompt: number, completion: number, model = 'tiny-model') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  model,
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});

/** Starts a server-sent event stream. */
export function startStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

/** Sends one `data:` event: an object as JSON, a string as is. */
export function send(res: ServerResponse, data: unknown): void {
  res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** Streams the given chunks, then `[DONE]`. */
export function streamAll(res: ServerResponse, chunks: unknown[]): void {
  startStream(res);
  for (const c of chunks) send(res, c);
  send(res, '[DONE]');
  res.end();
}
