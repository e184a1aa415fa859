/**
 * The shapes of GitLab's REST answers (docs.gitlab.com/api: merge_requests, pipelines, jobs,
 * discussions, notes, users), trimmed to the fields a client reads but kept as GitLab names and
 * nests them.
 */

export interface GitLabUser {
  id: number;
  username: string;
  name: string;
}

export interface MergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string;
  source_branch: string;
  target_branch: string;
  sha: string;
  state: 'opened' | 'closed' | 'merged';
  labels: string[];
  reviewers: { user: GitLabUser; state: ReviewerState; created_at: string }[];
  merge_commit_sha: string | null;
  squash_commit_sha: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
}

export type ReviewerState = 'unreviewed' | 'reviewed' | 'requested_changes' | 'approved' | 'review_started';

/** GitLab's `detailed_merge_status` (and `has_conflicts`) of an open merge request. */
export interface Mergeability {
  has_conflicts: boolean;
  detailed_merge_status: 'mergeable' | 'checking' | 'unchecked' | 'conflict' | 'need_rebase' | 'not_open';
}

export type JobStatus =
  | 'created'
  | 'pending'
  | 'running'
  | 'success'
  | 'failed'
  | 'canceled'
  | 'skipped'
  | 'manual';

export interface Job {
  id: number;
  name: string;
  stage: string;
  status: JobStatus;
  allow_failure: boolean;
  log: string;
}

export interface Pipeline {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  jobs: Job[];
  created_at: string;
}

export interface Note {
  id: number;
  body: string;
  author: GitLabUser;
  system: boolean;
  created_at: string;
  /** A comment on a line of the diff (a `DiffNote`). */
  position: { new_path: string; new_line: number } | null;
  resolved: boolean;
}

export interface Discussion {
  id: string;
  mr: number;
  notes: Note[];
}

const DRAFT = /^\s*(?:draft:|\[draft\]|\(draft\))/i;

export const userPayload = (origin: string, u: GitLabUser) => ({
  id: u.id,
  username: u.username,
  name: u.name,
  state: 'active',
  locked: false,
  avatar_url: null,
  web_url: `${origin}/${u.username}`,
});

/** A pipeline's status from its jobs, as GitLab rolls it up. */
export function pipelineStatus(p: Pipeline): string {
  const s = p.jobs.map((j) => (j.status === 'failed' && j.allow_failure ? 'success' : j.status));
  if (s.some((x) => x === 'running' || x === 'pending')) return 'running';
  if (s.some((x) => x === 'created')) return 'pending';
  if (s.includes('failed')) return 'failed';
  if (s.includes('canceled')) return 'canceled';
  if (s.length === 0 || s.every((x) => x === 'skipped')) return 'skipped';
  return s.includes('manual') && !s.includes('success') ? 'manual' : 'success';
}

export function pipelinePayload(origin: string, repo: string, p: Pipeline) {
  return {
    id: p.id,
    iid: p.iid,
    project_id: 1,
    sha: p.sha,
    ref: p.ref,
    status: pipelineStatus(p),
    source: 'push',
    created_at: p.created_at,
    updated_at: p.created_at,
    web_url: `${origin}/${repo}/-/pipelines/${p.id}`,
  };
}

export function jobPayload(origin: string, repo: string, p: Pipeline, j: Job, bot: GitLabUser) {
  return {
    id: j.id,
    status: j.status,
    stage: j.stage,
    name: j.name,
    ref: p.ref,
    tag: false,
    coverage: null,
    allow_failure: j.allow_failure,
    created_at: p.created_at,
    started_at: j.status === 'created' || j.status === 'pending' ? null : p.created_at,
    finished_at: ['success', 'failed', 'canceled'].includes(j.status) ? p.created_at : null,
    duration: null,
    queued_duration: null,
    user: userPayload(origin, bot),
    commit: { id: p.sha, short_id: p.sha.slice(0, 8), title: 'commit' },
    pipeline: { id: p.id, project_id: 1, ref: p.ref, sha: p.sha, status: pipelineStatus(p) },
    ...(j.status === 'failed' ? { failure_reason: 'script_failure' } : {}),
    web_url: `${origin}/${repo}/-/jobs/${j.id}`,
    artifacts: [],
    runner: null,
    tag_list: [],
  };
}

