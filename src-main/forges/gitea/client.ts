import { giteaApi, type PullRequest } from 'gitea-js';
import type { ChecksSeen, ForgeClient, PullState, ReviewSeen } from '../definition.ts';
import { LandingError, unmetIf } from '../errors.ts';

/** Most of a failed status's words the agent is told. */
const CHECK_OUTPUT_CHARS = 4_000;
/** The page size asked of Gitea's lists (its default maximum is 50). */
const PAGE = 50;
/** At most this many pages of one list are read. */
const MAX_PAGES = 20;

/** The title prefix Gitea (and Forgejo) read as a work-in-progress, draft, pull request. */
export const WIP_PREFIX = 'WIP: ';
/** Gitea's default `WORK_IN_PROGRESS_PREFIXES`: a title starting with one is a draft. */
const WIP = /^\s*(WIP:|\[WIP\])\s*/i;

/** Gitea's review states in GitHub's words, which the fix loop reads (`pr-loop.ts`). */
const REVIEW_STATES: Record<string, string> = {
  APPROVED: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
  PENDING: 'PENDING',
  REQUEST_REVIEW: 'REVIEW_REQUESTED',
};

/**
 * A Gitea pull request as Baton follows it. Gitea says `mergeable` as one boolean, false also
 * while it checks and for every draft (work in progress); GitHub's words are derived from it and
 * from `merge_base` (where the branch left its base): the base not moved → `clean` (the branch
 * holds it, nothing conflicts); moved and mergeable → `behind`; moved and not mergeable → `dirty`,
 * which Baton confirms itself with git before acting (`pr-base.ts`). A draft whose base moved is
 * `behind`: Gitea does not say whether it conflicts until it is readied.
 */
export function pullOf(p: PullRequest): PullState {
  const title = p.title ?? '';
  const draft = p.draft ?? WIP.test(title);
  const baseSha = p.base?.sha ?? '';
  const moved = p.merge_base !== undefined && p.merge_base !== '' && p.merge_base !== baseSha;
  const unknownBase = p.merge_base === undefined || p.merge_base === '';
  const open = p.state !== 'closed';
  let mergeable: boolean | null = true;
  let state = 'clean';
  if (open && (moved || unknownBase)) {
    if (draft) state = 'behind';
    else if (p.mergeable === false) {
      mergeable = false;
      state = 'dirty';
    } else state = moved ? 'behind' : 'clean';
  }
  return {
    number: p.number ?? 0,
    url: p.html_url ?? '',
    node_id: String(p.id ?? p.number ?? ''),
    state: p.state === 'closed' ? 'closed' : 'open',
    draft,
    merged: p.merged === true,
    merge_commit: p.merge_commit_sha || null,
    head_sha: p.head?.sha ?? '',
    base: p.base?.ref ?? '',
    base_sha: baseSha,
    mergeable,
    mergeable_state: state,
  };
}

/** What gitea-js throws for an answer that is not 2xx: the fetch Response, Gitea's error body in `error`. */
interface GiteaFailure {
  status?: number;
  error?: { message?: string; errors?: unknown } | null;
  message?: string;
}

/**
 * Gitea or Forgejo through `gitea-js` (its API at `<apiUrl>/api/v1`), for one repository and one
 * token. Drafts are Gitea's work-in-progress titles (`WIP: `); readying one edits its title.
 * Checks are the head commit's statuses (Gitea Actions, Woodpecker, Drone… all post them).
 * Errors are said as Baton says them: the token refused (401), lacking rights or scopes (403),
 * gone (404), else Gitea's own message.
 */
