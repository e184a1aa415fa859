import { useEffect, useId, useState } from 'react';
import { PRIORITIES } from '../../../src-shared/schemas/plan.ts';
import type { Check, TaskDraft } from '../designer/plan-edit.ts';
import { fieldProblem, updateTask } from '../designer/plan-edit.ts';
import { useBaton } from '../store/index.ts';
import { SkillsField } from './SkillsField.tsx';

/** Edits every field of the selected task; problems show next to their field. */
export function TaskForm({ task, index, checks }: { task: TaskDraft; index: number; checks: Check[] }) {
  const edit = useBaton((s) => s.edit);
  const agents = useBaton((s) => s.agents);
  const patch = (p: Partial<TaskDraft>, select?: string) =>
    edit((plan) => updateTask(plan, task.task_id, p), select);
  const problem = (field: string) => fieldProblem(checks, `tasks[${index}].${field}`);
  const dependsOn = problem('depends_on');
  return (
    <form className="task-form" aria-label={`Task ${task.task_id}`} onSubmit={(e) => e.preventDefault()}>
      <TextField
        label="Task id"
        value={task.task_id}
        error={problem('task_id')}
        onCommit={(v) => patch({ task_id: v }, v)}
      />
      <TextField
        label="Description"
        value={task.description}
        multiline
        error={problem('description')}
        onCommit={(v) => patch({ description: v })}
      />
      <SkillsField
        skills={task.required_skills ?? []}
        error={problem('required_skills')}
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
        error={problem('deadline')}
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
        error={problem('estimated_cost')}
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
        error={problem('timeout_s')}
        onCommit={(v) => patch({ timeout_s: v })}
      />
      <NumberField
        label="Attempts"
        value={task.retry?.max_attempts}
        error={problem('retry')}
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

function NumberField(props: {
  label: string;
  value: number | undefined;
  error: string | null;
  onCommit(v: number | undefined): void;
}) {
  return (
    <TextField
      label={props.label}
      value={props.value === undefined ? '' : String(props.value)}
      error={props.error}
      onCommit={(v) => props.onCommit(v.trim() === '' ? undefined : Number(v))}
    />
  );
}
