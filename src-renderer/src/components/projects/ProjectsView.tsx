import { useCallback, useEffect, useState } from 'react';
import type { Project } from '../../../../src-shared/schemas/project.ts';
import type { SpendReport } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { spendMeter, spendWords } from '../../format/budget.ts';
import { useBaton } from '../../store/index.ts';
import { InputField } from '../shared/InputField.tsx';
import type { ProjectDraft, ProjectErrors } from './project-form.ts';
import {
  checkProject,
  EMPTY_PROJECT,
  PROJECT_LABELS,
  projectDraftOf,
  projectErrorsOf,
} from './project-form.ts';

/** Projects: goal, phase, budget, and what their plans have spent. */
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
  useEffect(() => {
    void load();
  }, [load]);
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
  return (
    <div className="page">
      <header className="plan-head">
        <div>
          <h1>Projects</h1>
          <p className="muted small">
            A plan with a project_id spends from its project's budget; tasks that would pass it wait for
            approval.
          </p>
        </div>
      </header>
      {projects.length === 0 ? (
        <p className="empty muted">No projects yet. Add one below, then set project_id in a plan.</p>
      ) : (
        <table className="tasks" aria-label="Projects">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Goal</th>
              <th scope="col">Phase</th>
              <th scope="col">Budget</th>
              <th scope="col">Spent</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((p) => {
              const s = spend[p.id];
              return (
                <tr key={p.id}>
                  <th scope="row">
                    <button type="button" className="link" onClick={() => edit(p)}>
                      {p.name}
                    </button>
                    <div className="muted small">{p.id}</div>
                  </th>
                  <td className="small">{p.goal || '—'}</td>
                  <td>{p.phase}</td>
                  <td>{p.budget ?? '—'}</td>
                  <td>
                    {s ? (
                      <SpendCell project={p.id} spent={s.spent} budget={s.budget} />
                    ) : (
                      <span className="muted">…</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form
        className="form-panel"
        aria-label="Project"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2>Add or edit a project</h2>
        <div className="row">
          {input('id')}
          {input('name')}
          {input('goal')}
          {input('phase')}
          {input('budget')}
          <button type="submit" className="primary">
            Save project
          </button>
        </div>
        {errors.form && <p className="field-error">{errors.form}</p>}
      </form>
    </div>
  );
}

/** What a project has spent, in words and on a meter that turns red past the budget. */
function SpendCell({ project, spent, budget }: { project: string; spent: number; budget: number | null }) {
  const words = spendWords(spent, budget);
  const over = budget !== null && spent > budget;
  return (
    <div className="spend">
      <span className={over ? 'spend-over' : undefined}>{words}</span>
      {budget !== null && (
        <meter
          className="meter"
          aria-label={`Spent of ${project}'s budget`}
          title={words}
          {...spendMeter(spent, budget)}
        />
      )}
    </div>
  );
}
