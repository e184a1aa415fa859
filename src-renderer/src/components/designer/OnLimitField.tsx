import type { OnLimit } from '../../../../src-shared/schemas/usage-limit.ts';
import { ON_LIMIT_POLICIES } from '../../../../src-shared/schemas/usage-limit.ts';
import { SelectField } from './FormFields.tsx';

/** What each policy is called in the designer, and the line under it. */
export const ON_LIMIT_WORDS: Record<OnLimit, { label: string; hint: string }> = {
  wait: {
    label: 'Wait for the reset',
    hint: 'It waits until the account’s quota comes back, then goes on with the same agent.',
  },
  fail_over: {
    label: 'Hand it to another agent',
    hint: 'It goes at once to the next agent that can do it and is not limited.',
  },
  fail: { label: 'Fail', hint: 'It fails, naming the limit and when it resets.' },
};

const LABEL = 'When a usage limit is hit';

/**
 * `on_limit`: what a task does when its agent's account runs out (a subscription's window, an
 * API's rate limit). A task's field offers its plan's policy as the default; the plan's, `wait`.
 */
export function OnLimitField(props: {
  value: OnLimit | undefined;
  /** The plan's policy, for a task's field; absent for the plan's own. */
  plan?: OnLimit | undefined;
  error: string | null;
  onChange(value: OnLimit | undefined): void;
}) {
  const forTask = 'plan' in props;
  const inherited = props.plan ?? 'wait';
  const shown = props.value ?? (forTask ? '' : 'wait');
  const hint =
    props.value === undefined && forTask
      ? `As the plan says: ${ON_LIMIT_WORDS[inherited].label.toLowerCase()}. ${ON_LIMIT_WORDS[inherited].hint}`
      : ON_LIMIT_WORDS[props.value ?? 'wait'].hint;
  return (
    <SelectField
      label={LABEL}
      value={shown}
      error={props.error}
      hint={hint}
      // The default (the plan's for a task, waiting for a plan) leaves the field out.
      onChange={(v) => {
        const policy = ON_LIMIT_POLICIES.find((p) => p === v);
        props.onChange(policy === undefined || (!forTask && policy === 'wait') ? undefined : policy);
      }}
    >
      {forTask && (
        <option value="">As the plan says ({ON_LIMIT_WORDS[inherited].label.toLowerCase()})</option>
      )}
      {ON_LIMIT_POLICIES.map((p) => (
        <option key={p} value={p}>
          {ON_LIMIT_WORDS[p].label}
        </option>
      ))}
    </SelectField>
  );
}
