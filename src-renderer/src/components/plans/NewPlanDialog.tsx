import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useBaton } from '../../store/index.ts';
import { Modal, useModal } from '../shared/Modal.tsx';

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
 * Start a plan from a goal sentence (scope), or from an empty canvas. One dialog, wherever it
 * is opened from (the app renders it, beside the screens). A typed goal is not dropped by Escape
 * or Cancel without asking; once the dialog closes, it opens empty again.
 */
export function NewPlanDialog() {
  const isOpen = useBaton((s) => s.newPlanOpen);
  const setOpen = useBaton((s) => s.setNewPlanOpen);
  const [goal, setGoal] = useState('');
  const [busy, setBusy] = useState(false);
  const modal = useModal({
    open: isOpen,
    changed: goal !== '',
    onClose: () => {
      setOpen(false);
      setGoal('');
    },
  });
  const draftFromGoal = useBaton((s) => s.draftFromGoal);
  const beginEdit = useBaton((s) => s.beginEdit);
  // The skills the draft's tasks are given come from the agents registered.
  const skills = useBaton(useShallow((s) => [...new Set(s.agents.flatMap((a) => a.skills))].sort()));
  return (
    <Modal modal={modal} label="New plan">
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          await draftFromGoal(goal);
          setBusy(false);
          modal.close();
        }}
      >
        <h2>New plan</h2>
        <label>
          Goal
          <textarea
            rows={3}
            value={goal}
            placeholder="research best laptops and draft email to john@example.com"
            onChange={(e) => setGoal(e.target.value)}
          />
        </label>
        <p className="muted small">
          Baton drafts tasks, skills and dependencies from the sentence; you review them before running.{' '}
          {skills.length === 0
            ? 'No agents are registered yet, so the tasks get general skill names: register agents to match them.'
            : `Tasks get the skills your agents have (${skills.slice(0, 8).join(', ')}${skills.length > 8 ? ', …' : ''}); a step none of them can do is named, with the closest agent.`}
        </p>
        <div className="actions">
          <button type="button" onClick={modal.requestClose}>
            Cancel
          </button>
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
          <button type="submit" className="primary" disabled={busy || goal.trim().length < 3}>
            {busy ? 'Drafting…' : 'Draft from goal'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
