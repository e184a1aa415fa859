import { LandingError } from '../../../forges/index.ts';
import type { HeldSecret } from '../../../secrets/held.ts';
import { firstLines, GitError, git } from '../workspaces/git.ts';
import { scanForSecrets, secretsFound } from './secret-scan.ts';

export interface PushInput {
  /** The local repository (the workspace). */
  repo: string;
  /** The commit to push. */
  commit: string;
  url: string;
  /** The remote branch's name (`baton/r1/api`). */
  branch: string;
  /** The token for an http(s) remote (sent as basic auth, `x-access-token`, as GitHub takes it); never on a command line. */
  token?: string | undefined;
  /** The basic-auth user the token goes with (its forge's `gitUser`, `gitUserOf`); default `x-access-token`. */
  user?: string | undefined;
  /** The commit Baton pushed to this branch last time (its record), or null. */
  pushedBefore: string | null;
  /** Named in messages: "the secret github.token". */
  tokenName?: string | undefined;
  /**
   * The commit rewrites the branch's history (a rebase on its moved base): the remote branch must
   * be exactly what Baton pushed last (`pushedBefore`), and the push is leased on it, so nothing
   * anyone else pushed there is overwritten.
   */
  rewrites?: boolean | undefined;
  /**
   * The secrets Baton holds, looked for in what the push would add (`secret-scan.ts`): a branch
   * that holds one is refused (`secret`), nothing pushed. `base`: the branch the work starts from
   * (what it holds is on the remote already).
   */
  secrets: SecretsToScan;
}

/** What a push is scanned for: the values Baton holds, worker tokens by their shape, and the base. */
export interface SecretsToScan {
  held: readonly HeldSecret[];
  tokenOf?: ((candidate: string) => string | null) | undefined;
  base: string | null;
}

export interface PushResult {
  /** `pushed`: the branch now points at the commit; `already`: it did already (nothing pushed twice). */
  outcome: 'pushed' | 'already';
  /** Where the remote branch was before (null: it did not exist). */
  before: string | null;
}

