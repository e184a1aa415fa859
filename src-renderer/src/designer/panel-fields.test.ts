import { describe, expect, it } from 'vitest';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { conditionSchema, taskSpecSchema } from '../../../src-shared/schemas/plan.ts';
import {
  allowedStatuses,
  conditionFitsForm,
  conditionProblems,
  conditionSummary,
  deciderKind,
  dependencyChoices,
  equalsOfText,
  equalsText,
  jsonText,
  matchingIds,
  outputTestKind,
  parseJsonField,
  patternProblem,
  retryWaits,
  withAllowedStatuses,
  withDeciderKind,
  withOutputTest,
  withRetryField,
  withTestKind,
} from './panel-fields.ts';
import { checkPlan } from './plan-edit.ts';

describe('retry fields', () => {
  it('sets and clears one field at a time, keeping the others', () => {
    const r = withRetryField(undefined, 'max_attempts', 3);
    expect(r).toEqual({ max_attempts: 3 });
    const b = withRetryField(r, 'initial_ms', 500);
    expect(b).toEqual({ max_attempts: 3, backoff: { initial_ms: 500 } });
    // Clearing the attempts keeps the backoff (it used to drop the whole policy).
    expect(withRetryField(b, 'max_attempts', undefined)).toEqual({ backoff: { initial_ms: 500 } });
    expect(withRetryField(b, 'initial_ms', undefined)).toEqual({ max_attempts: 3 });
    expect(withRetryField({ backoff: { jitter: 0.1 } }, 'jitter', undefined)).toBeUndefined();
  });

  it('says what the waits will be, and nothing while a field holds no number', () => {
    expect(retryWaits(undefined)).toBe('One try: set Tries above 1 to retry a failed task.');
    expect(retryWaits({ max_attempts: 3 })).toBe('Waits about 1.0 s, 2.0 s between tries (± 20 %).');
    expect(
      retryWaits({ max_attempts: 8, backoff: { initial_ms: 500, factor: 3, max_ms: 5_000, jitter: 0 } }),
    ).toBe('Waits about 500 ms, 1.5 s, 4.5 s, 5.0 s, … between tries.');
    expect(retryWaits({ max_attempts: 3, backoff: { factor: Number.NaN } })).toBeNull();
  });
});

describe('condition fields', () => {
  it('keeps a dependency that must be done out of the condition, and drops an empty condition', () => {
    expect(allowedStatuses(undefined, 'a')).toEqual(['done']);
    const c = withAllowedStatuses(undefined, 'a', ['failed', 'done']);
    expect(c).toEqual({ dependencies: { a: ['done', 'failed'] } });
    expect(allowedStatuses(c, 'a')).toEqual(['done', 'failed']);
    expect(withAllowedStatuses(c, 'a', ['done'])).toBeUndefined();
    const withOutput = withOutputTest(c, { task_id: 'a', exists: true });
    expect(withAllowedStatuses(withOutput, 'a', ['done'])).toEqual({
      output: { task_id: 'a', exists: true },
    });
    expect(withOutputTest(withOutput, undefined)).toEqual(c);
    // No status at all is kept, so the check can say so.
    expect(withAllowedStatuses(c, 'a', [])).toEqual({ dependencies: { a: [] } });
  });

  it('switches an output test between equals, matches, exists and missing', () => {
    const eq = { task_id: 'a', path: 'result.score', equals: 42 };
    expect(outputTestKind(eq)).toBe('equals');
    expect(withTestKind(eq, 'exists')).toEqual({ task_id: 'a', path: 'result.score', exists: true });
    expect(outputTestKind(withTestKind(eq, 'missing'))).toBe('missing');
    expect(withTestKind({ task_id: 'a', equals: 'ok' }, 'matches')).toEqual({ task_id: 'a', matches: 'ok' });
    expect(withTestKind({ task_id: 'a', exists: true }, 'equals')).toEqual({ task_id: 'a', equals: '' });
  });

  it('tells a condition the form can show from one that needs JSON', () => {
    expect(conditionFitsForm(undefined, [])).toBe(true);
    expect(conditionFitsForm({ dependencies: { a: ['failed'] } }, ['a'])).toBe(true);
    expect(conditionFitsForm({ dependencies: { b: ['failed'] } }, ['a'])).toBe(false);
    expect(conditionFitsForm({ output: { task_id: 'a', equals: 1, matches: 'x' } }, ['a'])).toBe(false);
    expect(conditionFitsForm({ output: { task_id: 'b', exists: true } }, ['a'])).toBe(false);
  });

  it('sums a condition up in a few words', () => {
    expect(conditionSummary(undefined)).toBe('every dependency done');
    expect(
      conditionSummary({ dependencies: { a: ['done', 'failed'] }, output: { task_id: 'a', exists: true } }),
    ).toBe('a done or failed · a output test');
  });

  it('reads an expected value as JSON when it is, else as text, and shows it back the same', () => {
    expect(equalsOfText('42')).toBe(42);
    expect(equalsOfText('true')).toBe(true);
    expect(equalsOfText('"42"')).toBe('42');
    expect(equalsOfText('approved')).toBe('approved');
    for (const v of [42, true, '42', 'approved', { a: 1 }, ''])
      expect(equalsOfText(equalsText(v))).toEqual(v);
  });

  it("says what the plan's checks found in a condition, in the section's words", () => {
    const plan: PlanInput = {
      plan_id: 'p',
      tasks: [
        { task_id: 'a', description: '' },
        {
          task_id: 'b',
          description: '',
          depends_on: ['a'],
          condition: { dependencies: { a: [], c: ['done'] } },
        },
      ],
    };
    expect(conditionProblems(checkPlan(plan, []), 1)).toBe(
      'Choose at least one status for a; Run only when: "c" is not in depends_on',
    );
    expect(conditionProblems(checkPlan(plan, []), 0)).toBeNull();
  });

  it('checks a pattern', () => {
    expect(patternProblem('Pattern', '^ok$')).toBeNull();
    expect(patternProblem('Pattern', '(')).toBe('Pattern is not a valid regular expression');
  });
});

