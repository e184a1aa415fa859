import type { ValidationIssue } from '../../../../src-shared/contract/errors.ts';
import { formatPath } from '../../../../src-shared/contract/errors.ts';
import type { Project, ProjectInput } from '../../../../src-shared/schemas/project.ts';
import { projectSchema } from '../../../../src-shared/schemas/project.ts';
import { fieldMessage } from '../../format/field-message.ts';

/** What the add/edit project form holds: text as typed. */
export interface ProjectDraft {
  id: string;
  name: string;
  goal: string;
  phase: string;
  budget: string;
}
export type ProjectField = keyof ProjectDraft;
/** Per field; `form` for a problem that names no field of the form. */
export type ProjectErrors = Partial<Record<ProjectField | 'form', string>>;

export const EMPTY_PROJECT: ProjectDraft = { id: '', name: '', goal: '', phase: 'planning', budget: '' };

export const PROJECT_LABELS: Record<ProjectField, string> = {
  id: 'Id',
  name: 'Name',
  goal: 'Goal',
  phase: 'Phase',
  budget: 'Budget',
};

export function projectDraftOf(p: Project): ProjectDraft {
  return {
    id: p.id,
    name: p.name,
    goal: p.goal,
    phase: p.phase,
    budget: p.budget === null ? '' : String(p.budget),
  };
}

/** The project the form describes; an empty budget is no budget, text that is not a number is NaN. */
function projectInputOf(d: ProjectDraft): ProjectInput {
  const budget = d.budget.trim();
  return {
    id: d.id.trim(),
    name: d.name,
    goal: d.goal,
    phase: d.phase,
    budget: budget === '' ? null : Number(budget),
  };
}

/** One message per field, in plain words naming it ("Budget must be a number of 0 or more"). */
export function projectErrorsOf(issues: readonly ValidationIssue[]): ProjectErrors {
  const errors: ProjectErrors = {};
  for (const { path, message } of issues) {
    const field = path in PROJECT_LABELS ? (path as ProjectField) : 'form';
    if (errors[field]) continue;
    errors[field] = fieldMessage(field === 'form' ? 'Project' : PROJECT_LABELS[field], message);
  }
  return errors;
}

/** Every problem with the form at once, or the project to save. */
export function checkProject(
  d: ProjectDraft,
): { ok: true; project: ProjectInput } | { ok: false; errors: ProjectErrors } {
  const input = projectInputOf(d);
  const parsed = projectSchema.safeParse(input);
  if (parsed.success) return { ok: true, project: input };
  return {
    ok: false,
    errors: projectErrorsOf(
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    ),
  };
}