export function giteaForge(opts: {
  apiUrl: string;
  repo: string;
  token: string;
  tokenName: string;
}): ForgeClient {
  const [owner = '', repo = ''] = opts.repo.split('/');
  const api = giteaApi(opts.apiUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, ''), {
    token: opts.token,
    // Every call gives up after a minute: a forge that does not answer never holds a landing (or Baton's close).
    customFetch: (url: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
      fetch(url, { ...init, signal: AbortSignal.timeout(60_000) }),
  });
  // Gitea refuses a body without its Content-Type; gitea-js leaves it off some calls.
  const json = { headers: { 'Content-Type': 'application/json' } };
  const said = async <T>(doing: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof LandingError) throw err;
      const e = err as GiteaFailure;
      const message =
        (typeof e.error === 'object' && e.error?.message) ||
        (typeof e.status === 'number' ? `HTTP ${e.status}` : (e.message ?? String(err)));
      if (e.status === 401)
        throw new LandingError(
          'auth',
          `${doing}: Gitea refused the token in secret "${opts.tokenName}" (401 ${message})`,
        );
      if (e.status === 403)
        throw new LandingError(
          'rights',
          `${doing}: the token in secret "${opts.tokenName}" lacks the rights on ${opts.repo} (403 ${message})`,
        );
      if (e.status === 404)
        throw new LandingError('gone', `${doing}: Gitea answered 404 (${message}) for ${opts.repo}`);
      throw new LandingError('forge', `${doing}: Gitea answered ${e.status ?? 'nothing'} (${message})`);
    }
  };
  /** Every page of a list Gitea pages (`page`, `limit`). */
  const all = async <T>(page: (n: number) => Promise<{ data: T[] }>): Promise<T[]> => {
    const out: T[] = [];
    for (let n = 1; n <= MAX_PAGES; n++) {
      const { data } = await page(n);
      out.push(...(data ?? []));
      if ((data ?? []).length < PAGE) break;
    }
    return out;
  };
  /** The repository's label ids for names; a label it lacks is made (as GitHub does when one is added). */
  const labelIds = async (names: readonly string[]): Promise<number[]> => {
    const have = await all((page) => api.repos.issueListLabels(owner, repo, { page, limit: PAGE }));
    const ids: number[] = [];
    for (const name of names) {
      const found = have.find((l) => l.name === name);
      if (found?.id !== undefined) ids.push(found.id);
      else {
        const { data } = await api.repos.issueCreateLabel(owner, repo, { name, color: '#ededed' });
        if (data.id !== undefined) ids.push(data.id);
      }
    }
    return ids;
  };
  const get = (number: number) =>
    said(`Reading pull request #${number}`, async () =>
      pullOf((await api.repos.repoGetPullRequest(owner, repo, number)).data),
    );
  return {
    label: 'Gitea',
    openFrom: (head) =>
      said(`Looking for a pull request from ${head}`, async () => {
        const open = await all((page) =>
          api.repos.repoListPullRequests(owner, repo, { state: 'open', page, limit: PAGE }),
        );
        const found = open.find(
          (p) => p.head?.ref === head && (p.head.repo_id === undefined || p.head.repo_id === p.base?.repo_id),
        );
        return found ? pullOf(found) : null;
      }),
    open: (p) =>
      said(`Opening a pull request from ${p.head}`, async () => {
        const labels = p.labels.length > 0 ? await labelIds(p.labels) : [];
        const title = p.draft && !WIP.test(p.title) ? `${WIP_PREFIX}${p.title}` : p.title;
        const { data } = await api.repos.repoCreatePullRequest(owner, repo, {
          title,
          body: p.body,
          head: p.head,
          base: p.base,
          ...(labels.length > 0 ? { labels } : {}),
        });
        const number = data.number ?? 0;
        // The pull request exists now: a reviewer refused is said, not a failed landing.
        const unmet: string[] = [];
        if (p.reviewers.length > 0)
          await unmetIf(unmet, () =>
            said(`Asking ${p.reviewers.join(', ')} to review pull request #${number}`, () =>
              api.repos.repoCreatePullReviewRequests(
                owner,
                repo,
                number,
                { reviewers: [...p.reviewers] },
                json,
              ),
            ),
          );
        return { ...pullOf(data), unmet };
      }),
    get: async (number) => {
      try {
        return await get(number);
      } catch (err) {
        if (err instanceof LandingError && err.reason === 'gone') return null;
        throw err;
      }
    },
    readyForReview: (p) =>
      said(`Marking pull request #${p.number} ready for review`, async () => {
        const { data } = await api.repos.repoGetPullRequest(owner, repo, p.number);
        const title = data.title ?? '';
        if (WIP.test(title))
          await api.repos.repoEditPullRequest(owner, repo, p.number, { title: title.replace(WIP, '') });
      }),
    checks: (sha) =>
      said(`Reading the statuses of ${sha.slice(0, 12)}`, async (): Promise<ChecksSeen> => {
        // The combined status: the latest status of each context on the commit.
        const { data } = await api.repos.repoGetCombinedStatusByRef(owner, repo, sha, { limit: PAGE });
        const statuses = data.statuses ?? [];
        const failing = statuses.filter((s) => s.status === 'failure' || s.status === 'error');
        return {
          total: statuses.length,
          failed: failing.map((s) => s.context ?? 'status'),
          failures: failing.map((s) => ({
            name: s.context ?? 'status',
            conclusion: s.status ?? 'failure',
            output: [s.description, s.target_url]
              .filter((x): x is string => typeof x === 'string' && x.trim() !== '')
              .join('\n')
              .slice(-CHECK_OUTPUT_CHARS),
          })),
          pending: statuses.filter((s) => s.status === 'pending').length,
        };
      }),
    reviews: (number) =>
      said(`Reading the reviews of pull request #${number}`, async (): Promise<ReviewSeen[]> => {
        const reviews = await all((page) =>
          api.repos.repoListPullReviews(owner, repo, number, { page, limit: PAGE }),
        );
        return Promise.all(
          reviews.map(async (r) => {
            const id = r.id ?? 0;
            const lines =
              (r.comments_count ?? 0) > 0
                ? (await api.repos.repoGetPullReviewComments(owner, repo, number, id)).data
                : [];
            return {
              id,
              state: r.dismissed ? 'DISMISSED' : (REVIEW_STATES[r.state ?? ''] ?? r.state ?? ''),
              user: r.user?.login ?? 'someone',
              body: r.body ?? '',
              commit_id: r.commit_id || null,
              comments: lines.map((c) => ({
                path: c.path ?? '',
                line: c.position || c.original_position || 0,
                body: c.body ?? '',
              })),
            };
          }),
        );
      }),
    comments: (number) =>
      said(`Reading the comments of pull request #${number}`, async () => {
        const { data } = await api.repos.issueGetComments(owner, repo, number);
        return (data ?? []).map((c) => c.body ?? '');
      }),
    comment: (number, body) =>
      said(`Commenting on pull request #${number}`, async () => {
        await api.repos.issueCreateComment(owner, repo, number, { body });
      }),
  };
}
