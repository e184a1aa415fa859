import type { WorkspaceRemote, WorkspaceRemoteInput } from '../../../../src-shared/schemas/forge.ts';
import type { ForgeKind } from '../../../../src-shared/schemas/plain/forge.ts';
import { defaultApiUrl, FORGE_LABELS } from '../../../../src-shared/schemas/plain/forge.ts';

/** The remote form's fields, as typed. */
export interface RemoteDraft {
  url: string;
  base_branch: string;
  forge: 'none' | ForgeKind;
  api_url: string;
  repo: string;
  token_secret: string;
  webhook_secret: string;
}
export type RemoteField = keyof RemoteDraft;
export type RemoteErrors = Partial<Record<RemoteField | 'form', string>>;

export const REMOTE_LABELS: Record<RemoteField, string> = {
  url: 'Remote URL',
  base_branch: 'Remote base branch',
  forge: 'Forge',
  api_url: 'Forge API URL',
  repo: 'Repository on the forge',
  token_secret: 'Token secret',
  webhook_secret: 'Webhook secret',
};

/** What the form says under each forge's own fields: total over the forge kinds, so a new forge says its own. */
export const FORGE_FIELD_HINTS: Record<
  ForgeKind,
  { repo: string; api_url: { placeholder: string; hint: string }; webhook_secret: string }
> = {
  github: {
    repo: 'The repository on the forge, owner/name.',
    api_url: {
      placeholder: 'https://api.github.com',
      hint: 'Optional. GitHub Enterprise: https://<host>/api/v3.',
    },
    webhook_secret: `Optional. The name of the secret ${FORGE_LABELS.github} signs its webhooks with; without it, pull requests are polled.`,
  },
  gitlab: {
    repo: 'The project on GitLab, group/name (or group/subgroup/name).',
    api_url: {
      placeholder: 'https://gitlab.com/api/v4',
      hint: 'Optional. Self-managed GitLab: https://<host>/api/v4.',
    },
    webhook_secret:
      "Optional. The name of the secret set as the GitLab webhook's secret token; without it, merge requests are polled.",
  },
  gitea: {
    repo: 'The repository on the forge, owner/name.',
    api_url: {
      placeholder: 'https://gitea.example.com',
      hint: 'Required: the address of your Gitea or Forgejo (its API is under /api/v1).',
    },
    webhook_secret: `Optional. The name of the secret ${FORGE_LABELS.gitea} signs its webhooks with; without it, pull requests are polled.`,
  },
};

export function remoteDraftOf(r: WorkspaceRemote | null | undefined): RemoteDraft {
  return {
    url: r?.url ?? '',
    base_branch: r?.base_branch ?? '',
    forge: r?.forge?.kind ?? 'none',
    api_url: r?.forge && r.forge.api_url !== defaultApiUrl(r.forge.kind) ? r.forge.api_url : '',
    repo: r?.forge?.repo ?? '',
    token_secret: r?.forge?.token_secret ?? '',
    webhook_secret: r?.forge?.webhook_secret ?? '',
  };
}

/** What `workspaces.update` takes: null (no remote) when the URL is left empty. */
export function remoteInputOf(d: RemoteDraft): WorkspaceRemoteInput | null {
  if (d.url.trim() === '') return null;
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const base = opt(d.base_branch);
  const api = opt(d.api_url);
  const hook = opt(d.webhook_secret);
  return {
    url: d.url.trim(),
    ...(base ? { base_branch: base } : {}),
    ...(d.forge === 'none'
      ? {}
      : {
          forge: {
            kind: d.forge,
            repo: d.repo.trim(),
            token_secret: d.token_secret.trim(),
            ...(api ? { api_url: api } : {}),
            ...(hook ? { webhook_secret: hook } : {}),
          },
        }),
  };
}

/** The host's issues (`remote.forge.repo`) under their fields, each starting with its label. */
export function remoteErrorsOf(issues: readonly { path: string; message: string }[]): RemoteErrors {
  const out: RemoteErrors = {};
  for (const { path, message } of issues) {
    const inside = path.replace(/^remote\.?/, '').replace(/^forge\./, '');
    const key = (inside === 'kind' ? 'forge' : inside) as RemoteField;
    if (key in REMOTE_LABELS) out[key] ??= `${REMOTE_LABELS[key]}: ${message}`;
    else out.form ??= `${path || 'remote'}: ${message}`;
  }
  return out;
}

/** One line of what a workspace's remote is, for its row. */
export function remoteSummary(r: WorkspaceRemote | null | undefined): string | null {
  if (!r) return null;
  const on = r.base_branch ? ` (${r.base_branch})` : '';
  return r.forge ? `${FORGE_LABELS[r.forge.kind]} ${r.forge.repo}${on}` : `${r.url}${on}`;
}

/** The remote form filled in from a repository's origin: its URL, and its forge (a token secret named after it) when known. */
export function originDraft(origin: {
  url: string;
  forge: { kind: ForgeKind; repo: string } | null;
}): RemoteDraft {
  return {
    url: origin.url,
    base_branch: '',
    forge: origin.forge?.kind ?? 'none',
    api_url: '',
    repo: origin.forge?.repo ?? '',
    token_secret: origin.forge ? `${origin.forge.kind}.token` : '',
    webhook_secret: '',
  };
}
