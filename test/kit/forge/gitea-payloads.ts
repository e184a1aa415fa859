/**
 * The shapes of Gitea's REST answers (its swagger, `/api/v1`: pulls, reviews, statuses, labels,
 * issue comments), trimmed to the fields a client reads but kept as Gitea names and nests them.
 * Forgejo answers the same.
 */

export interface Pull {
  number: number;
  id: number;
  title: string;
  body: string;
  head: string;
  head_sha: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  merge_commit_sha: string | null;
  /** Label ids. */
  labels: number[];
  requested_reviewers: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
}

/** Whether a pull request merges and where its branch left its base, as Gitea computed it. */
export interface Mergeability {
  mergeable: boolean;
  merge_base: string;
}

export interface Review {
  id: number;
  state: 'APPROVED' | 'REQUEST_CHANGES' | 'COMMENT' | 'PENDING' | 'REQUEST_REVIEW';
  body: string;
  commit_id: string;
  user: string;
  dismissed: boolean;
  submitted_at: string;
}

export interface ReviewComment {
  id: number;
  review: number;
  path: string;
  line: number;
  body: string;
  commit_id: string;
  created_at: string;
}

export interface Status {
  id: number;
  sha: string;
  context: string;
  status: 'pending' | 'success' | 'error' | 'failure' | 'warning';
  description: string;
  target_url: string;
  created_at: string;
}

export interface Label {
  id: number;
  name: string;
  color: string;
}

export interface IssueComment {
  id: number;
  issue: number;
  body: string;
  created_at: string;
}

/** Gitea's WORK_IN_PROGRESS_PREFIXES default: a title starting with one is a draft. */
export const isWip = (title: string): boolean => /^\s*(WIP:|\[WIP\])/i.test(title);

export const user = (login: string, id = 1) => ({
  id,
  login,
  login_name: '',
  full_name: '',
  email: `${login}@noreply.localhost`,
  avatar_url: '',
  html_url: '',
  is_admin: false,
  username: login,
});

export function repoPayload(origin: string, owner: string, name: string) {
  return {
    id: 7,
    owner: user(owner, 2),
    name,
    full_name: `${owner}/${name}`,
    private: false,
    html_url: `${origin}/${owner}/${name}`,
    clone_url: `${origin}/${owner}/${name}.git`,
    default_branch: 'main',
  };
}