describe('JSON fields', () => {
  const inputs = taskSpecSchema.shape.inputs;
  it('reads blank as none and keeps a value as written', () => {
    expect(parseJsonField('Inputs', '  ', inputs)).toEqual({ ok: true, value: undefined });
    expect(parseJsonField('Inputs', '{"topic": "laptops"}', inputs)).toEqual({
      ok: true,
      value: { topic: 'laptops' },
    });
    // Defaults are not filled in: the draft holds what was typed.
    expect(
      parseJsonField('Condition', '{"output": {"task_id": "a", "exists": true}}', conditionSchema),
    ).toEqual({ ok: true, value: { output: { task_id: 'a', exists: true } } });
    expect(jsonText(undefined)).toBe('');
    expect(jsonText({ a: 1 })).toBe('{\n  "a": 1\n}');
  });

  it('says where the JSON is broken, in words', () => {
    expect(parseJsonField('Inputs', '{"a": 1,}', inputs)).toEqual({
      ok: false,
      message: 'Inputs is not valid JSON (line 1, column 9)',
    });
    expect(parseJsonField('Inputs', '{"a": ', inputs)).toMatchObject({
      message: 'Inputs is not valid JSON: it ends too soon',
    });
    expect(parseJsonField('Inputs', '{"a": laptops}', inputs)).toEqual({
      ok: false,
      message: 'Inputs is not valid JSON: text needs "double quotes"',
    });
  });

  it('names the field and the path inside it for what the schema refuses', () => {
    expect(parseJsonField('Inputs', '[1, 2]', inputs)).toEqual({
      ok: false,
      message: 'Inputs must be an object',
    });
    const big = JSON.stringify({ text: 'x'.repeat(300_000) });
    expect(parseJsonField('Inputs', big, inputs)).toEqual({
      ok: false,
      message: 'Inputs must be at most 262144 bytes as JSON',
    });
    expect(parseJsonField('Condition', '{"dependencies": {"a": ["ok"]}}', conditionSchema)).toEqual({
      ok: false,
      message: 'Condition: dependencies.a[0] must be one of done, failed, skipped, unassigned, cancelled',
    });
    expect(parseJsonField('Condition', '{"output": {"task_id": "a"}}', conditionSchema)).toEqual({
      ok: false,
      message: 'Condition: output: give one of equals, matches or exists',
    });
    expect(parseJsonField('Condition', '{}', conditionSchema)).toEqual({
      ok: false,
      message: 'Condition: a condition needs dependencies or output',
    });
  });
});

describe('dependency picker', () => {
  it('offers the other tasks not waited for yet, and suggests ids as typed', () => {
    const flat = ['a', 'b', 'c', 'd'].map((task_id) => ({ task_id }));
    expect(dependencyChoices(flat, 'c', ['a'])).toEqual(['b', 'd']);
    const ids = ['fetch-1', 'prefetch', 'Fetch-2', 'build', 'fetch-3'];
    expect(matchingIds(ids, 'fetch')).toEqual(['fetch-1', 'Fetch-2', 'fetch-3', 'prefetch']);
    expect(matchingIds(ids, 'fetch', 2)).toEqual(['fetch-1', 'Fetch-2']);
    expect(matchingIds(ids, '')).toEqual(ids);
  });
});

describe('dependency picker and cycles', () => {
  it('leaves out the tasks that already wait for the task, directly or through others', () => {
    // b waits for a, c for b and d; e stands alone. a may not wait for b or c (they wait for it).
    const tasks = [
      { task_id: 'a' },
      { task_id: 'b', depends_on: ['a'] },
      { task_id: 'c', depends_on: ['b', 'd'] },
      { task_id: 'd' },
      { task_id: 'e' },
    ];
    expect(dependencyChoices(tasks, 'a', [])).toEqual(['d', 'e']);
    expect(dependencyChoices(tasks, 'b', ['a'])).toEqual(['d', 'e']);
    expect(dependencyChoices(tasks, 'd', [])).toEqual(['a', 'b', 'e']);
    expect(dependencyChoices(tasks, 'c', ['b', 'd'])).toEqual(['a', 'e']);
  });
});

describe('decider', () => {
  it('switches kind, keeping the guardrail and an llm agent', () => {
    expect(deciderKind(undefined)).toBe('none');
    expect(deciderKind({})).toBe('rules');
    expect(withDeciderKind(undefined, 'rules', 'gpt')).toEqual({ kind: 'rules' });
    const llm = withDeciderKind({ kind: 'rules', max_created_tasks: 5 }, 'llm', 'gpt');
    expect(llm).toEqual({ kind: 'llm', agent_id: 'gpt', max_created_tasks: 5 });
    expect(withDeciderKind(llm, 'rules', 'gpt')).toEqual({ kind: 'rules', max_created_tasks: 5 });
    expect(withDeciderKind(undefined, 'llm', undefined)).toEqual({ kind: 'llm' });
    expect(withDeciderKind(llm, 'none', 'gpt')).toBeUndefined();
  });
});
