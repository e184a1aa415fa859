import { Octokit } from '@octokit/rest';
import { LandingError } from './push.ts';

/** A pull request as Baton follows it. */
export interface PullState {
  number: number;
  url: string;
  node_id: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  merge_commit: string | null;
  head_sha: string;
  /** The branch it targets, and that branch's commit as GitHub read it. */
  base: string;
  base_sha: string;
  /**
   * Whether it merges into its base: false when they conflict; null while GitHub computes it
   * (after a push to either branch), to be read again later.
   */
  mergeable: boolean | null;
  /** GitHub's word for it: `dirty` (conflicts), `behind` (the base moved, no conflict), `clean`, `blocked`, `unstable`, `unknown`… */
  mergeable_state: string;
}

export interface OpenPull {
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  labels: readonly string[];
  reviewers: readonly string[];
}

export interface GitHubForge {
  /** The open pull request from `head`, if there is one (so a landing started again opens none twice). */
  openFrom(head: string): Promise<PullState | null>;
  open(p: OpenPull): Promise<PullState>;
  /** The pull request, or null when GitHub answers 404 (deleted, or the repository moved). */
  get(number: number): Promise<PullState | null>;
  readyForReview(p: PullState): Promise<void>;
  /** The check runs on a commit: none, all passed, some failed (their names and what they said), or some still running. */
  checks(sha: string): Promise<ChecksSeen>;
  /** The pull request's reviews, oldest first, each with its comments on lines. */
  reviews(number: number): Promise<ReviewSeen[]>;
  /** The bodies of the comments on the pull request's conversation. */
  comments(number: number): Promise<string[]>;
  comment(number: number, body: string): Promise<void>;
}

/** What the check runs on a commit said. */
export interface ChecksSeen {
  total: number;
  /** The failed ones' names. */
  failed: string[];
  /** The failed ones with what they said (their output's title, summary and text, cut short). */
  failures: { name: string; conclusion: string; output: string }[];
  pending: number;
}

/** A review of a pull request, with its comments on lines. */
export interface ReviewSeen {
  id: number;
  state: string;
  user: string;
  body: string;
  commit_id: string | null;
  comments: { path: string; line: number; body: string }[];
}

/** Most of a failed check's output the agent is told. */
const CHECK_OUTPUT_CHARS = 4_000;

const pullOf = (p: {
  number: number;
  html_url: string;
  node_id: string;
  state: string;
  draft?: boolean | undefined;
  merged?: boolean | undefined;
  merge_commit_sha?: string | null | undefined;
  head: { sha: string };
  base: { ref: string; sha: string };
  mergeable?: boolean | null | undefined;
  mergeable_state?: string | undefined;
}): PullState => ({
  number: p.number,
  url: p.html_url,
  node_id: p.node_id,
  state: p.state === 'closed' ? 'closed' : 'open',
  draft: p.draft === true,
  merged: p.merged === true,
  merge_commit: p.merge_commit_sha ?? null,
  head_sha: p.head.sha,
  base: p.base.ref,
  base_sha: p.base.sha,
  mergeable: p.mergeable ?? null,
  mergeable_state: p.mergeable_state ?? 'unknown',
});

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * GitHub through `@octokit/rest` (github.com, or Enterprise through `apiUrl`), for one repository
 * and one token. Its errors are said as Baton says them: a token refused (401), lacking rights
 * (403), GitHub's validation message (422).
 */
