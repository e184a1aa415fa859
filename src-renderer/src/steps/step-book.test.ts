import { describe, expect, it } from 'vitest';
import type { Step, StoredStep } from '../../../src-shared/schemas/step.ts';
import { mergeSteps, overlay, stepTotals, tokens, usd } from './step-book.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ref = { run_id: 'r', task_id: 't' };
const msg = (seq: number, attempt = 1): StoredStep => ({
  ...ref,
  attempt,
  seq,
  at: at(seq),
  kind: 'message',
  role: 'assistant',
  text: `m${seq}`,
});
const call = (
  seq: number,
  status: 'running' | 'awaiting_approval' | 'done' | 'failed',
  end?: number,
): StoredStep => ({
  ...ref,
  attempt: 1,
  seq,
  at: at(seq),
  kind: 'tool_call',
  call_id: `c${seq}`,
  name: 'Write',
  server: null,
  input: { file_path: 'a.ts' },
  status,
  output: status === 'running' || status === 'awaiting_approval' ? null : 'ok',
  error: status === 'failed' ? 'disk full' : null,
  ended_at: end === undefined ? null : at(end),
  duration_ms: end === undefined ? null : (end - seq) * 1000,
});

describe('a task’s steps as the detail holds them', () => {
  it('keeps each attempt in seq order, the later version of a step replacing the earlier', () => {
    let book = mergeSteps({}, [msg(0), call(1, 'running'), msg(0, 2)]);
    book = mergeSteps(book, [msg(3), call(1, 'done', 2), msg(2)]);
    expect(book[1]!.map((s) => s.seq)).toEqual([0, 1, 2, 3]);
    expect(book[1]![1]).toMatchObject({ kind: 'tool_call', status: 'done', duration_ms: 1000 });
    expect(book[1]![1]).not.toHaveProperty('run_id');
    expect(book[2]!.map((s) => s.seq)).toEqual([0]);
  });
  it('leaves attempts no step arrived for as they were (their rows do not repaint)', () => {
    const book = mergeSteps({}, [msg(0), msg(0, 2)]);
    const next = mergeSteps(book, [msg(1, 2)]);
    expect(next[1]).toBe(book[1]);
    expect(next[2]).not.toBe(book[2]);
  });
  it('lays steps that arrived while reading over what was read, each in its attempt', () => {
    const read = mergeSteps({}, [msg(0), call(1, 'running'), msg(0, 2)]);
    const arrived = mergeSteps({}, [call(1, 'done', 2), msg(1, 2)]);
    const book = overlay(read, arrived);
    expect(book[1]!.map((s) => s.kind === 'tool_call' && s.status)).toEqual([false, 'done']);
    expect(book[2]!.map((s) => s.seq)).toEqual([0, 1]);
  });
  it('merges thousands of steps arriving out of order', () => {
    const seqs = Array.from({ length: 5_000 }, (_, i) => i).sort(
      (a, b) => ((a * 7919) % 5003) - ((b * 7919) % 5003),
    );
    const book = mergeSteps(
      {},
      seqs.map((s) => msg(s)),
    );
    expect(book[1]!.map((s) => s.seq)).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
  });
  it('adds up tokens, money, tool calls (running apart from awaiting approval), errors and sandbox refusals; a step without a price, or of unknown cost, is counted apart', () => {
    const steps: Step[] = [
      ...mergeSteps({}, [
        msg(0),
        call(1, 'done', 4),
        call(2, 'failed', 3),
        call(5, 'running'),
        call(3, 'awaiting_approval'),
      ])[1]!,
      {
        seq: 6,
        at: at(6),
        kind: 'usage',
        model: 'm',
        input_tokens: 1200,
        output_tokens: 300,
        cached_input_tokens: 50,
        cost_usd: 0.012,
        cost_source: 'reported',
        duration_ms: null,
      },
      {
        seq: 7,
        at: at(7),
        kind: 'usage',
        model: 'm',
        input_tokens: 10,
        output_tokens: 5,
        cached_input_tokens: 0,
        cost_usd: null,
        cost_source: 'unpriced',
        duration_ms: null,
      },
      {
        seq: 8,
        at: at(8),
        kind: 'usage',
        model: null,
        input_tokens: 0,
        output_tokens: 0,
        cached_input_tokens: 0,
        cost_usd: null,
        cost_source: 'unknown',
        duration_ms: null,
      },
      { seq: 9, at: at(9), kind: 'error', message: 'overloaded', retrying: true },
      {
        seq: 10,
        at: at(10),
        kind: 'sandbox',
        blocked: 'network',
        target: 'example.com:443',
        process: 'command',
        seen_by: 'filter',
        text: 'sandbox: connection to example.com:443 blocked',
      },
    ];
    expect(stepTotals(steps)).toEqual({
      steps: 10,
      input_tokens: 1210,
      output_tokens: 305,
      cached_input_tokens: 50,
      cost_usd: 0.012,
      unpriced: 1,
      unknown: 1,
      tool_calls: 4,
      tool_failed: 1,
      running: 1,
      awaiting: 1,
      errors: 1,
      blocked: 1,
      blocked_by_candidate: new Map(),
      cache_writes: 0,
      span_ms: 10000,
    });
  });
  it('writes money and tokens short', () => {
    expect([usd(0), usd(0.00123), usd(0.5), usd(12.345)]).toEqual(['$0', '$0.00123', '$0.5', '$12.35']);
    expect([tokens(999), tokens(1234), tokens(45_600), tokens(2_500_000)]).toEqual([
      '999',
      '1.2k',
      '46k',
      '2.5M',
    ]);
  });
});
