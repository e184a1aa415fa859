/**
 * The shapes of GitHub's REST answers (docs.github.com/rest: pulls, checks, issues), trimmed to
 * the fields a client reads but kept as GitHub names and nests them.
 */

export interface Pull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  head_sha: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  merge_commit_sha: string | null;
  labels: string[];
  requested_reviewers: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
}

export interface Review {
  id: number;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  body: string;
  commit_id: string;
  submitted_at: string;
}

export interface ReviewComment {
  id: number;
  pull_request_review_id: number | null;
  path: string;
  line: number;
  side: 'RIGHT' | 'LEFT';
  body: string;
  commit_id: string;
  created_at: string;
}

export interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion:
    | 'success'
    | 'failure'
    | 'neutral'
    | 'cancelled'
    | 'skipped'
    | 'timed_out'
    | 'action_required'
    | null;
  output: { title: string | null; summary: string | null; text: string | null };
  started_at: string;
  completed_at: string | null;
}

export interface Issue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  created_at: string;
  updated_at: string;
}

export interface IssueComment {
  id: number;
  issue: number;
  body: string;
  created_at: string;
}

export const user = (login: string, id = 1) => ({
  login,
  id,
  node_id: `U_${id}`,
  type: 'User',
  site_admin: false,
  html_url: `https://github.com/${login}`,
});

export function repoPayload(origin: string, owner: string, name: string) {
  return {
    id: 1296269,
    node_id: 'R_kgDOBaton',
    name,
    full_name: `${owner}/${name}`,
    owner: user(owner, 2),
    private: false,
    html_url: `${origin}/${owner}/${name}`,
    url: `${origin}/repos/${owner}/${name}`,
    default_branch: 'main',
  };
}

const label = (name: string, i: number) => ({
  id: 1000 + i,
  node_id: `LA_${i}`,
  name,
  color: 'ededed',
  default: false,
  description: null,
});

/** Whether a pull request merges, as GitHub's pull payload says it (`mergeable` null while it computes). */
export interface Mergeability {
  mergeable: boolean | null;
  state: 'clean' | 'behind' | 'dirty' | 'unknown';
}

export function pullPayload(
  origin: string,
  owner: string,
  name: string,
  p: Pull,
  baseSha: string | null,
  merge?: Mergeability,
) {
  const repo = repoPayload(origin, owner, name);
  const api = `${origin}/repos/${owner}/${name}`;
  return {
    url: `${api}/pulls/${p.number}`,
    id: 7_000_000 + p.number,
    node_id: `PR_node_${p.number}`,
    html_url: `${origin}/${owner}/${name}/pull/${p.number}`,
    diff_url: `${origin}/${owner}/${name}/pull/${p.number}.diff`,
    issue_url: `${api}/issues/${p.number}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: user('baton-bot', 3),
    body: p.body,
    labels: p.labels.map(label),
    requested_reviewers: p.requested_reviewers.map((r, i) => user(r, 100 + i)),
    requested_teams: [],
    created_at: p.created_at,
    updated_at: p.updated_at,
    closed_at: p.closed_at,
    merged_at: p.merged_at,
    merge_commit_sha: p.merge_commit_sha,
    draft: p.draft,
    head: { label: `${owner}:${p.head}`, ref: p.head, sha: p.head_sha, user: user(owner, 2), repo },
    base: {
      label: `${owner}:${p.base}`,
      ref: p.base,
      sha: baseSha ?? '0'.repeat(40),
      user: user(owner, 2),
      repo,
    },
    merged: p.merged,
    mergeable: p.state === 'open' ? (merge ? merge.mergeable : true) : null,
    mergeable_state: p.state === 'open' ? (merge?.state ?? 'clean') : 'unknown',
    merged_by: p.merged ? user(owner, 2) : null,
    comments: 0,
    review_comments: 0,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export function reviewPayload(origin: string, owner: string, name: string, pull: number, r: Review) {
  return {
    id: r.id,
    node_id: `PRR_${r.id}`,
    user: user('reviewer', 50),
    body: r.body,
    state: r.state,
    html_url: `${origin}/${owner}/${name}/pull/${pull}#pullrequestreview-${r.id}`,
    pull_request_url: `${origin}/repos/${owner}/${name}/pulls/${pull}`,
    commit_id: r.commit_id,
    submitted_at: r.submitted_at,
    author_association: 'MEMBER',
  };
}

export function reviewCommentPayload(
  origin: string,
  owner: string,
  name: string,
  pull: number,
  c: ReviewComment,
) {
  return {
    id: c.id,
    node_id: `PRRC_${c.id}`,
    url: `${origin}/repos/${owner}/${name}/pulls/comments/${c.id}`,
    pull_request_review_id: c.pull_request_review_id,
    path: c.path,
    line: c.line,
    original_line: c.line,
    side: c.side,
    commit_id: c.commit_id,
    original_commit_id: c.commit_id,
    user: user('reviewer', 50),
    body: c.body,
    created_at: c.created_at,
    updated_at: c.created_at,
    html_url: `${origin}/${owner}/${name}/pull/${pull}#discussion_r${c.id}`,
    pull_request_url: `${origin}/repos/${owner}/${name}/pulls/${pull}`,
    author_association: 'MEMBER',
  };
}

