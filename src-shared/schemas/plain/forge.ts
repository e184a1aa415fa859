/**
 * The forges by name, without zod: the first screen names a landing's forge, and zod loads only
 * with a form or a check.
 */

/** The forges Baton knows by name. */
export const FORGE_KINDS = ['github', 'gitlab', 'gitea'] as const;
export type ForgeKind = (typeof FORGE_KINDS)[number];

/** The forges Baton can talk to today; the others are accepted by name and refused. */
export const BUILT_FORGES: readonly ForgeKind[] = ['github', 'gitlab', 'gitea'];

export const FORGE_LABELS: Record<ForgeKind, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  gitea: 'Gitea / Forgejo',
};

/** The API address of github.com; GitHub Enterprise's is `https://<host>/api/v3`. */
export const GITHUB_API_URL = 'https://api.github.com';

/** The API address of gitlab.com; a self-managed GitLab's is `https://<host>/api/v4`. */
export const GITLAB_API_URL = 'https://gitlab.com/api/v4';

/** A forge's API address when none is given (the hosted one). */
export const defaultApiUrl = (kind: ForgeKind): string =>
  kind === 'gitlab' ? GITLAB_API_URL : GITHUB_API_URL;
