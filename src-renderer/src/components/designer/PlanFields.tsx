import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PlanSpend } from '../../../../src-shared/contract/domains/plans.ts';
import { deciderSpecSchema } from '../../../../src-shared/schemas/decision.ts';
import type { BudgetScope } from '../../../../src-shared/schemas/plan.ts';
import { budgetScopeOf, planSchema } from '../../../../src-shared/schemas/plan.ts';
import { runInputsDeclSchema } from '../../../../src-shared/schemas/run-inputs.ts';
import { api } from '../../api/client.ts';
import type { DeciderKind } from '../../designer/panel-fields.ts';
import { deciderKind, withDeciderKind } from '../../designer/panel-fields.ts';
import type { Check } from '../../designer/plan-edit.ts';
import { fieldProblem } from '../../designer/plan-edit.ts';
import { spendText } from '../../format/cost.ts';
import { useBaton } from '../../store/index.ts';
import { SkillsField } from '../shared/SkillsField.tsx';
import { NumberField, SelectField, TextField } from './FormFields.tsx';
import { JsonField } from './JsonField.tsx';
import { OnLimitField } from './OnLimitField.tsx';
import { PanelSection } from './PanelSection.tsx';
import { PlanLandingFields } from './PlanLandingFields.tsx';
import { WorkspaceField } from './WorkspaceField.tsx';

/** How many tasks a decider may add when the field is blank. */
const MAX_CREATED_DEFAULT = deciderSpecSchema.parse({}).max_created_tasks;

const DECIDER_HINTS: Record<DeciderKind, string> = {
  none: 'Nothing decides between tasks: the plan runs as drawn.',
  rules: 'After each task, built-in rules decide what happens next.',
  llm: 'After each task, an llm agent decides what happens next (it may add tasks).',
};

