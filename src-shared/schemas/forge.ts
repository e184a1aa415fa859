import { z } from 'zod';
import type { ForgeKind } from './plain/forge.ts';
import { BUILT_FORGES, defaultApiUrl, FORGE_KINDS, FORGE_LABELS } from './plain/forge.ts';
import { secretNameSchema } from './secret-refs.ts';

/**
 * Where a workspace's work lands: its remote (a git URL Baton pushes task and run branches to)
 * and, optionally, the forge that hosts it (where Baton opens and follows pull requests). The
 * forge's token is named as a secret (src-main/secrets), never stored.
 */

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(2_048)
    .refine((u) => {
      try {
        return ['http:', 'https:'].includes(new URL(u).protocol);
      } catch {
        return false;
      }
    }, `must be an http(s) URL of ${what}`);

const forgeFields = z.strictObject({
  kind: z
    .enum(FORGE_KINDS, { error: 'must be github, gitlab or gitea' })
    .refine((k) => BUILT_FORGES.includes(k), {
      error: (i) =>
        `${FORGE_LABELS[i.input as ForgeKind] ?? String(i.input)} is not built yet: only ${BUILT_FORGES.join(' and ')} ${BUILT_FORGES.length === 1 ? 'is' : 'are'}`,
    }),
  /** The forge's API (default for github: https://api.github.com; for gitlab: https://gitlab.com/api/v4; gitea has no default: its host, `https://gitea.example.com`). */
  api_url: httpUrl('the forge API').optional(),
  /** The repository on the forge, `owner/name` (on GitLab, in subgroups too: `group/subgroup/name`). */
  repo: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+$/, 'must be owner/name'),
  /** The secret holding the forge's token (used for its API and to push over HTTPS). */
  token_secret: secretNameSchema,
  /** The secret GitHub signs this repository's webhooks with (`X-Hub-Signature-256`), or GitLab sends as `X-Gitlab-Token`; absent: no webhook, polling only. */
  webhook_secret: secretNameSchema.optional(),
});

/** A forge; only GitLab nests repositories in subgroups (`group/subgroup/name`). */
export const forgeSchema = forgeFields.refine((f) => f.kind === 'gitlab' || f.repo.split('/').length <= 2, {
  path: ['repo'],
  error: 'must be owner/name',
});
export type Forge = z.infer<typeof forgeSchema>;

/** The forge as given: one with no default host (Gitea, Forgejo) names its address. */
const forgeGivenSchema = forgeSchema.refine((f) => f.kind !== 'gitea' || f.api_url !== undefined, {
  path: ['api_url'],
  error:
    'Gitea and Forgejo have no default host: forge.api_url must be the address of yours (https://gitea.example.com)',
});

/** A git remote URL: https, http, ssh or scp-like (`git@host:owner/name.git`), or a path; never with a password in it. */
const remoteUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2_048)
  .refine((u) => !/[\s\0]/.test(u), 'must not contain spaces')
  .refine((u) => !u.startsWith('-'), 'must not start with -')
  .refine((u) => {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(u);
    return !m || !(m[1] ?? '').includes(':');
  }, 'must not hold a password: name the token as the forge token secret');

export const workspaceRemoteSchema = z.strictObject({
  /** Where Baton pushes (`https://github.com/acme/app.git`). */
  url: remoteUrlSchema,
  /** The remote's branch pull requests target, and pushes start from (default: the workspace's base branch). */
  base_branch: z.string().trim().min(1, 'must not be empty').max(255).optional(),
  forge: forgeGivenSchema.optional(),
});
export type WorkspaceRemoteInput = z.input<typeof workspaceRemoteSchema>;

/** A workspace's remote as stored. */
export interface WorkspaceRemote {
  url: string;
  base_branch: string | null;
  forge: {
    kind: ForgeKind;
    api_url: string;
    repo: string;
    token_secret: string;
    webhook_secret?: string;
  } | null;
}

/** The remote as stored, from what was given (defaults filled in). */
export function storedRemote(input: z.output<typeof workspaceRemoteSchema>): WorkspaceRemote {
  return {
    url: input.url,
    base_branch: input.base_branch ?? null,
    forge: input.forge
      ? {
          kind: input.forge.kind,
          api_url: (input.forge.api_url ?? defaultApiUrl(input.forge.kind)).replace(/\/+$/, ''),
          repo: input.forge.repo,
          token_secret: input.forge.token_secret,
          ...(input.forge.webhook_secret ? { webhook_secret: input.forge.webhook_secret } : {}),
        }
      : null,
  };
}

/**
 * The forge a git remote's URL is on, when it is a hosted one Baton knows by name: github.com or
 * gitlab.com, over https, ssh or scp-like (`git@github.com:acme/app.git`), and the repository's
 * path there (`acme/app`). Null for another host (a self-managed forge is named by hand).
 */
export function forgeOfUrl(url: string): { kind: ForgeKind; repo: string } | null {
  const u = url.trim();
  const m =
    /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+?)(?:\.git)?\/?$/i.exec(u) ??
    /^(?:[^@/]+@)?([^/:]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(u);
  if (!m) return null;
  const host = m[1]!.toLowerCase();
  const repo = m[2]!;
  if (host === 'github.com' && /^[\w.-]+\/[\w.-]+$/.test(repo)) return { kind: 'github', repo };
  if (host === 'gitlab.com' && /^[\w.-]+(?:\/[\w.-]+)+$/.test(repo)) return { kind: 'gitlab', repo };
  return null;
}