export function mergeRequestPayload(
  origin: string,
  repo: string,
  m: MergeRequest,
  author: GitLabUser,
  baseSha: string | null,
  merge: Mergeability | undefined,
  headPipeline: ReturnType<typeof pipelinePayload> | null,
) {
  const draft = DRAFT.test(m.title);
  const open = m.state === 'opened';
  const status = !open
    ? 'not_open'
    : (merge?.detailed_merge_status ?? (draft ? 'draft_status' : 'mergeable'));
  return {
    id: 1000 + m.iid,
    iid: m.iid,
    project_id: 1,
    title: m.title,
    description: m.description,
    state: m.state,
    created_at: m.created_at,
    updated_at: m.updated_at,
    merged_by: m.state === 'merged' ? userPayload(origin, author) : null,
    merge_user: m.state === 'merged' ? userPayload(origin, author) : null,
    merged_at: m.merged_at,
    closed_by: m.state === 'closed' ? userPayload(origin, author) : null,
    closed_at: m.closed_at,
    target_branch: m.target_branch,
    source_branch: m.source_branch,
    user_notes_count: 0,
    upvotes: 0,
    downvotes: 0,
    author: userPayload(origin, author),
    assignees: [],
    assignee: null,
    reviewers: m.reviewers.map((r) => userPayload(origin, r.user)),
    source_project_id: 1,
    target_project_id: 1,
    labels: m.labels,
    draft,
    work_in_progress: draft,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: merge?.has_conflicts ? 'cannot_be_merged' : 'can_be_merged',
    detailed_merge_status: status,
    sha: m.sha,
    merge_commit_sha: m.merge_commit_sha,
    squash_commit_sha: m.squash_commit_sha,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: false,
    reference: `!${m.iid}`,
    references: { short: `!${m.iid}`, relative: `!${m.iid}`, full: `${repo}!${m.iid}` },
    web_url: `${origin}/${repo}/-/merge_requests/${m.iid}`,
    time_stats: {
      time_estimate: 0,
      total_time_spent: 0,
      human_time_estimate: null,
      human_total_time_spent: null,
    },
    squash: false,
    task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: merge?.has_conflicts ?? false,
    blocking_discussions_resolved: true,
    subscribed: true,
    changes_count: '1',
    pipeline: headPipeline,
    head_pipeline: headPipeline,
    diff_refs: { base_sha: baseSha, head_sha: m.sha, start_sha: baseSha },
    merge_error: null,
    user: { can_merge: true },
  };
}

export function notePayload(origin: string, m: MergeRequest, n: Note) {
  return {
    id: n.id,
    type: n.position ? 'DiffNote' : null,
    body: n.body,
    attachment: null,
    author: userPayload(origin, n.author),
    created_at: n.created_at,
    updated_at: n.created_at,
    system: n.system,
    noteable_id: 1000 + m.iid,
    noteable_type: 'MergeRequest',
    noteable_iid: m.iid,
    project_id: 1,
    resolvable: n.position !== null,
    ...(n.position
      ? {
          resolved: n.resolved,
          resolved_by: null,
          resolved_at: null,
          position: {
            base_sha: m.sha,
            start_sha: m.sha,
            head_sha: m.sha,
            old_path: n.position.new_path,
            new_path: n.position.new_path,
            position_type: 'text',
            old_line: null,
            new_line: n.position.new_line,
            line_range: null,
          },
        }
      : {}),
    confidential: false,
    internal: false,
  };
}

export const discussionPayload = (origin: string, m: MergeRequest, d: Discussion) => ({
  id: d.id,
  individual_note: d.notes.every((n) => n.position === null),
  notes: d.notes.map((n) => notePayload(origin, m, n)),
});

/** GitLab's error bodies: `{"message": "401 Unauthorized"}`; a scope too narrow is OAuth's `insufficient_scope`. */
export const errorPayload = (status: number, message: string | string[]) =>
  status === 403 && message === 'insufficient_scope'
    ? {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: 'api',
      }
    : { message };
