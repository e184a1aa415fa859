import { describe, expect, it } from 'vitest';
import type { Step, StepOf } from '../../../../../src-shared/schemas/step.ts';
import { captureLines, replay } from '../captures.ts';
import { changedPaths, isFileChange } from '../file-changes.ts';

const THREAD = '01a202a8-8a3e-7ee1-b835-3c551ffb5d4d';

const of = <K extends Step['kind']>(steps: Step[], kind: K) =>
  steps.filter((s): s is StepOf<K> => s.kind === kind);

describe('codex stream', () => {
  it('records an edit: the thread id, the file_change item running then done, usage priced at the end', () => {
    const { parser, emitted, steps } = replay('codex', captureLines('codex-edit'), { model: 'gpt-5' });

    expect(steps[0]).toMatchObject({
      kind: 'session',
      seq: 0,
      session_id: THREAD,
      agent: 'codex',
      model: 'gpt-5',
    });
    expect(parser.sessionId).toBe(THREAD);

    const versions = of(emitted, 'tool_call');
    expect(versions.map((v) => [v.seq, v.status])).toEqual([
      [2, 'running'],
      [2, 'done'],
    ]);
    const change = versions[1]!;
    expect(change).toMatchObject({
      call_id: 'item_1',
      name: 'file_change',
      input: { changes: [{ path: '/tmp/attempt/repo/hello.txt', kind: 'add' }] },
      output: 'add /tmp/attempt/repo/hello.txt',
      error: null,
      // Baton's clock between item.started and item.completed (the fake clock ticks 10 ms).
      duration_ms: 10,
    });
    expect(isFileChange(change, 'codex')).toBe(true);
    expect(changedPaths(change)).toEqual(['/tmp/attempt/repo/hello.txt']);

    expect(of(steps, 'message').map((m) => m.text)).toEqual(['Writing hello.txt.', 'Wrote hello.txt.']);
    // turn.completed: 2200 input of which 200 cached, 70 output; at gpt-5's $1.25 / $10 / $0.125.
    expect(of(steps, 'usage')).toEqual([
      expect.objectContaining({
        model: 'gpt-5',
        input_tokens: 2000,
        output_tokens: 70,
        cached_input_tokens: 200,
        cost_usd: 0.003225,
        cost_source: 'priced',
      }),
    ]);
    expect(parser.result).toEqual({ text: 'Wrote hello.txt.', is_error: false, cause: 'completed' });
  });

  it('reads its app-server’s messages as the steps exec’s events make: the same edit, the same usage and result', () => {
    const exec = replay('codex', captureLines('codex-edit'), { model: 'gpt-5' });
    const app = replay('codex', captureLines('codex-app-server-edit'), { model: 'gpt-5' });
    expect(app.parser.noise).toEqual({ not_json: 0, unknown: 0, unreadable: 0, samples: [] });
    const shape = (steps: Step[]) => steps.map((s) => s.kind);
    expect(shape(app.steps)).toEqual(shape(exec.steps));
    expect(app.parser.sessionId).toBe('01a21967-7256-7722-8124-df7997a1dd82');
    const change = of(app.emitted, 'tool_call');
    expect(change.map((v) => v.status)).toEqual(['running', 'done']);
    expect(change[1]).toMatchObject({
      call_id: 'call_1_0',
      name: 'file_change',
      input: { changes: [{ path: '/tmp/attempt/repo/hello.txt', kind: 'add' }] },
      output: 'add /tmp/attempt/repo/hello.txt',
      error: null,
    });
    expect(changedPaths(change[1]!)).toEqual(['/tmp/attempt/repo/hello.txt']);
    expect(of(app.steps, 'message').map((m) => m.text)).toEqual(of(exec.steps, 'message').map((m) => m.text));
    // The thread's totals at turn/completed: 2200 input of which 200 cached, 70 output, as exec's turn.completed said.
    const usage = (steps: Step[]) => of(steps, 'usage').map(({ at: _at, seq: _seq, ...u }) => u);
    expect(usage(app.steps)).toEqual(usage(exec.steps));
    expect(app.parser.result).toEqual(exec.parser.result);
  });

  it('app-server: an interrupted turn is a result; a refused steer a system message; a refused thread ends with an error', () => {
    const line = (o: unknown) => JSON.stringify(o);
    const { steps, parser } = replay('codex', [
      line({ id: 'baton-thread', result: { thread: { id: 't-1' } } }),
      line({
        method: 'item/completed',
        params: { item: { type: 'agentMessage', id: 'm', text: 'Looking.' } },
      }),
      line({ id: 'baton-steer-2', error: { code: -32600, message: 'no active turn' } }),
      line({ id: 'item-ask', method: 'item/commandExecution/requestApproval', params: {} }),
      line({ method: 'turn/completed', params: { turn: { id: 'u', status: 'interrupted', error: null } } }),
    ]);
    expect(parser.sessionId).toBe('t-1');
    expect(of(steps, 'message').map((m) => [m.role, m.text])).toEqual([
      ['assistant', 'Looking.'],
      ['system', 'codex did not take the message into its turn: no active turn'],
      [
        'system',
        'codex asked for an approval (item/commandExecution/requestApproval): declined, as its own approvals are off',
      ],
    ]);
    expect(parser.result).toEqual({ text: 'Looking.', is_error: false, cause: 'completed' });

    const refused = replay('codex', [
      line({ id: 'baton-thread', error: { code: -32600, message: 'no rollout found for thread id x' } }),
    ]);
    expect(refused.parser.result).toEqual({
      text: 'codex refused the session: no rollout found for thread id x',
      is_error: true,
      cause: 'error',
    });
  });

  it('app-server: its retries are retrying errors, as exec’s `Reconnecting…` are; the error it gives up on fails the turn', () => {
    const reason = 'We’re currently experiencing high demand, which may cause temporary errors.';
    const error = (message: string, willRetry: boolean, additionalDetails: string | null) =>
      JSON.stringify({ method: 'error', params: { error: { message, additionalDetails }, willRetry } });
    const { steps, parser } = replay('codex', [
      error('Reconnecting... 1/5', true, reason),
      error('Reconnecting... 2/5', true, reason),
      error(reason, false, null),
      JSON.stringify({
        method: 'turn/completed',
        params: { turn: { status: 'failed', error: { message: reason } } },
      }),
    ]);
    expect(of(steps, 'error').map((e) => [e.message, e.retrying])).toEqual([
      [`codex reconnects (1 of 5): ${reason}`, true],
      [`codex reconnects (2 of 5): ${reason}`, true],
      [reason, false],
    ]);
    expect(parser.result).toEqual({ text: `codex failed: ${reason}`, is_error: true, cause: 'error' });
  });

  it('charges a resumed thread only what this attempt added (turn.completed counts the whole thread)', () => {
    const first = replay('codex', captureLines('codex-edit'), { model: 'gpt-5' });
    const { steps, parser } = replay('codex', captureLines('codex-resume'), {
      model: 'gpt-5',
      prior: first.parser.spent,
    });
    expect(steps[0]).toMatchObject({ kind: 'session', session_id: THREAD });
    expect(
      of(steps, 'usage').map((u) => [u.input_tokens, u.output_tokens, u.cached_input_tokens, u.cost_usd]),
    ).toEqual([[1300, 10, 0, 0.001725]]);
    expect(parser.spent).toEqual({
      usd: 0.001725,
      input_tokens: 1300,
      output_tokens: 10,
      cached_input_tokens: 0,
    });
  });

  it('counts tokens but no money for a model without a price', () => {
    const { steps, parser } = replay('codex', captureLines('codex-edit'), { model: 'scripted-codex' });
    expect(of(steps, 'usage')[0]).toMatchObject({
      cost_usd: null,
      cost_source: 'unpriced',
      model: 'scripted-codex',
    });
    expect(parser.spent).toEqual({
      usd: null,
      input_tokens: 2000,
      output_tokens: 70,
      cached_input_tokens: 200,
    });
  });

  it('records commands with their output, a non-zero exit as failed', () => {
    const { steps } = replay('codex', captureLines('codex-shell'));
    expect(
      of(steps, 'tool_call').map((c) => [c.name, c.input, c.status, c.output, c.error, c.ended_at !== null]),
    ).toEqual([
      ['command_execution', { command: `/bin/bash -lc "printf 'hi\\\\n'"` }, 'done', 'hi\n', null, true],
      [
        'command_execution',
        { command: "/bin/bash -lc 'echo oops >&2; exit 3'" },
        'failed',
        'oops\n',
        'exit code 3',
        true,
      ],
    ]);
  });

  it('turns "Reconnecting..." into retrying errors and turn.failed into an error result', () => {
    const { steps, parser } = replay('codex', captureLines('codex-error'), {}, { code: 1, signal: null });
    const errors = of(steps, 'error');
    expect(errors.map((e) => e.retrying)).toEqual([true, true, true, true, true, false]);
    expect(errors[0]!.message).toBe(
      'codex reconnects (1 of 5): We’re currently experiencing high demand, which may cause temporary errors.',
    );
    expect(parser.result).toEqual({
      text: 'codex failed: We’re currently experiencing high demand, which may cause temporary errors.',
      is_error: true,
      cause: 'error',
    });
    expect(steps.at(-1)?.kind).toBe('result');
  });

  it.each([
    ['faults/codex-status-400', 0, 'codex failed: scripted bad request'],
    ['faults/codex-status-429', 0, 'codex failed: exceeded retry limit, last status: 429 Too Many Requests'],
    ['faults/codex-status-500-fast', 1, 'codex failed: We’re currently experiencing high demand'],
    ['faults/codex-crash', 5, 'codex failed: stream disconnected before completion: error sending request'],
    ['faults/codex-garbage', 5, 'codex failed: stream disconnected before completion: stream closed before'],
    [
      'faults/codex-hang-mid-fast',
      1,
      'codex failed: stream disconnected before completion: idle timeout waiting for SSE',
    ],
  ])('%s: %i retries, then %j', (name, retries, text) => {
    const { steps, parser } = replay('codex', captureLines(name), {}, { code: 1, signal: null });
    expect(of(steps, 'error').filter((e) => e.retrying)).toHaveLength(retries);
    expect(parser.result?.text.startsWith(text)).toBe(true);
    expect(parser.result?.is_error).toBe(true);
  });

  it.each(['faults/codex-hang', 'faults/codex-hang-fast', 'faults/codex-hang-mid', 'faults/codex-endless'])(
    '%s: the thread id, then what Baton saw when it stopped codex',
    (name) => {
      const { steps, parser } = replay('codex', captureLines(name), {}, { code: null, signal: 'SIGTERM' });
      expect(steps.map((s) => s.kind)).toEqual(['session', 'result']);
      expect(parser.result).toEqual({
        text: 'codex was killed by SIGTERM before its final result',
        is_error: true,
        cause: 'exit',
      });
    },
  );

  it('records an MCP tool call with its server and result text', () => {
    const started = {
      id: 'item_5',
      type: 'mcp_tool_call',
      server: 'baton',
      tool: 'list_plans',
      arguments: { q: 1 },
    };
    const lines = [
      JSON.stringify({ type: 'item.started', item: { ...started, status: 'in_progress' } }),
      JSON.stringify({
        type: 'item.completed',
        item: { ...started, status: 'completed', result: { content: [{ type: 'text', text: 'two plans' }] } },
      }),
    ];
    const { steps } = replay('codex', lines);
    expect(of(steps, 'tool_call')[0]).toMatchObject({
      name: 'list_plans',
      server: 'baton',
      input: { q: 1 },
      status: 'done',
      output: 'two plans',
    });
  });
});
