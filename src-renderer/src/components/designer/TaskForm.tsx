import { useMemo } from 'react';
import type { ZodType } from 'zod';
import { mayGoToCodingAgent } from '../../../../src-shared/schemas/plain/workspace.ts';
import { PRIORITIES, retryPolicySchema, taskSpecSchema } from '../../../../src-shared/schemas/plan.ts';
import { codingSummary } from '../../designer/coding-fields.ts';
import type { RetryField } from '../../designer/panel-fields.ts';
import {
  conditionProblems,
  conditionSummary,
  RETRY_DEFAULTS,
  retryWaits,
  withRetryField,
} from '../../designer/panel-fields.ts';
import type { Check, TaskDraft } from '../../designer/plan-edit.ts';
import { checksAt, fieldProblem, renameTask, updateTask } from '../../designer/plan-edit.ts';
import { knownSkills, skillWarning } from '../../designer/skills.ts';
import { fieldMessage } from '../../format/field-message.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { SkillsField } from '../shared/SkillsField.tsx';
import { CodingTaskFields } from './CodingTaskFields.tsx';
import { ConditionField } from './ConditionField.tsx';
import { DeadlineField } from './DeadlineField.tsx';
import { DependsOnField } from './DependsOnField.tsx';
import { NumberField, TextField } from './FormFields.tsx';
import { JsonField } from './JsonField.tsx';
import { OnLimitField } from './OnLimitField.tsx';
import { PanelSection } from './PanelSection.tsx';

const backoff = retryPolicySchema.shape.backoff.unwrap().shape;

/** The retry fields: label, schema (to check as typed) and the default a blank field means. */
const RETRY_FIELDS: { field: RetryField; label: string; schema: ZodType; fallback: number }[] = [
  {
    field: 'max_attempts',
    // Not "Attempts": best of N's `attempts` are candidates side by side; these are tries one after another.
    label: 'Tries',
    schema: retryPolicySchema.shape.max_attempts,
    fallback: RETRY_DEFAULTS.max_attempts,
  },
  {
    field: 'initial_ms',
    label: 'First wait (ms)',
    schema: backoff.initial_ms,
    fallback: RETRY_DEFAULTS.backoff.initial_ms,
  },
  { field: 'factor', label: 'Wait factor', schema: backoff.factor, fallback: RETRY_DEFAULTS.backoff.factor },
  {
    field: 'max_ms',
    label: 'Longest wait (ms)',
    schema: backoff.max_ms,
    fallback: RETRY_DEFAULTS.backoff.max_ms,
  },
  {
    field: 'jitter',
    label: 'Jitter (0 to 1)',
    schema: backoff.jitter,
    fallback: RETRY_DEFAULTS.backoff.jitter,
  },
];

/** The fields of the Coding work section: one set (or wrong) opens it on a task no coding agent may take. */
const CODING_FIELDS = [
  'workspace',
  'review',
  'on_conflict',
  'checks',
  'fix_rounds',
  'on_checks_failed',
  'attempts',
  'candidates',
  'judge',
] as const satisfies readonly (keyof TaskDraft)[];

const retryValue = (task: TaskDraft, field: RetryField) =>
  field === 'max_attempts' ? task.retry?.max_attempts : task.retry?.backoff?.[field];

