import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../engine/executor.ts';
import type { EndlessStream } from '../testing/chat-server.ts';
import { delta, finish, streamAll, streamForever } from '../testing/chat-server.ts';
import { json, localServers } from '../testing/local-server.ts';
import { collect, outcome, removeWorkspaces, taskContext } from '../testing/task-context.ts';
import { createLlmExecutor } from './llm.ts';

afterAll(removeWorkspaces);
const serve = localServers();

const MB = 1024 * 1024;
const CAP_ERROR = { type: 'error', message: 'the answer passed the 1 MB result cap of llm agents' };
// Every token is logged at once, as a slow model's would be: the log cap is exercised too.
const executor = createLlmExecutor({ retryBaseMs: 10, random: () => 0, flushMs: 0 });
const run = (url: string) =>
  collect(
    executor,
    taskContext(
      { id: 'sage', kind: 'llm', base_url: url, model: 'tiny-model', timeout_s: 120, max_retries: 0 },
      { description: 'Say hello' },
    ),
  );
const bytes = (text: string) => Buffer.byteLength(text);
/** The final event, with a result's text replaced by its size (a failing test must not print megabytes). */
const ending = (events: ExecutorEvent[]) => {
  const end = outcome(events);
  if (end.type !== 'result') return end;
  return { type: 'result', textBytes: bytes((end.output as { text: string }).text) };
};
/** What the engine would store for the attempt: every log line and the final event. */
const storedBytes = (events: ExecutorEvent[]) => events.reduce((n, e) => n + bytes(JSON.stringify(e)), 0);

/** A model that never stops talking: `chunk` again and again, however fast Baton reads. */
async function endlessModel(chunk: unknown) {
  let seen: Promise<EndlessStream> | null = null;
  const s = await serve((_, res) => {
    seen = streamForever(res, chunk);
  });
  return { url: s.url, seen: () => seen! };
}

describe('llm executor: the result cap', () => {
  it('stops an endless stream of small tokens at 1 MB, cancelling the request', async () => {
    const model = await endlessModel(delta('token '.repeat(20)));
    const events = await run(model.url);
    expect(ending(events)).toEqual(CAP_ERROR);
    const seen = await model.seen();
    expect(seen.aborted).toBe(true); // the server saw the request go away
    expect(seen.sentBytes).toBeLessThan(64 * MB);
    expect(storedBytes(events)).toBeLessThan(1.5 * MB);
  });

  it('stops an endless stream of 512 KB tokens without newlines, logs cut', async () => {
    const model = await endlessModel(delta('x'.repeat(512 * 1024)));
    const events = await run(model.url);
    expect(ending(events)).toEqual(CAP_ERROR);
    const seen = await model.seen();
    expect(seen.aborted).toBe(true);
    expect(seen.sentBytes).toBeLessThan(64 * MB);
    const logs = events.filter((e) => e.type === 'log');
    for (const l of logs) expect(bytes(l.text)).toBeLessThan(65 * 1024);
    expect(storedBytes(events)).toBeLessThan(1.5 * MB);
  });

  it('takes an answer of exactly 1 MB, and refuses one a byte longer', async () => {
    const half = 'é'.repeat(256 * 1024); // 512 KB of UTF-8 in 256 K characters
    const exact = await serve((_, res) => streamAll(res, [delta(half), delta(half), finish()]));
    expect(ending(await run(exact.url))).toEqual({ type: 'result', textBytes: MB });
    const over = await serve((_, res) => streamAll(res, [delta(half), delta(half), delta('!'), finish()]));
    expect(ending(await run(over.url))).toEqual(CAP_ERROR);
  });

  it('keeps what the server names short, and cuts a huge error message', async () => {
    const long = 'm'.repeat(400 * 1024);
    const named = await serve((_, res) => streamAll(res, [delta('hi', long), finish(long)]));
    const events = await run(named.url);
    expect(ending(events)).toEqual({ type: 'result', textBytes: 2 });
    expect(storedBytes(events)).toBeLessThan(4 * 1024);
    const failing = await serve((_, res) => streamAll(res, [delta('hi'), { error: { message: long } }]));
    const failed = outcome(await run(failing.url));
    expect(failed.type === 'error' && failed.message).toMatch(/^m{65536} … \[truncated 344064 characters\]$/);
  });

  it('refuses a whole (not streamed) answer over 1 MB', async () => {
    const s = await serve((_, res) =>
      json(res, 200, {
        model: 'tiny-model',
        choices: [{ index: 0, message: { content: 'y'.repeat(MB + 1) }, finish_reason: 'stop' }],
      }),
    );
    const events = await run(s.url);
    expect(ending(events)).toEqual(CAP_ERROR);
    expect(storedBytes(events)).toBeLessThan(MB);
  });
});
