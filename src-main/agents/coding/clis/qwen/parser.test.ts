import { describe, expect, it } from 'vitest';
import type { Step, StepOf } from '../../../../../src-shared/schemas/step.ts';
import { captureLines, replay } from '../captures.ts';
import { changedPaths, isFileChange } from '../file-changes.ts';

const SESSION = 'b9b9809b-81a3-4e7a-8844-827c519f12a4';
const PRICE = { 'scripted-qwen': { input_per_mtok: 1, output_per_mtok: 5 } };

const of = <K extends Step['kind']>(steps: Step[], kind: K) =>
  steps.filter((s): s is StepOf<K> => s.kind === kind);

const usageFigures = (steps: Step[]) =>
  of(steps, 'usage').map((u) => [
    u.input_tokens,
    u.output_tokens,
    u.cached_input_tokens,
    u.cost_usd,
    u.cost_source,
  ]);

describe('qwen stream', () => {
  it('records an edit: session, write_file running then done, usage per model answer', () => {
    const { parser, emitted, steps } = replay('qwen', captureLines('qwen-edit'), { prices: PRICE });
    expect(steps[0]).toMatchObject({
      kind: 'session',
      session_id: SESSION,
      agent: 'qwen 0.24.4',
      model: 'scripted-qwen',
    });
    const versions = of(emitted, 'tool_call');
    expect(versions.map((v) => v.status)).toEqual(['running', 'done']);
    expect(versions[1]).toMatchObject({
      call_id: 'call_1_0',
      name: 'write_file',
      input: { file_path: '/tmp/attempt/repo/hello.txt', content: 'hello from qwen\n' },
      output: 'Successfully created and wrote to new file: /tmp/attempt/repo/hello.txt.',
      error: null,
    });
    expect(isFileChange(versions[1]!, 'qwen')).toBe(true);
    expect(changedPaths(versions[1]!)).toEqual(['/tmp/attempt/repo/hello.txt']);

    // Input includes the cached 200 (OpenAI style): 1000 → 800 + 200 cached. No cached price
    // in the table: cached input at the input price. result.usage adds nothing new.
    expect(usageFigures(steps)).toEqual([
      [800, 50, 200, 0.00125, 'priced'],
      [1200, 20, 0, 0.0013, 'priced'],
    ]);
    expect(parser.spent).toEqual({
      usd: 0.00255,
      input_tokens: 2000,
      output_tokens: 70,
      cached_input_tokens: 200,
    });
    expect(parser.result).toEqual({ text: 'Wrote hello.txt.', is_error: false, cause: 'completed' });
  });

  it('charges a resumed session only this attempt (result.usage counts the whole session)', () => {
    const first = replay('qwen', captureLines('qwen-edit'));
    const resumed = replay('qwen', captureLines('qwen-resume'), { prior: first.parser.spent });
    expect(usageFigures(resumed.steps)).toEqual([[1300, 10, 0, null, 'unpriced']]);
    expect(resumed.parser.spent).toEqual({
      usd: null,
      input_tokens: 1300,
      output_tokens: 10,
      cached_input_tokens: 0,
    });

    // Without `prior`, the session's earlier runs would be charged again.
    const uninformed = replay('qwen', captureLines('qwen-resume'));
    expect(usageFigures(uninformed.steps)).toEqual([
      [1300, 10, 0, null, 'unpriced'],
      [2000, 70, 200, null, 'unpriced'],
    ]);
  });

  it('records shell calls; is_error marks the failed one', () => {
    const { steps } = replay('qwen', captureLines('qwen-shell'));
    const calls = of(steps, 'tool_call');
    expect(calls.map((c) => [c.name, c.input, c.status])).toEqual([
      ['run_shell_command', { command: "printf 'hi\\n'" }, 'done'],
      ['run_shell_command', { command: 'echo oops >&2; exit 3' }, 'failed'],
    ]);
    expect(calls[1]!.error).toContain('Exit Code: 3');
  });

  it.each([
    ['qwen-error', 'the model server answered 500: scripted server error', 'model_error'],
    ['faults/qwen-status-400', 'the model server answered 400: scripted bad request', 'model_error'],
    ['faults/qwen-status-500-fast', 'the model server answered 500: scripted server error', 'model_error'],
    [
      'faults/qwen-garbage',
      `the model request failed: Unexpected token 'o', "{"this is": not json" is not valid JSON`,
      'model_error',
    ],
  ])('%s: the [API Error] text becomes an error step, the result %j', (name, text, cause) => {
    const { steps, parser } = replay('qwen', captureLines(name), {}, { code: 1, signal: null });
    expect(of(steps, 'error')).toEqual([expect.objectContaining({ message: text, retrying: false })]);
    expect(of(steps, 'message')).toEqual([]);
    expect(parser.result).toEqual({ text, is_error: true, cause });
  });

  it('turns system/retry into retrying errors, with attempt and delay when qwen gives them', () => {
    const { steps, parser } = replay(
      'qwen',
      captureLines('faults/qwen-status-429'),
      {},
      {
        code: null,
        signal: 'SIGTERM',
      },
    );
    expect(of(steps, 'error').map((e) => [e.message, e.retrying])).toEqual([
      ['the model request failed; qwen retries (1 of 10) in 60.0 s', true],
      ['the model request failed; qwen retries', true],
    ]);
    expect(parser.result?.text).toBe('qwen was killed by SIGTERM before its final result');
  });

  it.each([
    'faults/qwen-crash',
    'faults/qwen-crash-fast',
    'faults/qwen-hang',
    'faults/qwen-hang-fast',
    'faults/qwen-hang-mid',
    'faults/qwen-endless',
  ])('%s: stopped by Baton before a result', (name) => {
    const { parser } = replay('qwen', captureLines(name), {}, { code: null, signal: 'SIGTERM' });
    expect(parser.sessionId).not.toBeNull();
    expect(parser.result).toMatchObject({ is_error: true, cause: 'exit' });
  });

  it('a cut answer qwen continued reads as a success, as the README warns', () => {
    const { steps, parser } = replay('qwen', captureLines('faults/qwen-hang-mid-fast'));
    expect(of(steps, 'error').map((e) => e.retrying)).toEqual([true]);
    expect(parser.result).toEqual({
      text: 'Partial (the script of task has no turn 1)',
      is_error: false,
      cause: 'completed',
    });
  });
});
