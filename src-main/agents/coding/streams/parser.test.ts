import { describe, expect, it } from 'vitest';
import type { Step, StepOf } from '../../../../src-shared/schemas/step.ts';
import { captureLines, fakeClock, parserOf, replay } from '../clis/captures.ts';
import { MAX_STEP_TEXT } from './caps.ts';

const of = <K extends Step['kind']>(steps: Step[], kind: K) =>
  steps.filter((s): s is StepOf<K> => s.kind === kind);

const toolUse = (id: string, name = 'Bash', input: unknown = { command: 'ls' }) =>
  JSON.stringify({
    type: 'assistant',
    message: { id: `m-${id}`, content: [{ type: 'tool_use', id, name, input }] },
  });
const toolResult = (id: string, content: unknown, isError = false) =>
  JSON.stringify({
    type: 'user',
    message: { content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] },
  });

describe('createParser', () => {
  it("records the sandbox's refusals among the stream's steps, each with the next seq", () => {
    const parser = parserOf('codex', { now: fakeClock(), startSeq: 3 });
    const [refused] = parser.sandboxed({
      kind: 'sandbox',
      blocked: 'network',
      target: '127.0.0.1:8080',
      process: 'codex',
      seen_by: 'filter',
      text: 'sandbox: connection to 127.0.0.1:8080 blocked',
    });
    expect(refused).toMatchObject({ kind: 'sandbox', seq: 3, target: '127.0.0.1:8080' });
    const [started] = parser.line('{"type":"thread.started","thread_id":"t1"}');
    expect(started).toMatchObject({ kind: 'session', seq: 4 });
    expect(parser.nextSeq).toBe(5);
  });

  it('counts lines that are not JSON events, keeps the first few, and makes no step of them', () => {
    const parser = parserOf('codex', { now: fakeClock() });
    expect(parser.line('Reading additional input from stdin...')).toEqual([]);
    expect(parser.line('[1, 2]')).toEqual([]);
    expect(parser.line('{"type":"thread.started","thread_id":"t1"')).toEqual([]); // cut JSON
    expect(parser.line('{"type":"thread.frobnicated"}')).toEqual([]);
    expect(parser.line('   ')).toEqual([]);
    expect(parser.line('')).toEqual([]);
    expect(parser.noise).toEqual({
      not_json: 3,
      unknown: 1,
      unreadable: 0,
      samples: [
        'not JSON: Reading additional input from stdin...',
        'not JSON: [1, 2]',
        'not JSON: {"type":"thread.started","thread_id":"t1"',
        'unknown event: {"type":"thread.frobnicated"}',
      ],
    });
    expect(parser.sessionId).toBeNull();
  });

  it('quotes the first non-JSON line when the CLI ends without a result', () => {
    const parser = parserOf('claude', { now: fakeClock() });
    parser.line('Error: Invalid API key · Please run /login');
    parser.line('more noise');
    const [result] = parser.end({ code: 1, signal: null });
    expect(result).toMatchObject({
      kind: 'result',
      is_error: true,
      text: 'claude exited with code 1 before its final result; it printed 2 lines that were not JSON, the first: Error: Invalid API key · Please run /login',
    });
    expect(parser.result?.cause).toBe('exit');
  });

  it('says when a CLI printed nothing at all, and when it was killed', () => {
    const silent = parserOf('codex');
    expect(silent.end({ code: 1, signal: null })).toEqual([
      expect.objectContaining({
        kind: 'result',
        text: 'codex exited with code 1 without printing anything',
        is_error: true,
      }),
    ]);
    const killed = parserOf('qwen');
    killed.line(captureLines('qwen-edit')[0]!);
    expect(killed.end({ code: null, signal: 'SIGKILL' }).at(-1)).toMatchObject({
      text: 'qwen was killed by SIGKILL before its final result',
    });
  });

  it('ignores lines after end, and a second end', () => {
    const parser = parserOf('opencode');
    parser.end({ code: 0, signal: null });
    expect(parser.line(captureLines('opencode-edit')[0]!)).toEqual([]);
    expect(parser.end({ code: 0, signal: null })).toEqual([]);
    expect(parser.sessionId).toBeNull();
  });

  it('numbers steps from startSeq; an updated tool call keeps its seq', () => {
    const parser = parserOf('claude', { now: fakeClock(), startSeq: 41 });
    const [running] = parser.line(toolUse('t1'));
    const [done] = parser.line(toolResult('t1', 'a\nb'));
    expect(running).toMatchObject({ seq: 41, status: 'running' });
    expect(done).toMatchObject({ seq: 41, status: 'done', output: 'a\nb', duration_ms: 10 });
    // The running version handed out before is not changed afterwards.
    expect(running).toMatchObject({ status: 'running', output: null });
    expect(parser.nextSeq).toBe(42);
  });

  it('a call seen only when it ends is one step, not a running one and then a done one', () => {
    const parser = parserOf('opencode', { now: fakeClock() });
    const steps = parser.line(captureLines('opencode-shell')[1]!);
    expect(steps.map((s) => [s.kind, s.seq])).toEqual([
      ['session', 0],
      ['tool_call', 1],
    ]);
    expect(steps[1]).toMatchObject({ status: 'done' });
  });

  it('keeps call ids unique: an id used again after its call ended is a new call', () => {
    const { steps } = replay('claude', [
      toolUse('t1'),
      toolResult('t1', 'one'),
      toolUse('t1'),
      toolResult('t1', 'two'),
      toolUse('t1'),
      toolResult('t1', 'three'),
    ]);
    expect(of(steps, 'tool_call').map((c) => [c.call_id, c.output])).toEqual([
      ['t1', 'one'],
      ['t1#2', 'two'],
      ['t1#3', 'three'],
    ]);
  });

  it('records an answer to a call it never saw, and fails calls still running at the end', () => {
    const { steps } = replay(
      'claude',
      [toolResult('ghost', 'boo'), toolUse('t2')],
      {},
      { code: 1, signal: null },
    );
    expect(of(steps, 'tool_call').map((c) => [c.call_id, c.name, c.status, c.output, c.error])).toEqual([
      ['ghost', '(unnamed tool)', 'done', 'boo', null],
      ['t2', 'Bash', 'failed', null, 'no answer: claude ended before the tool answered'],
    ]);
  });

  it('cuts long tool output, messages and tool input at the step text cap, with a marker', () => {
    const big = 'x'.repeat(MAX_STEP_TEXT + 1000);
    const text = JSON.stringify({
      type: 'assistant',
      message: { id: 'm', content: [{ type: 'text', text: big }] },
    });
    const { steps } = replay('claude', [
      text,
      toolUse('w', 'Write', { file_path: '/r/big.txt', content: big }),
      toolResult('w', [{ type: 'text', text: big }, { type: 'image' }]),
    ]);
    const message = of(steps, 'message')[0]!;
    expect(message.text).toHaveLength(MAX_STEP_TEXT + ' … [truncated 1000 characters]'.length);
    expect(message.text.endsWith(' … [truncated 1000 characters]')).toBe(true);
    const call = of(steps, 'tool_call')[0]!;
    expect(call.output?.endsWith('characters]')).toBe(true);
    expect(call.output!.length).toBeLessThan(MAX_STEP_TEXT + 100);
    // The input keeps its shape: the path whole, the content cut.
    expect(call.input).toMatchObject({ file_path: '/r/big.txt' });
    expect(JSON.stringify(call.input).length).toBeLessThanOrEqual(MAX_STEP_TEXT);
  });

  it('an input too large even with its strings cut is kept as a preview', () => {
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    const { steps } = replay('claude', [toolUse('w', 'Tool', wide)]);
    const input = of(steps, 'tool_call')[0]!.input;
    expect(input).toMatchObject({ truncated: expect.stringMatching(/^input of \d+ characters$/) });
  });

  it('hands out spent as a copy', () => {
    const parser = parserOf('qwen');
    for (const line of captureLines('qwen-edit')) parser.line(line);
    const spent = parser.spent;
    spent.input_tokens = 0;
    expect(parser.spent.input_tokens).toBe(2000);
  });
});
