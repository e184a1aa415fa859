import { Suspense, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ScopeDraft } from '../../../../src-shared/contract/domains/scope.ts';
import type { PlanInput } from '../../../../src-shared/schemas/plan.ts';
import { api } from '../../api/client.ts';
import { errorText } from '../../api/errors.ts';
import { useBaton } from '../../store/index.ts';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { lazyRetry } from '../shared/lazy-retry.ts';
import { Modal, useModal } from '../shared/Modal.tsx';
import { planIdProblem } from './plan-id.ts';

/** The draft's review, with its graph (React Flow) and checks (zod): fetched when a draft is made, not with the app. */
const DraftReview = lazyRetry(() => import('./DraftReview.tsx').then((m) => ({ default: m.DraftReview })));

/** Opens the new-plan dialog; the sidebar has one, the first open's steps another. */
export function NewPlanButton({ label = 'New plan…' }: { label?: string }) {
  const open = useBaton((s) => s.setNewPlanOpen);
  return (
    <button type="button" onClick={() => open(true)}>
      {label}
    </button>
  );
}

/**
 * Start a plan from a goal sentence (scope), or from an empty canvas. The draft is shown before
 * anything is created: a small graph of its tasks, each task's skill and how it was matched to
 * one an agent has, all editable; Create saves it as a new plan and opens the designer on it.
 * One dialog, wherever it is opened from. A typed goal is not dropped by Escape or Cancel
 * without asking; once the dialog closes, it opens empty again.
 */
export function NewPlanDialog() {
  const isOpen = useBaton((s) => s.newPlanOpen);
  const setOpen = useBaton((s) => s.setNewPlanOpen);
  const [goal, setGoal] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<ScopeDraft | null>(null);
  const [plan, setPlan] = useState<PlanInput | null>(null);
  const modal = useModal({
    open: isOpen,
    changed: goal !== '',
    onClose: () => {
      setOpen(false);
      setGoal('');
      setDraft(null);
      setPlan(null);
      setError(null);
    },
  });
  const beginEdit = useBaton((s) => s.beginEdit);
  const planIds = useBaton(useShallow((s) => s.plans.map((p) => p.plan_id)));
  const idProblem = plan ? planIdProblem(plan.plan_id, (id) => planIds.includes(id)) : null;
  const makeDraft = async () => {
    setBusy(true);
    setError(null);
    try {
      const drafted = await api.draftPlan(goal);
      setDraft(drafted);
      setPlan(drafted.plan);
    } catch (err) {
      setError(`Could not draft a plan from that goal: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const create = async () => {
    if (!plan || idProblem) return;
    setBusy(true);
    setError(null);
    try {
      const summary = await api.createPlan(plan);
      const s = useBaton.getState();
      s.upsertPlanSummary(summary);
      await s.selectPlan(summary.plan_id);
      beginEdit(plan);
      s.notify('info', `Created ${summary.name}: check it in the designer, then run it`);
      modal.close();
    } catch (err) {
      setError(`The plan was not created: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal modal={modal} label="New plan" className={`dialog new-plan${draft ? ' reviewing' : ''}`}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void (draft ? create() : makeDraft());
        }}
      >
        <h2>{draft ? 'New plan: review the draft' : 'New plan'}</h2>
        {draft && plan ? (
          <>
            <p className="small draft-goal">
              <span className="muted">Goal:</span> {goal}
            </p>
            <ErrorBoundary label="The draft">
              <Suspense fallback={<p className="muted">Showing the draft…</p>}>
                <DraftReview draft={draft} plan={plan} idProblem={idProblem} onChange={setPlan} />
              </Suspense>
            </ErrorBoundary>
          </>
        ) : (
          <GoalStep goal={goal} onGoal={setGoal} />
        )}
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        <div className="actions">
          {draft ? (
            <button
              type="button"
              onClick={() => {
                setDraft(null);
                setPlan(null);
              }}
            >
              Back to the goal
            </button>
          ) : (
            <button
              type="button"
              onClick={() => {
                beginEdit(
                  {
                    plan_id: 'new-plan',
                    tasks: [{ task_id: 'task-001', description: '', required_skills: [] }],
                  },
                  true,
                );
                modal.close();
              }}
            >
              Start empty
            </button>
          )}
          <button type="button" onClick={modal.requestClose}>
            Cancel
          </button>
          {draft ? (
            <button type="submit" className="primary" disabled={busy || idProblem !== null}>
              {busy ? 'Creating…' : 'Create plan'}
            </button>
          ) : (
            <button type="submit" className="primary" disabled={busy || goal.trim().length < 3}>
              {busy ? 'Drafting…' : 'Draft from goal'}
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}

/** The goal, and where the tasks' skills will come from. */
function GoalStep({ goal, onGoal }: { goal: string; onGoal(goal: string): void }) {
  // The skills the draft's tasks are given come from the agents registered.
  const skills = useBaton(useShallow((s) => [...new Set(s.agents.flatMap((a) => a.skills))].sort()));
  return (
    <>
      <label>
        Goal
        <textarea
          rows={3}
          value={goal}
          placeholder="research laptops and research phones, then write a comparison"
          onChange={(e) => onGoal(e.target.value)}
        />
      </label>
      <p className="muted small">
        Baton drafts tasks, skills and dependencies from the sentence: what the goal says to do side by side
        ("A and B, then C", "in parallel", a list) runs side by side. You review the draft before anything is
        created.{' '}
        {skills.length === 0
          ? 'No agents are registered yet, so the tasks get general skill names: register agents to match them.'
          : `Tasks get the skills your agents have (${skills.slice(0, 8).join(', ')}${skills.length > 8 ? ', …' : ''}); a step none of them can do is said so, never given a skill nobody has.`}
      </p>
    </>
  );
}