/** Edits every field of the selected task; problems show next to their field. */
export function TaskForm({ task, index, checks }: { task: TaskDraft; index: number; checks: Check[] }) {
  const edit = useBaton((s) => s.edit);
  const tryEdit = useBaton((s) => s.tryEdit);
  const selectTask = useBaton((s) => s.selectTask);
  const agents = useBaton((s) => s.agents);
  const known = useMemo(() => knownSkills(agents), [agents]);
  const patch = (p: Partial<Omit<TaskDraft, 'task_id'>>, merge?: string) =>
    edit((plan) => updateTask(plan, task.task_id, p), undefined, merge);
  // A taken or invalid id is refused, like a cycle: the field keeps it, with the reason.
  const rename = (to: string) => tryEdit((plan) => renameTask(plan, task.task_id, to), to);
  const problem = (field: string, label: string) => fieldProblem(checks, `tasks[${index}].${field}`, label);
  const dependsOn = task.depends_on ?? [];
  const retryPath = (f: RetryField) => (f === 'max_attempts' ? `retry.${f}` : `retry.backoff.${f}`);
  const retryErrors = checksAt(checks, `tasks[${index}].retry`).length > 0;
  // A problem with the policy itself rather than one of its fields (an unknown key, say).
  const retryOther =
    checks
      .filter((c) => c.path === `tasks[${index}].retry` || c.path === `tasks[${index}].retry.backoff`)
      .map((c) => fieldMessage('Retries', c.message))
      .join('; ') || null;
  const conditionError = conditionProblems(checks, index);
  const inputsError = problem('inputs', 'Inputs');
  const attempts = task.retry?.max_attempts;
  const inputKeys = task.inputs ? Object.keys(task.inputs).length : 0;
  const outputError = problem('output_schema', 'Answer format');
  // JSON typed here before and not applied (kept while another task was shown) opens its section.
  const inputsKey = `task:${task.task_id}:inputs`;
  const outputKey = `task:${task.task_id}:output_schema`;
  const inputsKept = useBaton((s) => s.unapplied[inputsKey] !== undefined);
  const outputKept = useBaton((s) => s.unapplied[outputKey] !== undefined);
  const tags = task.tags ?? [];
  const planWorkspace = useBaton((s) => s.draft?.workspace);
  const planOnLimit = useBaton((s) => s.draft?.on_limit);
  // A task a coding agent may take shows what it needs next to its agent; others keep it folded.
  const coding = mayGoToCodingAgent(task, agents);
  const codingSet = CODING_FIELDS.some((f) => task[f] !== undefined);
  const codingError = CODING_FIELDS.some((f) => checksAt(checks, `tasks[${index}].${f}`).length > 0);
  const codingSection = (
    <PanelSection
      title="Coding work"
      summary={codingSummary(task, planWorkspace, coding)}
      hasValue={coding || codingSet}
      error={codingError}
    >
      <CodingTaskFields task={task} index={index} checks={checks} patch={patch} />
    </PanelSection>
  );
  return (
    <form className="task-form" aria-label={`Task ${task.task_id}`} onSubmit={(e) => e.preventDefault()}>
      <div className="panel-head">
        <h2 className="panel-title">
          Task <code>{task.task_id}</code>
        </h2>
        <button type="button" className="link small" onClick={() => selectTask(null)}>
          The plan's fields
        </button>
      </div>
      <TextField
        label="Task id"
        value={task.task_id}
        error={problem('task_id', 'Task id')}
        onCommit={rename}
      />
      <TextField
        label="Description"
        value={task.description}
        multiline
        error={problem('description', 'Description')}
        onCommit={(v) => patch({ description: v })}
      />
      <DependsOnField
        taskId={task.task_id}
        dependsOn={dependsOn}
        error={problem('depends_on', 'Dependencies')}
      />
      <SkillsField
        skills={task.required_skills ?? []}
        error={problem('required_skills', 'Required skills')}
        suggestions={known}
        warn={agents.length > 0 ? (s) => skillWarning(s, known) : undefined}
        onChange={(s) => patch({ required_skills: s })}
      />
      <label>
        Priority
        <select
          value={task.priority ?? 'MEDIUM'}
          onChange={(e) => patch({ priority: e.target.value as TaskDraft['priority'] })}
        >
          {PRIORITIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <DeadlineField
        value={task.deadline}
        error={problem('deadline', 'Deadline')}
        onCommit={(v, merge) => patch({ deadline: v }, merge)}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={task.requires_approval ?? false}
          onChange={(e) => patch({ requires_approval: e.target.checked })}
        />
        Requires approval
      </label>
      <NumberField
        label="Estimated cost"
        value={task.estimated_cost}
        error={problem('estimated_cost', 'Estimated cost')}
        schema={taskSpecSchema.shape.estimated_cost}
        onCommit={(v, merge) => patch({ estimated_cost: v }, merge)}
      />
      <label>
        Agent
        <select value={task.agent ?? ''} onChange={(e) => patch({ agent: e.target.value || undefined })}>
          <option value="">Best fit (by skills)</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id}
            </option>
          ))}
        </select>
      </label>
      {coding && codingSection}
      <NumberField
        label="Timeout (s)"
        value={task.timeout_s}
        error={problem('timeout_s', 'Timeout (s)')}
        schema={taskSpecSchema.shape.timeout_s}
        onCommit={(v, merge) => patch({ timeout_s: v }, merge)}
      />
      <OnLimitField
        value={task.on_limit}
        plan={planOnLimit}
        error={problem('on_limit', 'When a usage limit is hit')}
        onChange={(v) => patch({ on_limit: v })}
      />
      <PanelSection
        title="Retries"
        summary={
          attempts !== undefined && Number.isFinite(attempts)
            ? plural(attempts, 'try', 'tries')
            : 'no retries'
        }
        hasValue={task.retry !== undefined}
        error={retryErrors}
      >
        <div className="field-grid">
          {RETRY_FIELDS.map((f) => (
            <NumberField
              key={f.field}
              label={f.label}
              value={retryValue(task, f.field)}
              placeholder={String(f.fallback)}
              error={problem(retryPath(f.field), f.label)}
              schema={f.schema}
              onCommit={(v, merge) => patch({ retry: withRetryField(task.retry, f.field, v) }, merge)}
            />
          ))}
        </div>
        <p className="field-hint">{retryWaits(task.retry) ?? 'Blank fields use the defaults shown.'}</p>
        {retryOther && <span className="field-error">{retryOther}</span>}
      </PanelSection>
      <PanelSection
        title="Run only when"
        summary={conditionSummary(task.condition)}
        hasValue={task.condition !== undefined}
        error={conditionError !== null}
      >
        <ConditionField
          condition={task.condition}
          dependsOn={dependsOn}
          error={conditionError}
          onCommit={(c) => patch({ condition: c })}
        />
      </PanelSection>
      <PanelSection
        title="Inputs"
        summary={inputKeys === 0 ? 'none' : plural(inputKeys, 'value')}
        hasValue={task.inputs !== undefined}
        error={inputsError !== null || inputsKept}
      >
        <JsonField
          label="Inputs (JSON)"
          value={task.inputs}
          schema={taskSpecSchema.shape.inputs}
          error={inputsError}
          placeholder={'{ "topic": "laptops", "max_results": 5 }'}
          hint="An object the agent receives with the task; blank for none."
          keep={{ key: inputsKey, task_id: task.task_id }}
          onCommit={(v) => patch({ inputs: v })}
        />
      </PanelSection>
      <PanelSection
        title="Answer format"
        summary={task.output_schema ? 'a JSON Schema' : 'any answer'}
        hasValue={task.output_schema !== undefined}
        error={outputError !== null || outputKept}
      >
        <JsonField
          label="Output schema (JSON Schema)"
          value={task.output_schema}
          schema={taskSpecSchema.shape.output_schema}
          error={outputError}
          placeholder={'{ "type": "object", "required": ["summary"] }'}
          hint="The answer must meet it (an llm agent is asked for it, and retried once on a mismatch); blank for any answer."
          keep={{ key: outputKey, task_id: task.task_id }}
          onCommit={(v) => patch({ output_schema: v })}
        />
      </PanelSection>
      <PanelSection
        title="Tags"
        summary={tags.length === 0 ? 'none' : tags.join(', ')}
        hasValue={tags.length > 0}
        error={problem('tags', 'Tags') !== null}
      >
        <SkillsField
          label="Tags"
          skills={tags}
          error={problem('tags', 'Tags')}
          onChange={(t) => patch({ tags: t.length > 0 ? t : undefined })}
        />
        <p className="field-hint">
          Labels remote workers select tasks by (not skills: they do not decide who can take it).
        </p>
      </PanelSection>
      {!coding && codingSection}
    </form>
  );
}
