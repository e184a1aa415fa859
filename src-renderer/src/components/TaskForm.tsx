import { useEffect, useId, useState } from 'react';
import type { ZodType } from 'zod';
import { PRIORITIES, retryPolicySchema, taskSpecSchema } from '../../../src-shared/schemas/plan.ts';
import type { Check, TaskDraft } from '../designer/plan-edit.ts';
import { fieldProblem, numberOfText, numberProblem, updateTask } from '../designer/plan-edit.ts';
import { useBaton } from '../store/index.ts';
import { SkillsField } from './SkillsField.tsx';

/** Edits every field of the selected task; problems show next to their field. */
export function TaskForm({ task, index, checks }: { task: TaskDraft; index: number; checks: Check[] }) {
  const edit = useBaton((s) => s.edit);
  const agents = useBaton((s) => s.agents);
  const patch = (p: Partial<TaskDraft>, select?: string) =>
    edit((plan) => updateTask(plan, task.task_id, p), select);
  const problem = (field: string, label: string) => fieldProblem(checks, `tasks[${index}].${field}`, label);
  const dependsOn = problem('depends_on', 'Dependencies');
  return (
    <form className="task-form" aria-label={`Task ${task.task_id}`} onSubmit={(e) => e.preventDefault()}>
      <TextField
        label="Task id"
        value={task.task_id}
        error={problem('task_id', 'Task id')}
        onCommit={(v) => patch({ task_id: v }, v)}
      />
      <TextField
        label="Description"
        value={task.description}
        multiline
        error={problem('description', 'Description')}
        onCommit={(v) => patch({ description: v })}
      />
      <SkillsField
        skills={task.required_skills ?? []}
        error={problem('required_skills', 'Required skills')}
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
      <TextField
        label="Deadline (ISO 8601)"
        value={task.deadline ?? ''}
        placeholder="2026-12-01T17:00:00Z"
        error={problem('deadline', 'Deadline')}
        onCommit={(v) => patch({ deadline: v || undefined })}
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
        onCommit={(v) => patch({ estimated_cost: v })}
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
      <NumberField
        label="Timeout (s)"
        value={task.timeout_s}
        error={problem('timeout_s', 'Timeout (s)')}
        schema={taskSpecSchema.shape.timeout_s}
        onCommit={(v) => patch({ timeout_s: v })}
      />
      <NumberField
        label="Attempts"
        value={task.retry?.max_attempts}
        error={problem('retry', 'Attempts')}
        schema={retryPolicySchema.shape.max_attempts}
        onCommit={(v) => patch({ retry: v === undefined ? undefined : { ...task.retry, max_attempts: v } })}
      />
      {dependsOn && <p className="field-error">{dependsOn}</p>}
    </form>
  );
}

/** A text input that commits on blur or Enter, so undo steps are whole edits. */
export function TextField(props: {
  label: string;
  value: string;
  error: string | null;
  multiline?: boolean;
  placeholder?: string;
  onCommit(value: string): void;
}) {
  const id = useId();
  const [value, setValue] = useState(props.value);
  useEffect(() => setValue(props.value), [props.value]);
  const commit = () => {
    if (value !== props.value) props.onCommit(value);
  };
  const invalid = props.error ? true : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          id={id}
          rows={3}
          value={value}
          placeholder={props.placeholder}
          aria-invalid={invalid}
          onChange={(e) => setValue(e.target.value)}
          onBlur={commit}
        />
      ) : (
        <input
          id={id}
          type="text"
          value={value}
          placeholder={props.placeholder}
          aria-invalid={invalid}
          onChange={(e) => setValue(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
        />
      )}
      {props.error && <span className="field-error">{props.error}</span>}
    </div>
  );
}

/** A number as its field shows it; NaN (text that was no number) is replaced only by another value. */
const shown = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : String(v));

/**
 * A number input, checked as it is typed ("Timeout (s) must be a number of seconds, more than
 * 0"). It commits on blur or Enter like a text field; text that is no number commits as NaN,
 * so the plan's checks hold it back from running, and the field keeps the text as typed.
 */
export function NumberField(props: {
  label: string;
  value: number | undefined;
  /** What the plan's checks say about the field as committed. */
  error: string | null;
  /** The field's schema, to check the text as typed. */
  schema: ZodType;
  onCommit(v: number | undefined): void;
}) {
  const id = useId();
  // The text as typed, and as it was when last loaded or committed (to tell an edit in progress).
  const [field, setField] = useState(() => ({ text: shown(props.value), base: shown(props.value) }));
  // Undo, redo or another edit replaces the text; the commit of this text does not.
  useEffect(() => {
    setField((f) =>
      Object.is(numberOfText(f.text), props.value)
        ? f
        : { text: shown(props.value), base: shown(props.value) },
    );
  }, [props.value]);
  const { text } = field;
  const typed = numberOfText(text);
  const editing = text !== field.base;
  const error = numberProblem(props.label, text, props.schema) ?? (editing ? null : props.error);
  const commit = () => {
    setField({ text, base: text });
    if (!Object.is(typed, props.value)) props.onCommit(typed);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setField({ text: e.target.value, base: field.base })}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
