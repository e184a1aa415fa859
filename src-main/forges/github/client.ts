import type { ForgeClient, PullState } from '../definition.ts';
import { LandingError, unmetIf } from '../errors.ts';
import { githubClient } from './octokit.ts';

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
}): ForgeClient {
  const [owner = '', repo = ''] = opts.repo.split('/');
  const gh = githubClient({ apiUrl: opts.apiUrl, token: opts.token });
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
  /** The latest status of each context on `sha` (GitHub's combined status), every page of them. */
  const commitStatuses = async (sha: string) => {
    const all: { context: string; state: string; description: string | null; target_url: string | null }[] =
      [];
    for (let page = 1; ; page++) {
      const { data } = await gh.repos.getCombinedStatusForRef({ ...where, ref: sha, per_page: 100, page });
      all.push(...data.statuses);
      if (data.statuses.length === 0 || all.length >= data.total_count) return all;
    }
  };
  return {
    label: 'GitHub',
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
        // The pull request exists now: what is refused after is said, not a failed landing.
        const unmet: string[] = [];
        if (p.labels.length > 0)
          await unmetIf(unmet, () =>
            said(`Labelling pull request #${data.number}`, () =>
              gh.issues.addLabels({ ...where, issue_number: data.number, labels: [...p.labels] }),
            ),
          );
        if (p.reviewers.length > 0)
          await unmetIf(unmet, () =>
            said(`Asking ${p.reviewers.join(', ')} to review pull request #${data.number}`, () =>
              gh.pulls.requestReviewers({ ...where, pull_number: data.number, reviewers: [...p.reviewers] }),
            ),
          );
        return { ...pullOf(data), unmet };
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
        // Check runs (GitHub Actions, apps) and commit statuses (the older API many CI services
        // still post to: Jenkins, CircleCI, Buildkite…): a failed one of either is a failed check.
        const [runs, statuses] = await Promise.all([
          gh.paginate(gh.checks.listForRef, { ...where, ref: sha, per_page: 100 }),
          commitStatuses(sha),
        ]);
        const failingRuns = runs.filter(
          (c) => c.status === 'completed' && !['success', 'neutral', 'skipped'].includes(c.conclusion ?? ''),
        );
        const failingStatuses = statuses.filter((s) => s.state === 'failure' || s.state === 'error');
        const told = (parts: (string | null | undefined)[]) =>
          parts
            .filter((x): x is string => typeof x === 'string' && x.trim() !== '')
            .join('\n')
            .slice(-CHECK_OUTPUT_CHARS);
        return {
          total: runs.length + statuses.length,
          failed: [...failingRuns.map((c) => c.name), ...failingStatuses.map((s) => s.context)],
          failures: [
            ...failingRuns.map((c) => ({
              name: c.name,
              conclusion: c.conclusion ?? 'failure',
              output: told([c.output.title, c.output.summary, c.output.text]),
            })),
            ...failingStatuses.map((s) => ({
              name: s.context,
              conclusion: s.state,
              output: told([s.description, s.target_url]),
            })),
          ],
          pending:
            runs.filter((c) => c.status !== 'completed').length +
            statuses.filter((s) => s.state === 'pending').length,
        };
      }),
    reviews: (number) =>
      said(`Reading the reviews of pull request #${number}`, async () => {
        // Every page: GitHub lists reviews oldest first, so a pull request with bots' reviews has
        // the newest (the one asking for changes) past the first hundred.
        const [reviews, lines] = await Promise.all([
          gh.paginate(gh.pulls.listReviews, { ...where, pull_number: number, per_page: 100 }),
          gh.paginate(gh.pulls.listReviewComments, { ...where, pull_number: number, per_page: 100 }),
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
        // Every page: Baton's marker of a review it answered may be past the first hundred.
        const data = await gh.paginate(gh.issues.listComments, {
          ...where,
          issue_number: number,
          per_page: 100,
        });
        return data.map((c) => c.body ?? '');
      }),
    comment: (number, body) =>
      said(`Commenting on pull request #${number}`, async () => {
        await gh.issues.createComment({ ...where, issue_number: number, body });
      }),
  };
}
