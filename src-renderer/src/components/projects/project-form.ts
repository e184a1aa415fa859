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
  /** The daily cap's dollars and tokens, as typed (empty: none). */
  cap_usd: string;
  cap_tokens: string;
}
export type ProjectField = keyof ProjectDraft;
/** Per field; `form` for a problem that names no field of the form. */
export type ProjectErrors = Partial<Record<ProjectField | 'form', string>>;

export const EMPTY_PROJECT: ProjectDraft = {
  id: '',
  name: '',
  goal: '',
  phase: 'planning',
  budget: '',
  cap_usd: '',
  cap_tokens: '',
};

export const PROJECT_LABELS: Record<ProjectField, string> = {
  id: 'Id',
  name: 'Name',
  goal: 'Goal',
  phase: 'Phase',
  budget: 'Budget',
  cap_usd: 'Daily cap (USD)',
  cap_tokens: 'Daily cap (tokens)',
};

/** The schema's paths that are a form field of another name. */
const FIELD_OF_PATH: Record<string, ProjectField> = {
  'daily_cap.usd': 'cap_usd',
  'daily_cap.tokens': 'cap_tokens',
  daily_cap: 'cap_usd',
};

export function projectDraftOf(p: Project): ProjectDraft {
  return {
    id: p.id,
    name: p.name,
    goal: p.goal,
    phase: p.phase,
    budget: p.budget === null ? '' : String(p.budget),
    cap_usd: p.daily_cap?.usd === undefined ? '' : String(p.daily_cap.usd),
    cap_tokens: p.daily_cap?.tokens === undefined ? '' : String(p.daily_cap.tokens),
  };
}

/** The project the form describes; an empty budget (or cap) is none, text that is not a number is NaN. */
function projectInputOf(d: ProjectDraft): ProjectInput {
  const budget = d.budget.trim();
  const usd = d.cap_usd.trim();
  const tokens = d.cap_tokens.trim();
  return {
    id: d.id.trim(),
    name: d.name,
    goal: d.goal,
    phase: d.phase,
    budget: budget === '' ? null : Number(budget),
    daily_cap:
      usd === '' && tokens === ''
        ? null
        : {
            ...(usd === '' ? {} : { usd: Number(usd) }),
            ...(tokens === '' ? {} : { tokens: Number(tokens) }),
          },
  };
}

/** One message per field, in plain words naming it ("Budget must be a number of 0 or more"). */
export function projectErrorsOf(issues: readonly ValidationIssue[]): ProjectErrors {
  const errors: ProjectErrors = {};
  for (const { path, message } of issues) {
    const field = FIELD_OF_PATH[path] ?? (path in PROJECT_LABELS ? (path as ProjectField) : 'form');
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
