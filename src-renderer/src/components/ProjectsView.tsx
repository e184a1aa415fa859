import { useCallback, useEffect, useState } from 'react';
import type { Project } from '../../../src-shared/schemas/project.ts';
import type { SpendReport } from '../../../src-shared/schemas/run.ts';
import { api } from '../api/client.ts';
import { contractIssues } from '../api/errors.ts';
import { useBaton } from '../store/index.ts';
import { InputField } from './InputField.tsx';

/** Projects: goal, phase, budget, and what their plans have spent. */
export function ProjectsView() {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [projects, setProjects] = useState<Project[]>([]);
  const [spend, setSpend] = useState<Record<string, SpendReport>>({});
  const [form, setForm] = useState({ id: '', name: '', goal: '', phase: 'planning', budget: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
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
  const save = async () => {
    if (form.budget.trim() !== '' && !Number.isFinite(Number(form.budget))) {
      setErrors({ budget: 'must be a number (or empty for no budget)' });
      return;
    }
    try {
      await api.saveProject({
        id: form.id,
        name: form.name,
        goal: form.goal,
        phase: form.phase,
        budget: form.budget.trim() === '' ? null : Number(form.budget),
      });
      setErrors({});
      notify('info', `Saved project ${form.id}`);
      await load();
    } catch (err) {
      const issues = contractIssues(err);
      setErrors(Object.fromEntries(issues.map((i) => [i.path, i.message])));
      if (issues.length === 0) fail('The project was not saved', err);
    }
  };
  const input = (label: string, key: keyof typeof form) => (
    <InputField
      label={label}
      value={form[key]}
      onChange={(v) => setForm({ ...form, [key]: v })}
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
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        setForm({
                          id: p.id,
                          name: p.name,
                          goal: p.goal,
                          phase: p.phase,
                          budget: p.budget === null ? '' : String(p.budget),
                        })
                      }
                    >
                      {p.name}
                    </button>
                    <div className="muted small">{p.id}</div>
                  </th>
                  <td className="small">{p.goal || '—'}</td>
                  <td>{p.phase}</td>
                  <td>{p.budget ?? '—'}</td>
                  <td>
                    {s ? s.spent : '…'}
                    {s?.budget !== null && s?.budget !== undefined && (
                      <meter
                        className="meter"
                        aria-label={`Spent of ${p.id}'s budget`}
                        min={0}
                        max={s.budget}
                        value={s.spent}
                      />
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
          {input('Id', 'id')}
          {input('Name', 'name')}
          {input('Goal', 'goal')}
          {input('Phase', 'phase')}
          {input('Budget', 'budget')}
          <button type="submit" className="primary">
            Save project
          </button>
        </div>
      </form>
    </div>
  );
}