/** The environment that hands git the token as an HTTP header, never in its arguments or URL. */
function authEnv(url: string, token: string | undefined, user = 'x-access-token'): Record<string, string> {
  if (!token || !/^https?:\/\//i.test(url)) return {};
  const basic = Buffer.from(`${user}:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}

/** A failed git command against the remote, said plainly: the token refused, the push refused (with the remote's own words), the remote unreachable. */
function explain(
  err: unknown,
  input: Pick<PushInput, 'url' | 'branch' | 'tokenName'>,
  doing: string,
): LandingError {
  if (!(err instanceof GitError)) return new LandingError('unreachable', `${doing} failed: ${String(err)}`);
  const said = err.stderr;
  const token = input.tokenName ? `the token in secret "${input.tokenName}"` : 'no token';
  if (/Authentication failed|could not read Username|HTTP 401|returned error: 401/i.test(said))
    return new LandingError('auth', `${doing}: ${input.url} refused ${token} (authentication failed)`);
  if (/returned error: 403|HTTP 403|Permission to .* denied|permission denied/i.test(said))
    return new LandingError('rights', `${doing}: ${token} lacks the rights to push to ${input.url}`);
  const remote = said
    .split('\n')
    .filter((l) => l.startsWith('remote:'))
    .map((l) => l.replace(/^remote:\s*/, '').trim())
    .filter(Boolean);
  const rejected = /\[remote rejected\][^\n]*\(([^)]*)\)/.exec(said)?.[1];
  if (rejected || /\[rejected\]/.test(said)) {
    const why = [...remote, rejected].filter(Boolean).join('; ');
    return new LandingError(
      'refused',
      `${doing}: the remote refused the push of ${input.branch}${why ? `: ${why}` : ''}`,
    );
  }
  return new LandingError('unreachable', `${doing}: ${firstLines(said, 3) || err.message}`);
}

/**
 * Pushes a commit to a remote branch, never over someone else's commits: the remote branch is
 * fetched first; if it already holds the commit nothing is pushed; if it holds commits Baton did
 * not push (its tip is neither what Baton pushed last nor part of the commit's history) the push
 * is refused with a message that says so. The push itself is a compare-and-swap
 * (`--force-with-lease` on the tip just seen), so a commit pushed by someone in between is not
 * overwritten either. A rebased branch (`rewrites`) is pushed only over the very commit Baton
 * pushed last, leased on it. Before the push, what it would add is read for the secrets Baton
 * holds: a branch holding one is refused, naming the secret and the file.
 */
export async function pushBranch(input: PushInput): Promise<PushResult> {
  const env = authEnv(input.url, input.token, input.user);
  const run = (args: string[], doing: string) =>
    git(args, { cwd: input.repo, env, timeoutMs: 120_000 }).catch((err: unknown) => {
      throw explain(err, input, doing);
    });
  const ref = `refs/heads/${input.branch}`;
  const seen = `refs/baton/landing/${input.branch}`;
  const listed = await run(['ls-remote', '--', input.url, ref], `Reading ${input.branch} on the remote`);
  const before = listed.stdout.toString('utf8').split('\t')[0]?.trim() || null;
  if (before === input.commit) return { outcome: 'already', before };
  if (input.rewrites && before !== input.pushedBefore)
    throw new LandingError(
      'not_ours',
      `the remote branch ${input.branch} is at ${before?.slice(0, 12) ?? 'nothing'}, not at ${input.pushedBefore?.slice(0, 12) ?? 'nothing'} that Baton pushed last: someone else pushed to it (or deleted it), and Baton does not force-push over their commits`,
    );
  if (before !== null && before !== input.pushedBefore) {
    await run(
      ['fetch', '--no-tags', '--quiet', '--', input.url, `+${ref}:${seen}`],
      `Fetching ${input.branch}`,
    );
    const ancestor = await git(['merge-base', '--is-ancestor', before, input.commit], {
      cwd: input.repo,
      okExitCodes: [0, 1],
    });
    if (ancestor.exitCode !== 0)
      throw new LandingError(
        'not_ours',
        `the remote branch ${input.branch} has commits Baton did not push (its tip is ${before.slice(0, 12)}): Baton does not push over them. Delete or rename that branch on the remote, or merge it, then land again`,
      );
  }
  // What the remote does not hold yet is read for Baton's secrets before anything leaves.
  const hits = await scanForSecrets({
    repo: input.repo,
    commit: input.commit,
    known: [before, input.pushedBefore, input.secrets.base].filter((k): k is string => k !== null),
    secrets: input.secrets.held,
    tokenOf: input.secrets.tokenOf,
  });
  if (hits.length > 0) throw new LandingError('secret', secretsFound(input.branch, hits));
  await run(
    [
      'push',
      '--no-verify',
      `--force-with-lease=${ref}:${before ?? ''}`,
      '--',
      input.url,
      `${input.commit}:${ref}`,
    ],
    `Pushing ${input.branch}`,
  );
  return { outcome: 'pushed', before };
}

/**
 * A remote branch fetched into the local repository under `into` (a ref of Baton's own, such as
 * `refs/baton/base/<landing branch>`), the token as for a push: its commit.
 */
export async function fetchBranch(
  input: Omit<PushInput, 'commit' | 'pushedBefore' | 'secrets'> & { into: string },
) {
  const env = authEnv(input.url, input.token, input.user);
  const doing = `Fetching ${input.branch}`;
  await git(['fetch', '--no-tags', '--quiet', '--', input.url, `+refs/heads/${input.branch}:${input.into}`], {
    cwd: input.repo,
    env,
    timeoutMs: 120_000,
  }).catch((err: unknown) => {
    throw explain(err, input, doing);
  });
  const got = await git(['rev-parse', '--verify', `${input.into}^{commit}`], { cwd: input.repo });
  return got.stdout.toString('utf8').trim();
}