export function githubForge(opts: {
  apiUrl: string;
  repo: string;
  token: string;
  tokenName: string;
}): GitHubForge {
  const [owner = '', repo = ''] = opts.repo.split('/');
  const gh = new Octokit({
    auth: opts.token,
    baseUrl: opts.apiUrl,
    log: SILENT,
    userAgent: 'baton',
    // Every call gives up after a minute: a forge that does not answer never holds a landing (or Baton's close).
    request: {
      fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(60_000) }),
    },
  });
  const where = { owner, repo };
  const said = async <T>(doing: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      const e = err as {
        status?: number;
        message?: string;
        response?: {
          data?: { message?: string; errors?: { message?: string; code?: string; field?: string }[] };
        };
      };
      const data = e.response?.data;
      const message = data?.message ?? e.message ?? String(err);
      if (e.status === 401)
        throw new LandingError(
          'auth',
          `${doing}: GitHub refused the token in secret "${opts.tokenName}" (401 ${message})`,
        );
      if (e.status === 403)
        throw new LandingError(
          'rights',
          `${doing}: the token in secret "${opts.tokenName}" lacks the rights on ${opts.repo} (403 ${message})`,
        );
      if (e.status === 404)
        throw new LandingError('gone', `${doing}: GitHub answered 404 (${message}) for ${opts.repo}`);
      const details = (data?.errors ?? [])
        .map((x) => x.message ?? [x.field, x.code].filter(Boolean).join(' '))
        .join('; ');
      throw new LandingError(
        'forge',
        `${doing}: GitHub answered ${e.status ?? 'nothing'} (${message}${details ? `: ${details}` : ''})`,
      );
    }
  };
  return {
    openFrom: (head) =>
      said(`Looking for a pull request from ${head}`, async () => {
        const { data } = await gh.pulls.list({ ...where, head: `${owner}:${head}`, state: 'open' });
        return data[0] ? pullOf(data[0]) : null;
      }),
    open: (p) =>
      said(`Opening a pull request from ${p.head}`, async () => {
        const { data } = await gh.pulls.create({
          ...where,
          title: p.title,
          body: p.body,
          head: p.head,
          base: p.base,
          draft: p.draft,
        });
        if (p.labels.length > 0)
          await gh.issues.addLabels({ ...where, issue_number: data.number, labels: [...p.labels] });
        if (p.reviewers.length > 0)
          await gh.pulls.requestReviewers({
            ...where,
            pull_number: data.number,
            reviewers: [...p.reviewers],
          });
        return pullOf(data);
      }),
    get: async (number) => {
      try {
        return await said(`Reading pull request #${number}`, async () =>
          pullOf((await gh.pulls.get({ ...where, pull_number: number })).data),
        );
      } catch (err) {
        if (err instanceof LandingError && err.reason === 'gone') return null;
        throw err;
      }
    },
    readyForReview: (p) =>
      said(`Marking pull request #${p.number} ready for review`, async () => {
        await gh.graphql(
          'mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }',
          { id: p.node_id },
        );
      }),
    checks: (sha) =>
      said(`Reading the checks of ${sha.slice(0, 12)}`, async () => {
        const { data } = await gh.checks.listForRef({ ...where, ref: sha });
        const failing = data.check_runs.filter(
          (c) => c.status === 'completed' && !['success', 'neutral', 'skipped'].includes(c.conclusion ?? ''),
        );
        return {
          total: data.total_count,
          failed: failing.map((c) => c.name),
          failures: failing.map((c) => ({
            name: c.name,
            conclusion: c.conclusion ?? 'failure',
            output: [c.output.title, c.output.summary, c.output.text]
              .filter((x): x is string => typeof x === 'string' && x.trim() !== '')
              .join('\n')
              .slice(-CHECK_OUTPUT_CHARS),
          })),
          pending: data.check_runs.filter((c) => c.status !== 'completed').length,
        };
      }),
    reviews: (number) =>
      said(`Reading the reviews of pull request #${number}`, async () => {
        const [{ data: reviews }, { data: lines }] = await Promise.all([
          gh.pulls.listReviews({ ...where, pull_number: number, per_page: 100 }),
          gh.pulls.listReviewComments({ ...where, pull_number: number, per_page: 100 }),
        ]);
        return reviews.map((r) => ({
          id: r.id,
          state: r.state,
          user: r.user?.login ?? 'someone',
          body: r.body ?? '',
          commit_id: r.commit_id ?? null,
          comments: lines
            .filter((c) => c.pull_request_review_id === r.id)
            .map((c) => ({ path: c.path, line: c.line ?? c.original_line ?? 0, body: c.body })),
        }));
      }),
    comments: (number) =>
      said(`Reading the comments of pull request #${number}`, async () => {
        const { data } = await gh.issues.listComments({ ...where, issue_number: number, per_page: 100 });
        return data.map((c) => c.body ?? '');
      }),
    comment: (number, body) =>
      said(`Commenting on pull request #${number}`, async () => {
        await gh.issues.createComment({ ...where, issue_number: number, body });
      }),
  };
}
