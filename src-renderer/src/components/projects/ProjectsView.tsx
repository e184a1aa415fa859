import { useCallback, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DailyCap } from '../../../../src-shared/schemas/daily-cap.ts';
import type { Project } from '../../../../src-shared/schemas/project.ts';
import type { SpendReport } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { spendWords } from '../../format/budget.ts';
import { lastRuns } from '../../store/all-runs.ts';
import { useBaton } from '../../store/index.ts';
import { type Column, DataTable } from '../shared/DataTable.tsx';
import { InputField } from '../shared/InputField.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import type { ProjectDraft, ProjectErrors } from './project-form.ts';
import {
  checkProject,
  EMPTY_PROJECT,
  PROJECT_LABELS,
  projectDraftOf,
  projectErrorsOf,
} from './project-form.ts';

/** Projects: goal, phase, budget, and what their plans have spent (each a link to its spend on Spend). */
export function ProjectsView() {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [projects, setProjects] = useState<Project[]>([]);
  const [spend, setSpend] = useState<Record<string, SpendReport>>({});
  const [form, setForm] = useState<ProjectDraft>(EMPTY_PROJECT);
  const [errors, setErrors] = useState<ProjectErrors>({});
  // After a save was refused the form is checked as the user types, so errors go as they are fixed.
  const [checking, setChecking] = useState(false);
  const load = useCallback(async () => {
    try {
      const list = await api.listProjects();
      setProjects(list);
      const reports = await Promise.all(list.map((p) => api.spend('project', p.id)));
      setSpend(Object.fromEntries(reports.map((r) => [r.id, r])));
    } catch (err) {
      fail('Could not load projects', err);
    }
  }, [fail]);
  const runsLoaded = useBaton((s) => s.allRuns !== null);
  const loadAllRuns = useBaton((s) => s.loadAllRuns);
  useEffect(() => {
    void load();
  }, [load]);
  // Each plan's last run: the Runs screen's list, read once if nothing has read it yet.
  useEffect(() => {
    if (!runsLoaded) void loadAllRuns();
  }, [runsLoaded, loadAllRuns]);
  const change = (next: ProjectDraft) => {
    setForm(next);
    if (checking) {
      const r = checkProject(next);
      setErrors(r.ok ? {} : r.errors);
    }
  };
  const edit = (p: Project) => {
    setForm(projectDraftOf(p));
    setErrors({});
    setChecking(false);
  };
  const save = async () => {
    const checked = checkProject(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      setChecking(true);
      return;
    }
    try {
      await api.saveProject(checked.project);
      setErrors({});
      setChecking(false);
      notify('info', `Saved project ${checked.project.id}`);
      await load();
    } catch (err) {
      const issues = contractIssues(err);
      setErrors(projectErrorsOf(issues));
      setChecking(issues.length > 0);
      if (issues.length === 0) fail('The project was not saved', err);
    }
  };
  const input = (key: keyof ProjectDraft) => (
    <InputField
      label={PROJECT_LABELS[key]}
      value={form[key]}
      onChange={(v) => change({ ...form, [key]: v })}
      error={errors[key]}
    />
  );
  const editing = form.id !== '' && projects.some((p) => p.id === form.id) ? form.id : null;
  const columns: Column<Project>[] = [
    {
      id: 'project',
      header: 'Project',
      rowHeader: true,
      cell: (p) => (
        <>
          <button type="button" className="link" onClick={() => edit(p)} title={`Edit ${p.name}`}>
            {p.name}
          </button>
          <div className="muted small">{p.id}</div>
        </>
      ),
    },
    { id: 'goal', header: 'Goal', cellClass: 'small', cell: (p) => p.goal || '—' },
    { id: 'phase', header: 'Phase', cell: (p) => <span className="pill">{p.phase}</span> },
    {
      id: 'spent',
      header: 'Spent',
      cell: (p) => {
        const s = spend[p.id];
        const cell = s ? (
          <SpendCell project={p.id} spent={s.spent} unknown={s.unknown} budget={s.budget} />
        ) : (
          <span className="muted">…</span>
        );
        return p.daily_cap ? (
          <>
            {cell}
            <div className="muted small">at most {capWords(p.daily_cap)} a day</div>
          </>
        ) : (
          cell
        );
      },
    },
    { id: 'plans', header: 'Plans and last runs', cell: (p) => <ProjectPlans project={p.id} /> },
  ];
  const clear = () => {
    setForm(EMPTY_PROJECT);
    setErrors({});
    setChecking(false);
  };
  return (
    <div className="page">
      <ScreenHead
        title="Projects"
        about="A plan with a project_id spends from its project's budget; tasks that would pass it wait for approval."
      />
      <div className="settings-layout">
        <section aria-label="Project list" className="projects-list">
          {projects.length === 0 ? (
            <div className="nothing-waits" role="note" aria-label="No projects yet">
              <p className="nothing-title">No projects yet.</p>
              <ul>
                <li>A project groups plans under one goal, a phase and one budget they all spend from.</li>
                <li>
                  Add one with the form; then set <code>project_id</code> in a plan (its settings in the
                  designer, or its JSON).
                </li>
                <li>Its plans and their last runs, and what they have spent, show here.</li>
              </ul>
            </div>
          ) : (
            <DataTable
              label="Projects"
              className="projects-table"
              columns={columns}
              rows={projects}
              rowKey={(p) => p.id}
              current={(p) => editing === p.id}
            />
          )}
        </section>
        <form
          className="form-panel project-form"
          aria-label="Project"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <h2>
            {editing ? `Edit ${projects.find((p) => p.id === editing)?.name ?? editing}` : 'Add a project'}
          </h2>
          {input('id')}
          {input('name')}
          {input('goal')}
          {input('phase')}
          {input('budget')}
          <div className="field-row">
            {input('cap_usd')}
            {input('cap_tokens')}
          </div>
          <p className="muted small">
            Most its plans' runs together may spend in a day: their next task waits for the next day once it
            is spent.
          </p>
          {errors.form && <p className="field-error">{errors.form}</p>}
          <div className="actions">
            {editing && (
              <button type="button" onClick={clear}>
                New project
              </button>
            )}
            <button type="submit" className="primary">
              Save project
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

/** A project's plans, each with its last run's status (a link that opens it). */
function ProjectPlans({ project }: { project: string }) {
  const plans = useBaton(useShallow((s) => s.plans.filter((p) => p.project_id === project)));
  const allRuns = useBaton((s) => s.allRuns);
  const last = useMemo(() => lastRuns(allRuns), [allRuns]);
  if (plans.length === 0) return <span className="muted small">no plan yet: set project_id in one</span>;
  return (
    <ul className="project-plans" aria-label={`Plans of ${project}`}>
      {plans.map((p) => {
        const run = last.get(p.plan_id);
        return (
          <li key={p.plan_id}>
            <RouteLink to={{ screen: 'plan', planId: p.plan_id, tab: 'graph' }} className="link">
              {p.name}
            </RouteLink>{' '}
            {run ? (
              <RouteLink
                to={{ screen: 'run', runId: run.id, taskId: null }}
                className={`pill run-${run.status}`}
                title={`Open its last run, started ${new Date(run.created_at).toLocaleString()}`}
              >
                {run.status}
              </RouteLink>
            ) : (
              <span className="muted small">never run</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * What a project has spent against its budget, in words, as a link to its spend on the Spend
 * screen (by day, what each plan, agent and model cost; its budget there beside its plans').
 */
function SpendCell({
  project,
  spent,
  unknown,
  budget,
}: {
  project: string;
  spent: number;
  unknown: number;
  budget: number | null;
}) {
  const words = spendWords(spent, budget, unknown);
  const over = budget !== null && spent > budget;
  return (
    <RouteLink
      to={{ screen: 'spend', filter: { project } }}
      className={`link${over ? ' spend-over' : ''}`}
      title={`See what ${project} spent, day by day, on Spend`}
    >
      {words}
    </RouteLink>
  );
}

/** A daily cap in words: `$20`, `2,000,000 tokens`, or both. */
function capWords(cap: DailyCap): string {
  const parts: string[] = [];
  if (cap.usd !== undefined) parts.push(`$${cap.usd}`);
  if (cap.tokens !== undefined) parts.push(`${cap.tokens.toLocaleString('en-US')} tokens`);
  return parts.join(' and ');
}
