import type { IssueComment, IssueSource, LabelledIssues, OpenIssue } from '../definition.ts';
import { IssuesError } from '../errors.ts';

/** `@octokit/rest` for these calls, loaded at the first (not at Baton's start). */
const githubClient = async (opts: { apiUrl: string; token: string }) =>
  (await import('./octokit.ts')).githubClient(opts);

/**
 * Comments `body` on an issue unless one of its comments holds `marker` already (a comment posted
 * before Baton could record it): true when it posted. Errors are GitHub's, as `@octokit/rest` throws them.
 */
export async function commentOnce(opts: IssueComment): Promise<boolean> {
  const [owner = '', repo = ''] = opts.repo.split('/');
  const gh = await githubClient(opts);
  const where = { owner, repo, issue_number: opts.number };
  const said = await gh.paginate(gh.issues.listComments, { ...where, per_page: 100 });
  if (said.some((c) => c.body?.includes(opts.marker))) return false;
  await gh.issues.createComment({ ...where, body: `${opts.body}\n\n${opts.marker}` });
  return true;
}

/**
 * The open issues of `repo` carrying `label`, through `@octokit/rest` (every page), pull requests
 * left out: GitHub lists them as issues too, with a `pull_request` key. A token GitHub refuses
 * (401), one lacking rights (403) and a repository it cannot find (404) are `IssuesError`s naming
 * the secret and the repository.
 */
export async function openLabelledIssues(opts: LabelledIssues): Promise<OpenIssue[]> {
  const [owner = '', repo = ''] = opts.repo.split('/');
  const gh = await githubClient(opts);
  const doing = `Reading the issues labelled "${opts.label}" of ${opts.repo}`;
  try {
    const items = await gh.paginate(gh.issues.listForRepo, {
      owner,
      repo,
      labels: opts.label,
      state: 'open',
      per_page: 100,
    });
    return items
      .filter((i) => !i.pull_request)
      .map((i) => ({ number: i.number, title: i.title, body: i.body ?? '', url: i.html_url }));
  } catch (err) {
    const e = err as { status?: number; message?: string; response?: { data?: { message?: string } } };
    const message = e.response?.data?.message ?? e.message ?? String(err);
    if (e.status === 401)
      throw new IssuesError(
        `${doing}: GitHub refused the token in secret "${opts.tokenName}" (401 ${message})`,
      );
    if (e.status === 403)
      throw new IssuesError(
        `${doing}: the token in secret "${opts.tokenName}" lacks the rights on ${opts.repo} (403 ${message})`,
      );
    if (e.status === 404)
      throw new IssuesError(
        `${doing}: GitHub answered 404 (${message}): no repository ${opts.repo}, or the token in secret "${opts.tokenName}" cannot see it`,
      );
    throw new IssuesError(`${doing}: GitHub answered ${e.status ?? 'nothing'} (${message})`);
  }
}

/** GitHub's issues, as `github_issues` triggers read them and comment on them. */
export const githubIssues: IssueSource = { openLabelled: openLabelledIssues, commentOnce };