/** The plan's own fields, shown while no task is selected; the designer loads the projects. */
export function PlanFields({ checks }: { checks: Check[] }) {
  const draft = useBaton((s) => s.draft)!;
  const edit = useBaton((s) => s.edit);
  const projects = useBaton((s) => s.projects);
  const llmAgents = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'llm').map((a) => a.id)));
  const err = (path: string, label: string) => fieldProblem(checks, path, label);
  const decider = draft.decider;
  const kind = deciderKind(decider);
  const projectKnown = !draft.project_id || projects.some((p) => p.id === draft.project_id);
  const agentKnown = !decider?.agent_id || llmAgents.includes(decider.agent_id);
  const spend = usePlanSpend(draft.plan_id);
  const runInputs = draft.run_inputs ? Object.keys(draft.run_inputs) : [];
  const runInputsError = err('run_inputs', 'Run inputs');
  const runInputsKept = useBaton((s) => s.unapplied['plan:run_inputs'] !== undefined);
  // Tags other plans have, suggested as one is typed.
  const knownTags = useBaton(useShallow((s) => [...new Set(s.plans.flatMap((p) => p.tags))].sort()));
  return (
    <form className="task-form" aria-label="Plan" onSubmit={(e) => e.preventDefault()}>
      <div className="panel-head">
        <h2 className="panel-title">Plan</h2>
        <span className="muted small">select a task on the graph to edit it</span>
      </div>
      <TextField
        label="Plan id"
        value={draft.plan_id}
        error={err('plan_id', 'Plan id')}
        onCommit={(v) => edit((p) => ({ ...p, plan_id: v }))}
      />
      <TextField
        label="Name"
        value={draft.name ?? ''}
        error={err('name', 'Name')}
        onCommit={(v) => edit((p) => ({ ...p, name: v || undefined }))}
      />
      <TextField
        label="Goal"
        value={draft.goal ?? ''}
        multiline
        error={err('goal', 'Goal')}
        onCommit={(v) => edit((p) => ({ ...p, goal: v || undefined }))}
      />
      <TextField
        label="Owner"
        value={draft.owner ?? ''}
        error={err('owner', 'Owner')}
        onCommit={(v) => edit((p) => ({ ...p, owner: v.trim() || undefined }))}
      />
      <SkillsField
        label="Plan tags"
        noun="tag"
        skills={draft.tags ?? []}
        suggestions={knownTags}
        error={err('tags', 'Plan tags')}
        onChange={(t) => edit((p) => ({ ...p, tags: t.length > 0 ? t : undefined }))}
      />
      <NumberField
        label="Budget"
        value={draft.budget}
        error={err('budget', 'Budget')}
        schema={planSchema.shape.budget}
        onCommit={(v, merge) => edit((p) => ({ ...p, budget: v }), undefined, merge)}
      />
      <SelectField
        label="Budget counts"
        value={budgetScopeOf(draft)}
        error={err('budget_scope', 'Budget counts')}
        hint={spendHint(draft.budget, budgetScopeOf(draft), spend)}
        onChange={(v) => edit((p) => ({ ...p, budget_scope: v as BudgetScope }))}
      >
        <option value="run">Per run</option>
        <option value="plan">Across runs</option>
      </SelectField>
      <OnLimitField
        value={draft.on_limit}
        error={err('on_limit', 'When a usage limit is hit')}
        onChange={(v) => edit((p) => ({ ...p, on_limit: v }))}
      />
      <SelectField
        label="Project"
        value={draft.project_id ?? ''}
        error={err('project_id', 'Project')}
        hint={
          projects.length === 0
            ? 'No projects yet: add one on the Projects screen.'
            : "A plan in a project also spends from the project's budget."
        }
        onChange={(v) => edit((p) => ({ ...p, project_id: v || undefined }))}
      >
        <option value="">None</option>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name === p.id ? p.id : `${p.id} — ${p.name}`}
          </option>
        ))}
        {!projectKnown && <option value={draft.project_id}>{draft.project_id} (not found)</option>}
      </SelectField>
      <WorkspaceField
        label="Workspace"
        value={draft.workspace}
        noneLabel="None"
        hint="The git repository coding agents work in, for every task that names none of its own."
        error={err('workspace', 'Workspace')}
        onChange={(v) => edit((p) => ({ ...p, workspace: v }))}
      />
      {/* For plans whose coding tasks work in a workspace: where diff reviews come from. */}
      {(draft.workspace !== undefined ||
        draft.tasks.some((t) => t.workspace !== undefined) ||
        draft.max_open_reviews !== undefined) && (
        <NumberField
          label="Diff reviews waiting at most"
          value={draft.max_open_reviews}
          placeholder="no limit"
          hint="Reviews count against the work in flight: while this many diff reviews of the plan's runs wait for a person, none of its coding tasks starts. Blank: no limit."
          error={err('max_open_reviews', 'Diff reviews waiting at most')}
          schema={planSchema.shape.max_open_reviews}
          onCommit={(v, merge) => edit((p) => ({ ...p, max_open_reviews: v }), undefined, merge)}
        />
      )}
      <PlanLandingFields checks={checks} />
      <SelectField
        label="Decider"
        value={kind}
        hint={DECIDER_HINTS[kind]}
        onChange={(v) =>
          edit((p) => ({ ...p, decider: withDeciderKind(p.decider, v as DeciderKind, llmAgents[0]) }))
        }
      >
        <option value="none">None</option>
        <option value="rules">Rules</option>
        <option value="llm">An llm agent</option>
      </SelectField>
      {decider && kind === 'llm' && (
        <SelectField
          label="Decider agent"
          value={decider.agent_id ?? ''}
          error={err('decider.agent_id', 'Decider agent')}
          onChange={(v) => edit((p) => ({ ...p, decider: { ...decider, agent_id: v || undefined } }))}
        >
          <option value="">
            {llmAgents.length === 0 ? 'No llm agents registered' : 'Choose an llm agent…'}
          </option>
          {llmAgents.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
          {!agentKnown && <option value={decider.agent_id}>{decider.agent_id} (not an llm agent)</option>}
        </SelectField>
      )}
      {decider && (
        <NumberField
          label="Most tasks it may add"
          value={decider.max_created_tasks}
          placeholder={String(MAX_CREATED_DEFAULT)}
          error={err('decider.max_created_tasks', 'Most tasks it may add')}
          schema={deciderSpecSchema.shape.max_created_tasks}
          onCommit={(v, merge) =>
            edit((p) => ({ ...p, decider: { ...decider, max_created_tasks: v } }), undefined, merge)
          }
        />
      )}
      <PanelSection
        title="Run inputs"
        summary={runInputs.length === 0 ? 'none' : runInputs.join(', ')}
        hasValue={runInputs.length > 0}
        error={runInputsError !== null || runInputsKept}
      >
        <JsonField
          label="Run inputs (JSON)"
          value={draft.run_inputs}
          schema={runInputsDeclSchema}
          error={runInputsError}
          placeholder={'{ "topic": { "type": "string", "required": true } }'}
          hint="What a run takes (schedules, triggers, Run plan ask for it): each input's type (string, number, boolean, object, array), required, default, description. Tasks read them in inputs.run."
          keep={{ key: 'plan:run_inputs', task_id: null }}
          onCommit={(v) => edit((p) => ({ ...p, run_inputs: v }))}
        />
      </PanelSection>
    </form>
  );
}

/** What the stored plan has spent (`plans.spend`), read when the designer opens a plan; null for a new one. */
function usePlanSpend(planId: string): PlanSpend | null {
  const [spend, setSpend] = useState<PlanSpend | null>(null);
  useEffect(() => {
    let live = true;
    setSpend(null);
    api.planSpend(planId).then(
      (r) => live && setSpend(r),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [planId]);
  return spend;
}

/** "Spent X of Y this run / across runs", by the scope chosen in the draft. */
function spendHint(budget: number | undefined, scope: BudgetScope, spend: PlanSpend | null): string {
  const what = scope === 'run' ? 'Each run may spend the budget' : "The plan's runs share the budget";
  if (!spend) return `${what}.`;
  const spent =
    scope === 'run'
      ? spendText(spend.spent_latest_run, spend.unknown_latest_run)
      : spendText(spend.spent_all_runs, spend.unknown_all_runs);
  const of = budget === undefined ? '' : ` of ${budget}`;
  return `${what}: spent ${spent}${of} ${scope === 'run' ? 'in the latest run' : 'across runs'}.`;
}
