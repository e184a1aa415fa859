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

/** What `streamForever` saw: how much it sent, and whether the client went away first. */
export interface EndlessStream {
  sentBytes: number;
  aborted: boolean;
}

/**
 * Streams `chunk` as a `data:` event again and again, as fast as the client reads, until
 * the client goes away. It gives up after `limitBytes` (64 MB by default), so a client that
 * never stops fails its test instead of hanging it; `aborted` then stays false.
 */
export function streamForever(res: ServerResponse, chunk: unknown, limitBytes = 64 * 1024 * 1024) {
  startStream(res);
  const event = `data: ${JSON.stringify(chunk)}\n\n`;
  const seen: EndlessStream = { sentBytes: 0, aborted: false };
  const closed = new Promise<void>((resolve) =>
    res.on('close', () => {
      seen.aborted = !res.writableFinished;
      resolve();
    }),
  );
  const pump = async () => {
    while (!res.destroyed && seen.sentBytes < limitBytes) {
      seen.sentBytes += event.length;
      if (!res.write(event)) await Promise.race([new Promise((r) => res.once('drain', r)), closed]);
    }
    if (!res.destroyed) res.end();
  };
  return pump().then(() => closed.then(() => seen));
}
