import { Octokit } from '@octokit/rest';

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * `@octokit/rest` for GitHub's API at `apiUrl` (github.com's or an Enterprise server's) with
 * `token`: silent (Baton says what failed itself), and every call gives up after a minute, so a
 * forge that does not answer never holds a landing, a trigger's look at issues, or Baton's close.
 */
export function githubClient(opts: { apiUrl: string; token: string }): Octokit {
  return new Octokit({
    auth: opts.token,
    baseUrl: opts.apiUrl,
    log: SILENT,
    userAgent: 'baton',
    request: {
      fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(60_000) }),
    },
  });
}
