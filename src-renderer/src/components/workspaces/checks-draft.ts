import type { ValidationIssue } from '../../../../src-shared/contract/errors.ts';
import type { WorkspaceCheck } from '../../../../src-shared/schemas/checks.ts';
import { joinArgs, splitArgs } from '../../format/argv.ts';
import { fieldMessage } from '../../format/field-message.ts';

/** One check of the checks form as typed. */
export interface CheckDraft {
  name: string;
  /** The command line, split like a shell would (no shell runs it). */
  command: string;
  /** Seconds; empty: the default (600). */
  timeout_s: string;
  /** A JUnit XML file it writes, relative to the worktree; empty: none. */
  junit: string;
}

export type CheckField = keyof CheckDraft;
/** Problems by row, then field; `form` for the list as a whole. */
export type ChecksErrors = { rows: Partial<Record<CheckField, string>>[]; form?: string };

export const CHECK_LABELS: Record<CheckField, string> = {
  name: 'Name',
  command: 'Command',
  timeout_s: 'Timeout (s)',
  junit: 'JUnit file',
};

export const EMPTY_CHECK: CheckDraft = { name: '', command: '', timeout_s: '', junit: '' };

/** What the form shows of a workspace's checks. */
export function checkDraftsOf(checks: readonly WorkspaceCheck[]): CheckDraft[] {
  return checks.map((c) => ({
    name: c.name,
    command: joinArgs(c.command),
    timeout_s: c.timeout_s === undefined ? '' : String(c.timeout_s),
    junit: c.junit ?? '',
  }));
}

/** The checks `workspaces.update` takes, or every problem of the form at once, by row and field. */
export function checksOf(
  drafts: readonly CheckDraft[],
): { ok: true; checks: WorkspaceCheck[] } | { ok: false; errors: ChecksErrors } {
  const rows: Partial<Record<CheckField, string>>[] = drafts.map(() => ({}));
  const checks: WorkspaceCheck[] = [];
  const seen = new Set<string>();
  drafts.forEach((d, i) => {
    const row = rows[i]!;
    const name = d.name.trim();
    if (!name) row.name = 'Name is required';
    else if (seen.has(name)) row.name = `Name "${name}" is taken by another check`;
    seen.add(name);
    const argv = splitArgs(d.command);
    if (!argv.ok) row.command = `Command ${argv.error}`;
    else if (argv.args.length === 0) row.command = 'Command is required';
    const t = d.timeout_s.trim();
    const timeout = t === '' ? undefined : Number(t);
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0))
      row.timeout_s = 'Timeout must be a whole number of seconds above 0';
    if (Object.keys(row).length === 0 && argv.ok)
      checks.push({
        name,
        command: argv.args,
        ...(timeout !== undefined ? { timeout_s: timeout } : {}),
        ...(d.junit.trim() ? { junit: d.junit.trim() } : {}),
      });
  });
  if (rows.some((r) => Object.keys(r).length > 0)) return { ok: false, errors: { rows } };
  return { ok: true, checks };
}

/** The host's word on a field (`checks[1].timeout_s`), under that row's field. */
export function checksErrorsOf(issues: readonly ValidationIssue[], count: number): ChecksErrors {
  const errors: ChecksErrors = { rows: Array.from({ length: count }, () => ({})) };
  for (const { path, message } of issues) {
    const m = /^checks\[(\d+)\]\.?([a-z_]*)/.exec(path);
    const row = m ? errors.rows[Number(m[1])] : undefined;
    const field = m?.[2] as CheckField | undefined;
    if (row && field && field in CHECK_LABELS) row[field] ??= fieldMessage(CHECK_LABELS[field], message);
    else errors.form ??= fieldMessage(path || 'Checks', message);
  }
  return errors;
}
