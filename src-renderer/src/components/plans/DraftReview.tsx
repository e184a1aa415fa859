import { useId, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ScopeDraft } from '../../../../src-shared/contract/domains/scope.ts';
import type { PlanInput } from '../../../../src-shared/schemas/plan.ts';
import { parsePlan } from '../../../../src-shared/schemas/plan.ts';
import { connect, disconnect, updateTask } from '../../designer/plan-edit.ts';
import { knownSkills } from '../../designer/skills.ts';
import { useBaton } from '../../store/index.ts';
import { PlanGraph } from '../graph/PlanGraph.tsx';
import { otherTasks, skillNote, withSkill } from './draft-review.ts';

/**
 * A drafted plan to review before it is created: its name and id, how the goal was read, the
 * tasks as a small graph (what runs side by side, what after what), and each task's description,
 * skill (with how the draft matched it to one an agent has) and what it comes after, editable.
 */
export function DraftReview({
  draft,
  plan,
  idProblem,
  onChange,
}: {
  draft: ScopeDraft;
  plan: PlanInput;
  /** What is wrong with the plan id typed, if anything. */
  idProblem: string | null;
  onChange(plan: PlanInput): void;
}) {
  const id = useId();
  const skills = useBaton(useShallow((s) => knownSkills(s.agents)));
  const parsed = useMemo(() => parsePlan(plan), [plan]);
  const [shape, ...others] = draft.notes;
  // Notes about one task show beside it; the rest below the tasks.
  const general = others.filter((n) => !plan.tasks.some((t) => n.startsWith(`${t.task_id}:`)));
  return (
    <div className="draft-review">
      <div className="draft-names">
        <label>
          Name
          <input
            type="text"
            value={plan.name ?? ''}
            onChange={(e) => onChange({ ...plan, name: e.target.value })}
          />
        </label>
        <label>
          Plan id
          <input
            type="text"
            value={plan.plan_id}
            aria-invalid={idProblem !== null}
            aria-describedby={idProblem ? `${id}-id` : undefined}
            onChange={(e) => onChange({ ...plan, plan_id: e.target.value.trim() })}
          />
          {idProblem && (
            <span id={`${id}-id`} className="field-error small">
              {idProblem}
            </span>
          )}
        </label>
      </div>
      {shape && <p className="small draft-shape">{shape}</p>}
      <section className="draft-graph" aria-label="Draft preview">
        {parsed.ok ? (
          <PlanGraph plan={parsed.plan} runId={undefined} compact fitWhole />
        ) : (
          <p className="muted small">The preview returns once every task is valid.</p>
        )}
      </section>
      <table className="tasks draft-tasks" aria-label="Drafted tasks">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">What it does</th>
            <th scope="col">Skill</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {plan.tasks.map((t) => (
            <TaskRow key={t.task_id} plan={plan} task={t} draft={draft} skills={skills} onChange={onChange} />
          ))}
        </tbody>
      </table>
      {general.length > 0 && (
        <ul className="small muted draft-notes" aria-label="About the draft">
          {general.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TaskRow({
  plan,
  task,
  draft,
  skills,
  onChange,
}: {
  plan: PlanInput;
  task: PlanInput['tasks'][number];
  draft: ScopeDraft;
  skills: readonly string[];
  onChange(plan: PlanInput): void;
}) {
  const skill = task.required_skills?.[0];
  const note = skillNote(
    skill,
    draft.matches.find((m) => m.task_id === task.task_id),
  );
  // A skill the draft gave that no agent has (Baton's general names, before any agent is registered).
  const options = skill && !skills.includes(skill) ? [...skills, skill] : skills;
  const deps = task.depends_on ?? [];
  return (
    <tr aria-label={`Task ${task.task_id}`}>
      <th scope="row">
        <code>{task.task_id}</code>
      </th>
      <td data-label="What it does">
        <input
          type="text"
          aria-label={`What ${task.task_id} does`}
          value={task.description}
          onChange={(e) => onChange(updateTask(plan, task.task_id, { description: e.target.value }))}
        />
      </td>
      <td data-label="Skill">
        <select
          aria-label={`Skill of ${task.task_id}`}
          value={skill ?? ''}
          onChange={(e) => onChange(withSkill(plan, task.task_id, e.target.value))}
        >
          <option value="">no skill</option>
          {options.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <div className={`small ${note.warn ? 'skill-warn' : 'muted'}`}>{note.text}</div>
      </td>
      <td data-label="After">
        <fieldset className="draft-after">
          <legend className="visually-hidden">What {task.task_id} comes after</legend>
          {otherTasks(plan, task.task_id).map((other) => {
            const on = deps.includes(other);
            // A dependency that would close a cycle is not offered.
            const allowed = on || connect(plan, other, task.task_id).ok;
            return (
              <label key={other} className="check small">
                <input
                  type="checkbox"
                  checked={on}
                  disabled={!allowed}
                  aria-label={`${task.task_id} after ${other}`}
                  onChange={() => {
                    if (on) onChange(disconnect(plan, other, task.task_id));
                    else {
                      const r = connect(plan, other, task.task_id);
                      if (r.ok) onChange(r.plan);
                    }
                  }}
                />
                {other}
              </label>
            );
          })}
        </fieldset>
      </td>
    </tr>
  );
}
