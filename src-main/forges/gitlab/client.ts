import {
  Jobs,
  MergeRequestDiscussions,
  MergeRequestNotes,
  MergeRequests,
  Pipelines,
  Users,
} from '@gitbeaker/rest';
import type { ChecksSeen, ForgeClient, PullState, ReviewSeen } from '../definition.ts';
import { LandingError } from '../errors.ts';

/** Most of a failed job's log the agent is told (its tail: where the error is). */
const CHECK_OUTPUT_CHARS = 4_000;

/** GitLab's job statuses that are not over yet. */
const RUNNING = new Set([
  'created',
  'waiting_for_resource',
  'preparing',
  'pending',
  'running',
  'scheduled',
  'waiting_for_callback',
]);

/** The title prefixes GitLab reads as a draft (`Draft:`, `[Draft]`, `(Draft)`). */
const DRAFT_PREFIX = /^\s*(?:draft:|\[draft\]|\(draft\))\s*/i;

/** What Baton reads of a merge request (GitLab's single merge request payload). */
interface MergeRequest {
  id: number;
  iid: number;
  web_url: string;
  title: string;
  state: string;
  draft?: boolean;
  sha: string;
  target_branch: string;
  source_project_id?: number;
  target_project_id?: number;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  has_conflicts?: boolean;
  detailed_merge_status?: string;
  diff_refs?: { base_sha?: string | null } | null;
}

/**
 * A merge request as a pull request: `iid` its number; `opened` open, `closed` and `merged`
 * closed (`locked`, while GitLab merges it, still open). Whether it merges, in GitHub's words
 * (`pr-base.ts` reads them): `has_conflicts` or a `conflict`/`broken_status` detailed status is
 * `dirty`, `need_rebase` (a fast-forward-only project whose target moved) `behind`, `mergeable`
 * `clean`; `unchecked`/`checking` (GitLab computes it) is `mergeable: null`, read again soon.
 */
export const pullOfMergeRequest = (m: MergeRequest): PullState => {
  const status = m.detailed_merge_status ?? 'unchecked';
  const computing = status === 'unchecked' || status === 'checking';
  const dirty = m.has_conflicts === true || status === 'conflict' || status === 'broken_status';
  const merged = m.state === 'merged';
  return {
    number: m.iid,
    url: m.web_url,
    node_id: String(m.id),
    state: m.state === 'closed' || merged ? 'closed' : 'open',
    draft: m.draft === true,
    merged,
    // A squash leaves its own commit; a fast-forward merge has no merge commit: the head itself landed.
    merge_commit: merged ? (m.merge_commit_sha ?? m.squash_commit_sha ?? m.sha) : null,
    head_sha: m.sha,
    base: m.target_branch,
    base_sha: m.diff_refs?.base_sha ?? '',
    mergeable: dirty ? false : computing ? null : true,
    mergeable_state: dirty
      ? 'dirty'
      : computing
        ? 'unknown'
        : status === 'need_rebase'
          ? 'behind'
          : status === 'mergeable'
            ? 'clean'
            : 'blocked',
  };
};

/** A job's log as a person reads it: without colours and GitLab's collapsible-section markers. */
export const plainLog = (log: string): string =>
  log
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is removed
    .replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
    .replace(/section_(?:start|end):\d+:[^\r\n]*?\r/g, '')
    .replace(/\r\n?/g, '\n');

interface Note {
  id: number;
  body: string;
  system: boolean;
  author: { id: number; username: string };
  resolved?: boolean;
  position?: {
    new_path?: string | null;
    old_path?: string | null;
    new_line?: number | null;
    old_line?: number | null;
  };
}

/**
 * GitLab (gitlab.com or self-managed, its API at `apiUrl`, `https://<host>/api/v4`) through
 * `@gitbeaker/rest`, for one project (`group/name`, or `group/subgroup/name`) and one token.
 * Merge requests are its pull requests; the head pipeline's jobs its checks; a reviewer whose
 * review state is `requested_changes` a review asking for changes. Errors are said as Baton says
 * them: a token refused (401), lacking rights (403), gone (404).
 */
