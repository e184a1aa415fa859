import { useEffect, useMemo } from 'react';
import { downloadJson } from '../../designer/download.ts';
import { draftChanged } from '../../designer/draft-changed.ts';
import { hostChecks } from '../../designer/host-checks.ts';
import { addTask, checkPlan, duplicateTask, removeTask } from '../../designer/plan-edit.ts';
import { missingWorkspaceChecks } from '../../designer/workspace-checks.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { DesignerGraph } from './DesignerGraph.tsx';
import { PlanFields } from './PlanFields.tsx';
import { TaskForm } from './TaskForm.tsx';
import { useHostValidation } from './use-host-checks.ts';
import { usePanelFold } from './use-panel-fold.ts';

/** Edit a plan as a DAG, see what will go wrong, save it as a new version. */
export function PlanDesigner() {
  const draft = useBaton((s) => s.draft)!;
  const isNew = useBaton((s) => s.draftIsNew);
  const editedPlanId = useBaton((s) => s.editedPlanId);
  const selected = useBaton((s) => s.selectedTaskId);
  const canUndo = useBaton((s) => s.past.length > 0);
  const canRedo = useBaton((s) => s.future.length > 0);
  const message = useBaton((s) => s.designerMessage);
  const saving = useBaton((s) => s.saving);
  const agents = useBaton((s) => s.agents);
  const workspaces = useBaton((s) => s.workspaces);
  const draftStart = useBaton((s) => s.draftStart);
  const loadProjects = useBaton((s) => s.loadProjects);
  const loadWorkspaces = useBaton((s) => s.loadWorkspaces);
  const {
    edit,
    undo,
    redo,
    endEdit,
    saveDraft,
    clearPositions,
    selectTask,
    sayInDesigner: say,
  } = useBaton.getState();
  // The designer's own checks, then what only the host can say (its workspaces, the agents that
  // would take a task), then coding tasks whose repository is gone from disk.
  const local = useMemo(() => checkPlan(draft, agents), [draft, agents]);
  const host = useHostValidation(
    draft,
    useMemo(() => [agents, workspaces], [agents, workspaces]),
  );
  const checks = useMemo(() => {
    const fromHost = host ? hostChecks(host.report, host.plan, local) : [];
    const gone = missingWorkspaceChecks(draft, agents, workspaces);
    return [...local, ...fromHost, ...gone];
  }, [local, host, draft, agents, workspaces]);
  const index = draft.tasks.findIndex((t) => t.task_id === selected);
  const task = index >= 0 ? draft.tasks[index] : undefined;
  // Fields holding what was typed but not applied (JSON that does not parse, an id taken) are
  // in the panel shown: they hold the plan back as its own problems do.
  const unappliedByKey = useBaton((s) => s.unapplied);
  const unapplied = useMemo(() => Object.entries(unappliedByKey), [unappliedByKey]);
  // Changed and changed back is no change: discarding asks only when there is something to lose.
  const changed = useMemo(
    () => unapplied.length > 0 || (draftStart !== null && canUndo && draftChanged(draftStart, draft)),
    [unapplied.length, draftStart, canUndo, draft],
  );
  const errors = checks.filter((c) => c.severity === 'error').length + unapplied.length;
  const [folded, setFolded] = usePanelFold();

  const add = () => {
    const after = selected;
    const r = addTask(draft, after ? { depends_on: [after] } : {});
    edit(() => r.plan, r.taskId);
    say(
      after
        ? `Added ${r.taskId} after ${after}: it waits for ${after} (to unlink, remove it under Depends on, or select the arrow and press Delete).`
        : `Added ${r.taskId}.`,
    );
  };
  const duplicate = () => {
    if (!selected) return;
    const r = duplicateTask(draft, selected);
    if (r) edit(() => r.plan, r.taskId);
  };
  const remove = () => selected && edit((p) => removeTask(p, selected), null);

  // The project picker's list, loaded as the designer opens, not each time the plan's fields
  // show again: projects change on the Projects screen, and coming back opens the designer again.
  useEffect(() => {
    void loadProjects();
    void loadWorkspaces();
  }, [loadProjects, loadWorkspaces]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) undo();
      else if ((k === 'z' && e.shiftKey) || k === 'y') redo();
      else if (k === 's') {
        // A field commits when it is left: leave it, so the save has what was typed.
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
        void saveDraft();
      } else if (k === 'd') duplicate();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="plan-view">
      <header className="plan-head">
        <div>
          <h1>{isNew ? 'New plan' : `Editing ${draft.name ?? draft.plan_id}`}</h1>
          <p className="muted small">
            {draft.plan_id} · {plural(draft.tasks.length, 'task')} ·{' '}
            {editedPlanId && editedPlanId !== draft.plan_id
              ? `saving makes a new plan ${draft.plan_id} (${editedPlanId} stays as it is)`
              : 'saving makes a new version'}{' '}
            · Ctrl+Z undo, Ctrl+Shift+Z redo, Delete removes
          </p>
        </div>
        <div className="actions" role="toolbar" aria-label="Designer">
          <button type="button" onClick={add}>
            Add task
          </button>
          <button type="button" onClick={duplicate} disabled={!selected}>
            Duplicate
          </button>
          <button type="button" onClick={remove} disabled={!selected}>
            Delete task
          </button>
          <button type="button" onClick={undo} disabled={!canUndo}>
            Undo
          </button>
          <button type="button" onClick={redo} disabled={!canRedo}>
            Redo
          </button>
          <button type="button" onClick={clearPositions} title="Lay every task out again">
            Auto-layout
          </button>
          <button type="button" onClick={() => downloadJson(`${draft.plan_id}.json`, draft)}>
            Export JSON
          </button>
          {/* Without changes to lose, there is nothing to ask. */}
          <ConfirmButton
            label="Discard"
            question="Discard your changes?"
            detail="The edits made since the designer opened are thrown away; the saved plan stays as it is."
            yes="Discard the changes"
            danger
            no="Keep editing"
            ask={changed}
            onConfirm={endEdit}
          />
          <button type="button" className="primary" onClick={() => void saveDraft()} disabled={saving}>
            {saving ? 'Saving…' : 'Save plan'}
          </button>
        </div>
      </header>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <div className={`plan-body designer-body${folded ? ' wide' : ''}`}>
        <ErrorBoundary label="The designer graph">
          <DesignerGraph />
        </ErrorBoundary>
        {/* On the panel's edge: folded, the graph takes the width (a long chain at 1024 px). The
            panel stays mounted, hidden, so what was typed in it and not applied yet is kept. */}
        <button
          type="button"
          className="panel-fold"
          aria-expanded={!folded}
          aria-controls="designer-panel"
          aria-label={folded ? 'Show the designer panel' : 'Fold the designer panel'}
          title={
            folded
              ? `Show the panel (task fields and checks${errors ? `: ${errors} to fix` : ''})`
              : 'Fold the panel: the graph takes the width'
          }
          onClick={() => setFolded(!folded)}
        >
          <span aria-hidden="true">{folded ? '‹' : '›'}</span>
          {folded && errors > 0 && <span className="fold-errors">{errors}</span>}
        </button>
        <aside className="run-panel" id="designer-panel" aria-label="Designer panel" hidden={folded}>
          {task ? (
            // Keyed by place, not id: renaming the task keeps its panel (and the field the
            // person moved to next, with the focus); another task gets a panel of its own.
            <TaskForm key={index} task={task} index={index} checks={checks} />
          ) : (
            <PlanFields checks={checks} />
          )}
          <section aria-label="Checks">
            <h2>
              Checks{' '}
              <span className={`pill ${errors ? 'status-failed' : 'status-done'}`}>
                {errors ? `${errors} to fix` : 'ready to run'}
              </span>
            </h2>
            {checks.length === 0 && unapplied.length === 0 ? (
              <p className="muted small">Every task has an agent that can take it, and the plan is valid.</p>
            ) : (
              <ul className="checks">
                {unapplied.map(([key, u]) => {
                  // A mark kept while its field is not shown names its task; the others are the panel's.
                  const about = u.task_id ?? (u.text === undefined ? task?.task_id : undefined);
                  return (
                    <li key={`unapplied|${key}`} className="error">
                      {about ? (
                        <button type="button" className="link" onClick={() => selectTask(about)}>
                          {about}
                        </button>
                      ) : (
                        <strong>plan</strong>
                      )}
                      : {u.message}. Not applied yet.
                    </li>
                  );
                })}
                {checks.map((c) => (
                  <li key={`${c.task_id}|${c.path}|${c.message}`} className={c.severity}>
                    {c.task_id ? (
                      <button type="button" className="link" onClick={() => selectTask(c.task_id)}>
                        {c.task_id}
                      </button>
                    ) : (
                      <strong>plan</strong>
                    )}
                    {c.path ? <code> {c.path}</code> : null}: {c.message}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