export const labelPayload = (origin: string, owner: string, name: string, l: Label) => ({
  id: l.id,
  name: l.name,
  exclusive: false,
  is_archived: false,
  color: l.color.replace(/^#/, ''),
  description: '',
  url: `${origin}/api/v1/repos/${owner}/${name}/labels/${l.id}`,
});

const branch = (origin: string, owner: string, name: string, ref: string, sha: string) => ({
  label: ref,
  ref,
  sha,
  repo_id: 7,
  repo: repoPayload(origin, owner, name),
});

export function pullPayload(
  origin: string,
  owner: string,
  name: string,
  p: Pull,
  labels: Label[],
  baseSha: string,
  merge: Mergeability,
) {
  const draft = isWip(p.title);
  return {
    id: p.id,
    url: `${origin}/${owner}/${name}/pulls/${p.number}`,
    number: p.number,
    user: user('baton', 3),
    title: p.title,
    body: p.body,
    labels: p.labels.flatMap((id) => {
      const l = labels.find((x) => x.id === id);
      return l ? [labelPayload(origin, owner, name, l)] : [];
    }),
    milestone: null,
    assignee: null,
    assignees: null,
    requested_reviewers: p.requested_reviewers.map((r, i) => user(r, 10 + i)),
    state: p.state,
    draft,
    is_locked: false,
    comments: 0,
    html_url: `${origin}/${owner}/${name}/pulls/${p.number}`,
    diff_url: `${origin}/${owner}/${name}/pulls/${p.number}.diff`,
    patch_url: `${origin}/${owner}/${name}/pulls/${p.number}.patch`,
    // Gitea: false while it checks, on a conflict, and for every work-in-progress pull request.
    mergeable: p.state === 'open' && !draft && merge.mergeable,
    merged: p.merged,
    merged_at: p.merged_at,
    merge_commit_sha: p.merge_commit_sha,
    merged_by: p.merged ? user('maintainer', 4) : null,
    allow_maintainer_edit: false,
    base: branch(origin, owner, name, p.base, baseSha),
    head: branch(origin, owner, name, p.head, p.head_sha),
    merge_base: merge.merge_base,
    due_date: null,
    created_at: p.created_at,
    updated_at: p.updated_at,
    closed_at: p.closed_at,
  };
}

export function reviewPayload(
  origin: string,
  owner: string,
  name: string,
  n: number,
  r: Review,
  count: number,
) {
  return {
    id: r.id,
    user: user(r.user, 20),
    team: null,
    state: r.state,
    body: r.body,
    commit_id: r.commit_id,
    stale: false,
    official: true,
    dismissed: r.dismissed,
    comments_count: count,
    submitted_at: r.submitted_at,
    updated_at: r.submitted_at,
    html_url: `${origin}/${owner}/${name}/pulls/${n}#issuecomment-${r.id}`,
    pull_request_url: `${origin}/${owner}/${name}/pulls/${n}`,
  };
}

export function reviewCommentPayload(
  origin: string,
  owner: string,
  name: string,
  n: number,
  r: Review,
  c: ReviewComment,
) {
  return {
    id: c.id,
    body: c.body,
    user: user(r.user, 20),
    resolver: null,
    pull_request_review_id: c.review,
    created_at: c.created_at,
    updated_at: c.created_at,
    path: c.path,
    commit_id: c.commit_id,
    original_commit_id: c.commit_id,
    diff_hunk: `@@ -1,1 +1,1 @@\n+${c.path}`,
    // Gitea: a comment on the new side's line `position`; on the old side's, `original_position`.
    position: c.line,
    original_position: 0,
    html_url: `${origin}/${owner}/${name}/pulls/${n}/files#issuecomment-${c.id}`,
    pull_request_url: `${origin}/${owner}/${name}/pulls/${n}`,
  };
}

export const statusPayload = (origin: string, owner: string, name: string, s: Status) => ({
  id: s.id,
  status: s.status,
  target_url: s.target_url,
  description: s.description,
  url: `${origin}/api/v1/repos/${owner}/${name}/statuses/${s.sha}`,
  context: s.context,
  creator: user('ci', 30),
  created_at: s.created_at,
  updated_at: s.created_at,
});

/** Gitea's combined status: the latest status of each context, and the worst of them. */
export function combinedPayload(origin: string, owner: string, name: string, sha: string, all: Status[]) {
  const latest = new Map<string, Status>();
  for (const s of all) latest.set(s.context, s);
  const statuses = [...latest.values()];
  const order: Status['status'][] = ['error', 'failure', 'warning', 'pending', 'success'];
  const state = order.find((o) => statuses.some((s) => s.status === o)) ?? 'pending';
  return {
    state: statuses.length === 0 ? '' : state,
    sha,
    total_count: statuses.length,
    statuses: statuses.map((s) => statusPayload(origin, owner, name, s)),
    repository: repoPayload(origin, owner, name),
    commit_url: `${origin}/api/v1/repos/${owner}/${name}/commits/${sha}`,
    url: `${origin}/api/v1/repos/${owner}/${name}/commits/${sha}/status`,
  };
}

export const issueCommentPayload = (origin: string, owner: string, name: string, c: IssueComment) => ({
  id: c.id,
  html_url: `${origin}/${owner}/${name}/pulls/${c.issue}#issuecomment-${c.id}`,
  pull_request_url: `${origin}/${owner}/${name}/pulls/${c.issue}`,
  issue_url: '',
  user: user('baton', 3),
  original_author: '',
  original_author_id: 0,
  body: c.body,
  assets: [],
  created_at: c.created_at,
  updated_at: c.created_at,
});

/** Gitea's error body (`APIError`): its message and where its API is described. */
export const errorPayload = (origin: string, message: string, errors?: string[]) => ({
  message,
  url: `${origin}/api/swagger`,
  ...(errors ? { errors } : {}),
});