export function gitlabForge(opts: {
  apiUrl: string;
  repo: string;
  token: string;
  tokenName: string;
}): ForgeClient {
  // gitbeaker adds `/api/v4` itself; a self-managed GitLab under a path keeps its path.
  const host = opts.apiUrl.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
  // Every call gives up after a minute: a forge that does not answer never holds a landing (or Baton's close).
  const conn = { host, token: opts.token, queryTimeout: 60_000 };
  const mrs = new MergeRequests(conn);
  const discussions = new MergeRequestDiscussions(conn);
  const notes = new MergeRequestNotes(conn);
  const pipelines = new Pipelines(conn);
  const jobs = new Jobs(conn);
  const users = new Users(conn);
  const project = opts.repo;

  const said = async <T>(doing: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof LandingError) throw err;
      const e = err as { message?: string; cause?: { response?: { status?: number } } };
      const status = e.cause?.response?.status;
      const message = e.message || String(err);
      if (status === 401)
        throw new LandingError(
          'auth',
          `${doing}: GitLab refused the token in secret "${opts.tokenName}" (401 ${message})`,
        );
      if (status === 403)
        throw new LandingError(
          'rights',
          `${doing}: the token in secret "${opts.tokenName}" lacks the rights on ${opts.repo} (403 ${message}); it needs the api scope and the Developer role`,
        );
      if (status === 404)
        throw new LandingError('gone', `${doing}: GitLab answered 404 (${message}) for ${opts.repo}`);
      throw new LandingError('forge', `${doing}: GitLab answered ${status ?? 'nothing'} (${message})`);
    }
  };
  const show = async (iid: number) =>
    pullOfMergeRequest((await mrs.show(project, iid)) as unknown as MergeRequest);
  const userId = async (username: string): Promise<number> => {
    const found = (await users.all({ username })) as unknown as { id: number; username: string }[];
    const u = found.find((x) => x.username.toLowerCase() === username.toLowerCase());
    if (!u) throw new LandingError('forge', `GitLab has no user named "${username}" to ask for a review`);
    return u.id;
  };

  return {
    label: 'GitLab',
    openFrom: (head) =>
      said(`Looking for a merge request from ${head}`, async () => {
        const open = (await mrs.all({
          projectId: project,
          sourceBranch: head,
          state: 'opened',
        })) as unknown as MergeRequest[];
        // The list holds forks' merge requests too: one from a fork whose branch has this name
        // is someone else's work (GitHub's client asks for `owner:branch`, Gitea's compares repos).
        const ours = open.find(
          (m) => m.source_project_id !== undefined && m.source_project_id === m.target_project_id,
        );
        return ours ? show(ours.iid) : null;
      }),
    open: (p) =>
      said(`Opening a merge request from ${p.head}`, async () => {
        const reviewerIds = await Promise.all(p.reviewers.map(userId));
        const created = (await mrs.create(project, p.head, p.base, p.draft ? `Draft: ${p.title}` : p.title, {
          description: p.body,
          ...(p.labels.length > 0 ? { labels: p.labels.join(',') } : {}),
          ...(reviewerIds.length > 0 ? { reviewerIds } : {}),
        })) as unknown as MergeRequest;
        // Labels and reviewers go with the request itself: nothing is asked after it exists.
        return { ...pullOfMergeRequest(created), unmet: [] };
      }),
    get: async (number) => {
      try {
        return await said(`Reading merge request !${number}`, () => show(number));
      } catch (err) {
        if (err instanceof LandingError && err.reason === 'gone') return null;
        throw err;
      }
    },
    // GitLab's REST API has no "ready" call: a merge request is a draft by its title's prefix.
    readyForReview: (p) =>
      said(`Marking merge request !${p.number} ready for review`, async () => {
        const m = (await mrs.show(project, p.number)) as unknown as MergeRequest;
        if (!DRAFT_PREFIX.test(m.title)) return;
        await mrs.edit(project, p.number, { title: m.title.replace(DRAFT_PREFIX, '') });
      }),
    checks: (sha) =>
      said(`Reading the pipeline of ${sha.slice(0, 12)}`, async (): Promise<ChecksSeen> => {
        // The newest pipeline on the commit (a branch or a merge request pipeline), its jobs (retries left out).
        const [pipeline] = (await pipelines.all(project, {
          sha,
          orderBy: 'id',
          sort: 'desc',
          perPage: 1,
          maxPages: 1,
        })) as unknown as { id: number; status: string }[];
        if (!pipeline) return { total: 0, failed: [], failures: [], pending: 0 };
        const list = (await jobs.all(project, { pipelineId: pipeline.id })) as unknown as {
          id: number;
          name: string;
          status: string;
          allow_failure: boolean;
          failure_reason?: string;
        }[];
        const failing = list.filter((j) => j.status === 'failed' && !j.allow_failure);
        const failures = await Promise.all(
          failing.map(async (j) => {
            const log = plainLog(String((await jobs.showLog(project, j.id)) ?? ''));
            return {
              name: j.name,
              conclusion: j.failure_reason ?? 'failed',
              output: log.trimEnd().slice(-CHECK_OUTPUT_CHARS),
            };
          }),
        );
        const running = list.filter((j) => RUNNING.has(j.status)).length;
        return {
          total: list.length,
          failed: failing.map((j) => j.name),
          failures,
          // A pipeline still going whose next jobs are not created yet is pending too.
          pending: running > 0 || !RUNNING.has(pipeline.status) ? running : 1,
        };
      }),
    reviews: (number) =>
      said(`Reading the reviews of merge request !${number}`, async () => {
        const [reviewers, threads] = await Promise.all([
          mrs.showReviewers(project, number) as unknown as Promise<
            { user: { id: number; username: string }; state: string }[]
          >,
          discussions.all(project, number) as unknown as Promise<{ id: string; notes?: Note[] }[]>,
        ]);
        return reviewsOf(reviewers, threads);
      }),
    comments: (number) =>
      said(`Reading the comments of merge request !${number}`, async () => {
        const list = (await notes.all(project, number, {
          sort: 'asc',
          orderBy: 'created_at',
        })) as unknown as Note[];
        return list.filter((n) => !n.system).map((n) => n.body);
      }),
    comment: (number, body) =>
      said(`Commenting on merge request !${number}`, async () => {
        await notes.create(project, number, body);
      }),
  };
}