export function checkRunPayload(origin: string, owner: string, name: string, c: CheckRun) {
  return {
    id: c.id,
    node_id: `CR_${c.id}`,
    head_sha: c.head_sha,
    external_id: '',
    url: `${origin}/repos/${owner}/${name}/check-runs/${c.id}`,
    html_url: `${origin}/${owner}/${name}/runs/${c.id}`,
    details_url: `${origin}/${owner}/${name}/runs/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.started_at,
    completed_at: c.completed_at,
    output: { ...c.output, annotations_count: 0, annotations_url: '' },
    name: c.name,
    check_suite: { id: 5 },
    app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
    pull_requests: [],
  };
}

/** A commit status (the older status API CI services such as Jenkins or CircleCI post). */
export interface CommitStatus {
  id: number;
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description: string | null;
  target_url: string | null;
  created_at: string;
}

/**
 * `GET /repos/{owner}/{repo}/commits/{ref}/status`: the latest status of each context on `sha`, a
 * page of them (`per_page` up to 100, `page` from 1), and the combined state GitHub derives:
 * failure when any failed or erred, pending when any is pending or there are none, else success.
 */
export function combinedStatusPayload(
  origin: string,
  owner: string,
  name: string,
  sha: string,
  statuses: CommitStatus[],
  page: number,
  perPage: number,
) {
  const states = statuses.map((s) => s.state);
  const state = states.some((x) => x === 'failure' || x === 'error')
    ? 'failure'
    : states.length === 0 || states.includes('pending')
      ? 'pending'
      : 'success';
  return {
    state,
    statuses: statuses.slice((page - 1) * perPage, page * perPage).map((s) => ({
      url: `${origin}/repos/${owner}/${name}/statuses/${sha}`,
      avatar_url: null,
      id: s.id,
      node_id: `SC_${s.id}`,
      state: s.state,
      description: s.description,
      target_url: s.target_url,
      context: s.context,
      created_at: s.created_at,
      updated_at: s.created_at,
    })),
    sha,
    total_count: statuses.length,
    repository: repoPayload(origin, owner, name),
    commit_url: `${origin}/repos/${owner}/${name}/commits/${sha}`,
    url: `${origin}/repos/${owner}/${name}/commits/${sha}/status`,
  };
}

/** A check run as a test scripts it (`setChecks`): no conclusion yet is one still running. */
export function scriptedCheckRun(
  id: number,
  sha: string,
  r: { name: string; conclusion: CheckRun['conclusion']; text?: string },
  at: string,
): CheckRun {
  return {
    id,
    name: r.name,
    head_sha: sha,
    status: r.conclusion === null ? 'in_progress' : 'completed',
    conclusion: r.conclusion,
    output: { title: r.name, summary: r.conclusion ?? 'running', text: r.text ?? null },
    started_at: at,
    completed_at: r.conclusion === null ? null : at,
  };
}

/** A commit status as a test scripts it (`setStatuses`). */
export function scriptedStatus(
  id: number,
  x: { context: string; state: CommitStatus['state']; description?: string; target_url?: string },
  at: string,
): CommitStatus {
  return {
    id,
    context: x.context,
    state: x.state,
    description: x.description ?? null,
    target_url: x.target_url ?? null,
    created_at: at,
  };
}

export function issuePayload(origin: string, owner: string, name: string, i: Issue) {
  return {
    id: 9_000_000 + i.number,
    node_id: `I_${i.number}`,
    url: `${origin}/repos/${owner}/${name}/issues/${i.number}`,
    html_url: `${origin}/${owner}/${name}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    title: i.title,
    body: i.body,
    user: user('someone', 60),
    labels: i.labels.map(label),
    assignees: [],
    comments: 0,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: null,
    author_association: 'MEMBER',
  };
}

/**
 * A pull request as GitHub's issues list shows it: GitHub counts every pull request as an issue,
 * and says which ones are with a `pull_request` key (clients that want issues skip those).
 */
export function pullAsIssuePayload(origin: string, owner: string, name: string, p: Pull) {
  return {
    ...issuePayload(origin, owner, name, {
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state,
      labels: p.labels,
      created_at: p.created_at,
      updated_at: p.updated_at,
    }),
    html_url: `${origin}/${owner}/${name}/pull/${p.number}`,
    user: user('baton-bot', 3),
    draft: p.draft,
    pull_request: {
      url: `${origin}/repos/${owner}/${name}/pulls/${p.number}`,
      html_url: `${origin}/${owner}/${name}/pull/${p.number}`,
      diff_url: `${origin}/${owner}/${name}/pull/${p.number}.diff`,
      patch_url: `${origin}/${owner}/${name}/pull/${p.number}.patch`,
      merged_at: p.merged_at,
    },
  };
}

/**
 * The body of GitHub's `issues` webhook (X-GitHub-Event: issues): the action (`opened`,
 * `labeled`, …), the issue as the REST API shows it, the label added (for `labeled`), the
 * repository and who did it.
 */
export function issuesEventPayload(
  origin: string,
  owner: string,
  name: string,
  i: Issue,
  action: 'opened' | 'labeled' | 'unlabeled' | 'edited' | 'closed' | 'reopened',
  added?: string,
) {
  return {
    action,
    issue: issuePayload(origin, owner, name, i),
    ...(added !== undefined ? { label: label(added, i.labels.indexOf(added)) } : {}),
    repository: repoPayload(origin, owner, name),
    sender: user('someone', 60),
  };
}

export function issueCommentPayload(origin: string, owner: string, name: string, c: IssueComment) {
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${origin}/repos/${owner}/${name}/issues/comments/${c.id}`,
    html_url: `${origin}/${owner}/${name}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${origin}/repos/${owner}/${name}/issues/${c.issue}`,
    body: c.body,
    user: user('baton-bot', 3),
    created_at: c.created_at,
    updated_at: c.created_at,
    author_association: 'NONE',
  };
}

/** GitHub's error body: `message`, `documentation_url`, `status` (and `errors` for a 422). */
export function errorPayload(status: number, message: string, errors?: unknown[]) {
  return {
    message,
    ...(errors ? { errors } : {}),
    documentation_url: 'https://docs.github.com/rest',
    status: String(status),
  };
}
