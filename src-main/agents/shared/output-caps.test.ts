import type { ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../engine/executor.ts';
import { createHttpExecutor } from '../http/http.ts';
import { localServers } from '../testing/local-server.ts';
import { collect, outcome, removeWorkspaces, taskContext } from '../testing/task-context.ts';
import { capOutput, formatBytes, MAX_LOG_LINE, OUTPUT_CAPS, resultCapError } from './output-caps.ts';

afterAll(removeWorkspaces);
const serve = localServers();

async function* from(events: ExecutorEvent[]) {
  yield* events;
}
const all = async (it: AsyncIterable<ExecutorEvent>) => {
  const out: ExecutorEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
};

describe('output caps', () => {
  it('names caps in words', () => {
    expect(formatBytes(OUTPUT_CAPS.llm.result)).toBe('1 MB');
    expect(formatBytes(OUTPUT_CAPS.http.result)).toBe('16 MB');
    expect(formatBytes(MAX_LOG_LINE)).toBe('64 KB');
    expect(formatBytes(1000)).toBe('1000 bytes');
    expect(resultCapError('llm')).toBe('the answer passed the 1 MB result cap of llm agents');
  });

  it('drops log lines and progress past the log cap, after one line saying so; the rest passes', async () => {
    const line = 'z'.repeat(60 * 1024);
    const many = Array.from(
      { length: 200 },
      (_, i): ExecutorEvent =>
        i % 2
          ? { type: 'log', stream: 'stdout', text: line }
          : { type: 'progress', percent: 1, message: line },
    );
    const usage: ExecutorEvent = {
      type: 'usage',
      prompt_tokens: 1,
      completion_tokens: 1,
      cost: 0,
      model: 'm',
    };
    const events = await all(capOutput('command', from([...many, usage, { type: 'result', output: 1 }])));
    const notes = events.filter((e) => e.type === 'log' && e.stream === 'info');
    expect(notes).toEqual([
      {
        type: 'log',
        stream: 'info',
        text: 'the log passed the 8 MB log cap of command agents: the rest is dropped',
      },
    ]);
    const kept = events.filter((e) => e.type === 'log' || e.type === 'progress').length - 1;
    expect(kept).toBe(Math.floor((8 * 1024 * 1024) / (line.length + 16)));
    expect(events.slice(-2)).toEqual([usage, { type: 'result', output: 1 }]);
  });

  it('cuts a line longer than 64 KB, once', async () => {
    const long = 'q'.repeat(200_000);
    const [log, progress] = await all(
      capOutput(
        'llm',
        from([
          { type: 'log', stream: 'stdout', text: long },
          { type: 'progress', percent: 5, message: long },
        ]),
      ),
    );
    expect(log).toEqual({
      type: 'log',
      stream: 'stdout',
      text: `${'q'.repeat(MAX_LOG_LINE)} … [truncated ${200_000 - MAX_LOG_LINE} characters]`,
    });
    expect(progress).toMatchObject({ type: 'progress', percent: 5 });
    expect(progress?.type === 'progress' && progress.message?.length).toBeLessThan(MAX_LOG_LINE + 100);
  });

  it('fails an http answer larger than 16 MB without retrying it, the request cancelled', async () => {
    let closedEarly: Promise<boolean> = Promise.resolve(false);
    const s = await serve((_, res) => {
      closedEarly = sendJunk(res, 64 * 1024 * 1024); // far more than sockets buffer
    });
    const executor = createHttpExecutor({ retryBaseMs: 10, random: () => 0 });
    const events = await collect(executor, taskContext({ id: 'remote', kind: 'http', url: s.url }));
    expect(outcome(events)).toEqual({
      type: 'error',
      message: `POST ${s.url}/: the answer passed the 16 MB result cap of http agents`,
    });
    expect(s.requests).toHaveLength(1);
    expect(await closedEarly).toBe(true);
  });
});

/** Sends `size` bytes of a JSON string; resolves whether the client went away before the end. */
function sendJunk(res: ServerResponse, size: number): Promise<boolean> {
  res.writeHead(200, { 'content-type': 'application/json' });
  const piece = 'j'.repeat(64 * 1024);
  let sent = 0;
  const closed = new Promise<boolean>((resolve) => res.on('close', () => resolve(!res.writableFinished)));
  const pump = () => {
    while (!res.destroyed && sent < size) {
      sent += piece.length;
      if (!res.write(sent === piece.length ? `"${piece}` : piece)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end('"');
  };
  pump();
  return closed;
}