const REVIEW_STATES: Record<string, string> = {
  requested_changes: 'CHANGES_REQUESTED',
  approved: 'APPROVED',
  reviewed: 'COMMENTED',
};

/**
 * The merge request's reviews as Baton reads a pull request's: one per reviewer who reviewed it,
 * `requested_changes` being GitLab's "request changes" (`CHANGES_REQUESTED`). Its body is the
 * reviewer's latest comment on the conversation, its line comments the unresolved diff threads
 * they started (`new_path`, `new_line`). Its id is the reviewer's newest note (minus their user id
 * when they wrote none), so a reviewer asking for changes again with new comments is a new review,
 * answered once.
 */
export function reviewsOf(
  reviewers: readonly { user: { id: number; username: string }; state: string }[],
  threads: readonly { notes?: Note[] }[],
): ReviewSeen[] {
  return reviewers
    .filter((r) => REVIEW_STATES[r.state])
    .map((r) => {
      const theirs = threads.flatMap((t) =>
        (t.notes ?? []).filter((n) => !n.system && n.author.id === r.user.id),
      );
      const general = theirs.filter((n) => !n.position);
      const lines = threads
        .filter((t) => {
          const first = t.notes?.[0];
          return first?.position && !first.system && first.author.id === r.user.id && first.resolved !== true;
        })
        .map((t) => t.notes![0]!)
        .map((n) => ({
          path: n.position?.new_path ?? n.position?.old_path ?? '',
          line: n.position?.new_line ?? n.position?.old_line ?? 0,
          body: n.body,
        }));
      return {
        id: theirs.reduce((max, n) => Math.max(max, n.id), 0) || -r.user.id,
        state: REVIEW_STATES[r.state]!,
        user: r.user.username,
        body: general.at(-1)?.body ?? '',
        commit_id: null,
        comments: lines,
      };
    });
}
