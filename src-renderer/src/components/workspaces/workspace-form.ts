import type { ValidationIssue } from '../../../../src-shared/contract/errors.ts';
import type { WorkspaceRemoteInput } from '../../../../src-shared/schemas/forge.ts';
import type { ForgeKind } from '../../../../src-shared/schemas/plain/forge.ts';
import type { WorkspaceInput } from '../../../../src-shared/schemas/workspace.ts';
import { joinArgs, parseEnv, shellSyntax, splitArgs } from '../../format/argv.ts';
import { fieldMessage } from '../../format/field-message.ts';

/** The add-a-workspace form as typed. */
export interface WorkspaceDraft {
  id: string;
  path: string;
  base_branch: string;
  setup_command: string;
  env: string;
  /** Gitignore patterns, separated by spaces or commas. */
  keep_ignored: string;
}

export const EMPTY_WORKSPACE: WorkspaceDraft = {
  id: '',
  path: '',
  base_branch: '',
  setup_command: '',
  env: '',
  keep_ignored: '',
};

export type WorkspaceField = keyof WorkspaceDraft | 'form';
export type WorkspaceErrors = Partial<Record<WorkspaceField, string>>;

export const WORKSPACE_LABELS: Record<keyof WorkspaceDraft, string> = {
  id: 'Id',
  path: 'Repository folder',
  base_branch: 'Base branch',
  setup_command: 'Setup script',
  env: 'Environment',
  keep_ignored: 'Keep between attempts',
};

/** `forward_ports`, as its Sandbox editor names it (the task panel's ports name it too). */
export const FORWARD_PORTS_LABEL = 'Reach its dev servers from this machine';

/** `node_modules/, .venv/` → ["node_modules/", ".venv/"], or what is wrong with one pattern. */
export function keepPatterns(text: string): { ok: true; patterns: string[] } | { ok: false; error: string } {
  const patterns = text.split(/[\s,]+/).filter(Boolean);
  for (const p of patterns) {
    if (p.startsWith('!')) return { ok: false, error: `${p}: list only what to keep (no !)` };
    if (p.startsWith('#')) return { ok: false, error: `${p}: a pattern cannot start with #` };
  }
  return { ok: true, patterns };
}

/**
 * A setup script as typed: one plain command line is its words (no shell); several lines, or a
 * line a shell must read (`npm ci && npm run build`), run with `sh -c`. Empty is none.
 */
export function setupArgvOf(
  text: string,
): { ok: true; argv: string[] | null } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: true, argv: null };
  if (t.includes('\n') || shellSyntax(t) !== null) return { ok: true, argv: ['sh', '-c', t] };
  const words = splitArgs(t);
  return words.ok ? { ok: true, argv: words.args } : { ok: false, error: words.error };
}

/** A setup command as its script field shows it: `sh -c`'s script itself, else the command line. */
export function setupTextOf(argv: readonly string[] | null | undefined): string {
  if (!argv) return '';
  if (argv.length === 3 && argv[0] === 'sh' && argv[1] === '-c') return argv[2]!;
  return joinArgs(argv);
}

/** The input `workspaces.add` takes, or every problem of the form at once. */
export function checkWorkspace(
  d: WorkspaceDraft,
): { ok: true; input: WorkspaceInput } | { ok: false; errors: WorkspaceErrors } {
  const errors: WorkspaceErrors = {};
  if (!d.id.trim()) errors.id = 'Id is required';
  if (!d.path.trim()) errors.path = `${WORKSPACE_LABELS.path} is required`;
  else if (!d.path.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(d.path.trim()))
    errors.path = `${WORKSPACE_LABELS.path} must be an absolute path (it starts with /)`;
  const setup = setupArgvOf(d.setup_command);
  if (!setup.ok) errors.setup_command = `${WORKSPACE_LABELS.setup_command} ${setup.error}`;
  const env = parseEnv(d.env);
  if (!env.ok) errors.env = `${WORKSPACE_LABELS.env}: ${env.error}`;
  const keep = keepPatterns(d.keep_ignored);
  if (!keep.ok) errors.keep_ignored = `${WORKSPACE_LABELS.keep_ignored}: ${keep.error}`;
  if (Object.keys(errors).length > 0 || !setup.ok || !env.ok || !keep.ok) return { ok: false, errors };
  return {
    ok: true,
    input: {
      id: d.id.trim(),
      path: d.path.trim(),
      ...(d.base_branch.trim() ? { base_branch: d.base_branch.trim() } : {}),
      ...(setup.argv ? { setup_command: setup.argv } : {}),
      env: env.env,
      ...(keep.patterns.length > 0 ? { keep_ignored: keep.patterns } : {}),
    },
  };
}

/** The host's word on a field (`path`, `env.FOO`, `setup_command[0]`), under that field. */
export function workspaceErrorsOf(issues: readonly ValidationIssue[]): WorkspaceErrors {
  const errors: WorkspaceErrors = {};
  for (const { path, message } of issues) {
    const top = path.replace(/[[.].*$/, '');
    const field: WorkspaceField = top in WORKSPACE_LABELS ? (top as keyof WorkspaceDraft) : 'form';
    if (errors[field]) continue;
    const label = field === 'form' ? path || 'Workspace' : WORKSPACE_LABELS[field];
    errors[field] = fieldMessage(path === top || field === 'form' ? label : `${label} (${path})`, message);
  }
  return errors;
}

/** A workspace id from a folder's name: `/src/My App` → `My-App` (what an id may hold, the rest dashes). */
export function idOfFolder(path: string): string {
  const name = path.replace(/\/+$/, '').split('/').at(-1) ?? '';
  return name
    .replace(/[^A-Za-z0-9._:@-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
}

/** A repository's origin as the remote its work lands on: the forge its host is on, its token named after it. */
export function originRemote(origin: {
  url: string;
  forge: { kind: ForgeKind; repo: string } | null;
}): WorkspaceRemoteInput {
  return {
    url: origin.url,
    ...(origin.forge
      ? {
          forge: {
            kind: origin.forge.kind,
            repo: origin.forge.repo,
            token_secret: `${origin.forge.kind}.token`,
          },
        }
      : {}),
  };
}
