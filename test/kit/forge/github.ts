import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CheckRun,
  type CommitStatus,
  checkRunPayload,
  combinedStatusPayload,
  errorPayload,
  type Issue,
  type IssueComment,
  issueCommentPayload,
  issuePayload,
  issuesEventPayload,
  type Mergeability,
  type Pull,
  pullAsIssuePayload,
  pullPayload,
  type Review,
  type ReviewComment,
  repoPayload,
  reviewCommentPayload,
  reviewPayload,
  scriptedCheckRun,
  scriptedStatus,
} from './github-payloads.ts';

export type { CheckRun, CommitStatus, Issue, Pull, Review, ReviewComment } from './github-payloads.ts';

/** One request the server answered. */
export interface GitHubRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface GitHubServerOptions {
  /** The one repository it serves, `owner/name`; every other answers 404. */
  repo: string;
  /**
   * Tokens it knows: `write` may do everything, `read` gets 403 on every change, `none` (a token
   * given no rights on this repository, as a fine-grained one can be) 403 on everything. Any other: 401.
   */
  tokens: Record<string, 'write' | 'read' | 'none'>;
  /** A branch's commit (from the git remote): a pull request's head must exist. Absent: any branch, a made-up sha. */
  branchTip?: (branch: string) => Promise<string | null>;
  /**
   * Whether a pull request's head merges into its base (from the git remote, `GitRemote.mergeability`).
   * Absent: always `clean`. Present: as GitHub does, a pull request read just after its base or
   * head moved answers `mergeable: null` once (GitHub computes it in the background), then the answer.
   */
  mergeability?: (
    base: string,
    head: string,
  ) => Promise<{ mergeable: boolean; state: 'clean' | 'behind' | 'dirty' }>;
  /**
   * The base's branch protection requires branches to be up to date before merging: a pull
   * request whose base has commits it lacks (and merges) is `behind`. Without it GitHub says such
   * a pull request is `clean` (it may merge as it is).
   */
  upToDateRequired?: boolean;
}

export interface GitHubServer {
  /** What `@octokit/rest` takes as `baseUrl`. */
  url: string;
  requests: GitHubRequest[];
  pulls: Map<number, Pull>;
  /** Check runs by the commit they ran on. */
  checkRuns: Map<string, CheckRun[]>;
  /** Scripted forge events: what a person or CI does on github.com. */
  merge(number: number, mergeSha: string): void;
  close(number: number): void;
  /** The pull request deleted (the repository moved, or an admin removed it): 404 from now on. */
  remove(number: number): void;
  setChecks(sha: string, runs: { name: string; conclusion: CheckRun['conclusion']; text?: string }[]): void;
  /** The commit statuses on `sha` (the older status API), the latest of each context. */
  setStatuses(
    sha: string,
    statuses: { context: string; state: CommitStatus['state']; description?: string; target_url?: string }[],
  ): void;
  review(
    number: number,
    state: Review['state'],
    body: string,
    comments?: { path: string; line: number; body: string }[],
  ): void;
  addIssue(title: string, body: string, labels: string[]): number;
  /** A person adds a label to an issue. */
  labelIssue(number: number, label: string): void;
  /** The body of the `issues` webhook GitHub sends for what was done to an issue (sign it with `signWebhook`). */
  issuesEvent(number: number, action: 'opened' | 'labeled', label?: string): string;
  issueComments: IssueComment[];
  /** The next request (any route) answers this status with GitHub's error body. */
  failNext(status: number, message: string): void;
  /**
   * The next request (any route) is held unanswered until `release` (a GitHub slow to answer):
   * `reached` resolves once that request came in.
   */
  holdNext(): { reached: Promise<void>; release(): void };
  stop(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  readonly errors: unknown[] | undefined;
  constructor(status: number, message: string, errors?: unknown[]) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/**
 * A scripted GitHub REST API on 127.0.0.1 for one repository, answering with GitHub's documented
 * payloads and errors (401 "Bad credentials", 403 "Resource not accessible by personal access
 * token", 404 "Not Found", 422 "Validation Failed"), for the real `@octokit/rest` client through
 * its `baseUrl`. It keeps pull requests, check runs, reviews, review comments, issues and issue
 * comments in memory; tests script what GitHub's users and CI would do (merge, close, checks,
 * reviews).
 */
export async function startGitHubServer(options: GitHubServerOptions): Promise<GitHubServer> {
  const [owner = '', name = ''] = options.repo.split('/');
  const requests: GitHubRequest[] = [];
  const pulls = new Map<number, Pull>();
  const removed = new Set<number>();
  const checkRuns = new Map<string, CheckRun[]>();
  const statuses = new Map<string, CommitStatus[]>();
  const reviews = new Map<number, Review[]>();
  const reviewComments = new Map<number, ReviewComment[]>();
  const issues = new Map<number, Issue>();
  const issueComments: IssueComment[] = [];
  const failures: { status: number; message: string }[] = [];
  const holds: { reach(): void; released: Promise<void> }[] = [];
  let nextNumber = 1;
  let nextId = 1;
  let origin = '';
  const now = () => new Date().toISOString();

  const pullOr404 = (n: number): Pull => {
    const p = pulls.get(n);
    if (!p || removed.has(n)) throw new HttpError(404, 'Not Found');
    return p;
  };
  const tipOf = async (branch: string) => (options.branchTip ? options.branchTip(branch) : 'f'.repeat(40));
  /** The base and head commits each pull request's mergeability was last computed for. */
  const computed = new Map<number, string>();
  const mergeOf = async (p: Pull, baseSha: string | null): Promise<Mergeability | undefined> => {
    if (!options.mergeability || p.state !== 'open') return undefined;
    const pair = `${baseSha}:${p.head_sha}`;
    if (computed.get(p.number) !== pair) {
      computed.set(p.number, pair);
      return { mergeable: null, state: 'unknown' };
    }
    const m = await options.mergeability(p.base, p.head);
    return m.state === 'behind' && !options.upToDateRequired ? { ...m, state: 'clean' } : m;
  };
  const pull = async (p: Pull) => {
    const baseSha = await tipOf(p.base);
    return pullPayload(origin, owner, name, p, baseSha, await mergeOf(p, baseSha));
  };

  type Handler = (
    m: RegExpMatchArray,
    body: Record<string, unknown>,
    q: URLSearchParams,
  ) => Promise<[number, unknown] | [number, unknown, Record<string, string>]>;
  /** One page of a list, as GitHub pages one: `per_page` (30, at most 100) and `page`, with a `Link` header to the next and last. */
  const paged = (
    path: string,
    all: unknown[],
    q: URLSearchParams,
  ): [number, unknown, Record<string, string>] => {
    const perPage = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 30)));
    const page = Math.max(1, Number(q.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const at = (n: number) => `${origin}/repos/${owner}/${name}${path}?per_page=${perPage}&page=${n}`;
    const link: Record<string, string> =
      page < last ? { link: `<${at(page + 1)}>; rel="next", <${at(last)}>; rel="last"` } : {};
    return [200, all.slice((page - 1) * perPage, page * perPage), link];
  };
  const routes: [string, RegExp, boolean, Handler][] = [];
  const route = (method: string, path: string, writes: boolean, h: Handler) =>
    routes.push([method, new RegExp(`^/repos/${owner}/${name}${path}$`), writes, h]);

  route('GET', '', false, async () => [200, repoPayload(origin, owner, name)]);
  route('GET', '/pulls', false, async (_m, _b, q) => {
    const state = q.get('state') ?? 'open';
    const head = q.get('head');
    const list = [...pulls.values()].filter(
      (p) =>
        !removed.has(p.number) &&
        (state === 'all' || p.state === state) &&
        (head === null || head === `${owner}:${p.head}` || head === p.head) &&
        (q.get('base') === null || q.get('base') === p.base),
    );
    return [200, await Promise.all(list.map(pull))];
  });
  route('POST', '/pulls', true, async (_m, b) => {
    const missing = ['title', 'head', 'base'].filter((f) => typeof b[f] !== 'string' || b[f] === '');
    if (missing.length > 0)
      throw new HttpError(
        422,
        'Validation Failed',
        missing.map((field) => ({ resource: 'PullRequest', field, code: 'missing_field' })),
      );
    const head = String(b.head).replace(`${owner}:`, '');
    const sha = await tipOf(head);
    if (sha === null)
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'PullRequest', field: 'head', code: 'invalid' },
      ]);
    if ([...pulls.values()].some((p) => p.head === head && p.state === 'open' && !removed.has(p.number)))
      throw new HttpError(422, 'Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${owner}:${head}.`,
        },
      ]);
    const p: Pull = {
      number: nextNumber++,
      title: String(b.title),
      body: typeof b.body === 'string' ? b.body : null,
      head,
      head_sha: sha,
      base: String(b.base),
      draft: b.draft === true,
      state: 'open',
      merged: false,
      merge_commit_sha: null,
      labels: [],
      requested_reviewers: [],
      created_at: now(),
      updated_at: now(),
      closed_at: null,
      merged_at: null,
    };
    pulls.set(p.number, p);
    return [201, await pull(p)];
  });
  route('GET', '/pulls/(\\d+)', false, async (m) => {
    const p = pullOr404(Number(m[1]));
    const sha = await tipOf(p.head);
    if (sha && p.state === 'open') p.head_sha = sha;
    return [200, await pull(p)];
  });
  route('PATCH', '/pulls/(\\d+)', true, async (m, b) => {
    const p = pullOr404(Number(m[1]));
    if (typeof b.title === 'string') p.title = b.title;
    if (typeof b.body === 'string') p.body = b.body;
    if (typeof b.base === 'string') p.base = b.base;
    if (b.state === 'closed' || b.state === 'open') {
      p.state = b.state;
      p.closed_at = b.state === 'closed' ? now() : null;
    }
    p.updated_at = now();
    return [200, await pull(p)];
  });
  route('POST', '/issues/(\\d+)/labels', true, async (m, b) => {
    const n = Number(m[1]);
    const target = pulls.has(n) ? pullOr404(n) : issues.get(n);
    if (!target) throw new HttpError(404, 'Not Found');
    const added = Array.isArray(b.labels) ? b.labels.map(String) : [];
    target.labels = [...new Set([...target.labels, ...added])];
    return [200, target.labels.map((l, i) => ({ id: 1000 + i, name: l, color: 'ededed', default: false }))];
  });
  route('POST', '/pulls/(\\d+)/requested_reviewers', true, async (m, b) => {
    const p = pullOr404(Number(m[1]));
    const add = Array.isArray(b.reviewers) ? b.reviewers.map(String) : [];
    p.requested_reviewers = [...new Set([...p.requested_reviewers, ...add])];
    return [201, await pull(p)];
  });
  route('GET', '/pulls/(\\d+)/reviews', false, async (m, _b, q) => {
    const n = Number(m[1]);
    pullOr404(n);
    const all = (reviews.get(n) ?? []).map((r) => reviewPayload(origin, owner, name, n, r));
    return paged(`/pulls/${n}/reviews`, all, q);
  });
  route('GET', '/pulls/(\\d+)/comments', false, async (m, _b, q) => {
    const n = Number(m[1]);
    pullOr404(n);
    const all = (reviewComments.get(n) ?? []).map((c) => reviewCommentPayload(origin, owner, name, n, c));
    return paged(`/pulls/${n}/comments`, all, q);
  });
  route('GET', '/commits/([^/]+)/check-runs', false, async (m) => {
    let ref = decodeURIComponent(m[1] ?? '');
    if (!/^[0-9a-f]{40}$/.test(ref)) ref = (await tipOf(ref)) ?? ref;
    const runs = checkRuns.get(ref) ?? [];
    return [
      200,
      { total_count: runs.length, check_runs: runs.map((c) => checkRunPayload(origin, owner, name, c)) },
    ];
  });
  route('GET', '/commits/([^/]+)/status', false, async (m, _b, q) => {
    let ref = decodeURIComponent(m[1] ?? '');
    if (!/^[0-9a-f]{40}$/.test(ref)) ref = (await tipOf(ref)) ?? ref;
    const perPage = Math.min(100, Number(q.get('per_page') ?? 30));
    const page = Math.max(1, Number(q.get('page') ?? 1));
    return [200, combinedStatusPayload(origin, owner, name, ref, statuses.get(ref) ?? [], page, perPage)];
  });
  route('GET', '/issues', false, async (_m, _b, q) => {
    const want = (q.get('labels') ?? '').split(',').filter(Boolean);
    const state = q.get('state') ?? 'open';
    const fits = (i: { state: string; labels: string[] }) =>
      (state === 'all' || i.state === state) && want.every((l) => i.labels.includes(l));
    // As GitHub lists them: pull requests too (with their `pull_request` key), newest first.
    const list = [
      ...[...issues.values()].filter(fits).map((i) => issuePayload(origin, owner, name, i)),
      ...[...pulls.values()]
        .filter((p) => !removed.has(p.number) && fits(p))
        .map((p) => pullAsIssuePayload(origin, owner, name, p)),
    ].sort((a, b) => b.number - a.number);
    return [200, list];
  });
  route('GET', '/issues/(\\d+)', false, async (m) => {
    const i = issues.get(Number(m[1]));
    if (!i) throw new HttpError(404, 'Not Found');
    return [200, issuePayload(origin, owner, name, i)];
  });
  route('GET', '/issues/(\\d+)/comments', false, async (m, _b, q) => {
    const all = issueComments
      .filter((c) => c.issue === Number(m[1]))
      .map((c) => issueCommentPayload(origin, owner, name, c));
    return paged(`/issues/${m[1]}/comments`, all, q);
  });
  route('POST', '/issues/(\\d+)/comments', true, async (m, b) => {
    const n = Number(m[1]);
    if (!issues.has(n) && !pulls.has(n)) throw new HttpError(404, 'Not Found');
    if (typeof b.body !== 'string' || b.body === '')
      throw new HttpError(422, 'Validation Failed', [
        { resource: 'IssueComment', field: 'body', code: 'missing_field' },
      ]);
    const c: IssueComment = { id: nextId++, issue: n, body: b.body, created_at: now() };
    issueComments.push(c);
    return [201, issueCommentPayload(origin, owner, name, c)];
  });

  /** GitHub's GraphQL, for the one mutation REST lacks: marking a draft ready for review. */
  const graphql = async (b: Record<string, unknown>): Promise<[number, unknown]> => {
    const query = String(b.query ?? '');
    const vars = (b.variables ?? {}) as Record<string, unknown>;
    if (!query.includes('markPullRequestReadyForReview'))
      return [200, { errors: [{ message: 'only markPullRequestReadyForReview is scripted' }] }];
    const id = String(vars.id ?? vars.pullRequestId ?? '');
    const n = Number(id.replace('PR_node_', ''));
    const p = pulls.get(n);
    if (!p || removed.has(n))
      return [
        200,
        {
          data: null,
          errors: [
            { type: 'NOT_FOUND', message: `Could not resolve to a node with the global id of '${id}'` },
          ],
        },
      ];
    p.draft = false;
    p.updated_at = now();
    return [200, { data: { markPullRequestReadyForReview: { pullRequest: { number: n, isDraft: false } } } }];
  };

  const answer = async (req: IncomingMessage, raw: string): ReturnType<Handler> => {
    const hold = holds.shift();
    if (hold) {
      hold.reach();
      await hold.released;
    }
    const failure = failures.shift();
    if (failure) throw new HttpError(failure.status, failure.message);
    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^(token|bearer) +/i, '');
    if (auth === '') throw new HttpError(401, 'Requires authentication');
    const rights = options.tokens[token];
    if (!rights) throw new HttpError(401, 'Bad credentials');
    if (rights === 'none') throw new HttpError(403, 'Resource not accessible by personal access token');
    const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname === '/graphql' && req.method === 'POST') {
      if (rights !== 'write') throw new HttpError(403, 'Resource not accessible by personal access token');
      return graphql(body);
    }
    for (const [method, re, writes, h] of routes) {
      const m = u.pathname.match(re);
      if (!m || method !== req.method) continue;
      if (writes && rights !== 'write')
        throw new HttpError(403, 'Resource not accessible by personal access token');
      return h(m, body, u.searchParams);
    }
    throw new HttpError(404, 'Not Found');
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry: GitHubRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status: 0,
        body: null,
      };
      try {
        entry.body = raw === '' ? null : JSON.parse(raw);
      } catch {
        entry.body = raw;
      }
      requests.push(entry);
      answer(req, raw)
        .catch((err: unknown) => {
          if (err instanceof HttpError)
            return [err.status, errorPayload(err.status, err.message, err.errors)] as [number, unknown];
          return [500, errorPayload(500, err instanceof Error ? err.message : String(err))] as [
            number,
            unknown,
          ];
        })
        .then(([status, payload, headers]: [number, unknown, Record<string, string>?]) => {
          entry.status = status;
          res.writeHead(status, {
            ...headers,
            'content-type': 'application/json; charset=utf-8',
            'x-github-media-type': 'github.v3; format=json',
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '4999',
            'x-github-request-id': `BATON:${requests.length}`,
          });
          res.end(JSON.stringify(payload));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    requests,
    pulls,
    checkRuns,
    issueComments,
    merge: (n, sha) => {
      const p = pullOr404(n);
      Object.assign(p, {
        state: 'closed',
        merged: true,
        merge_commit_sha: sha,
        merged_at: now(),
        closed_at: now(),
      });
    },
    close: (n) => {
      Object.assign(pullOr404(n), { state: 'closed', closed_at: now() });
    },
    remove: (n) => removed.add(n),
    setChecks: (sha, runs) => {
      checkRuns.set(
        sha,
        runs.map((r) => scriptedCheckRun(nextId++, sha, r, now())),
      );
    },
    setStatuses: (sha, list) => {
      statuses.set(
        sha,
        list.map((x) => scriptedStatus(nextId++, x, now())),
      );
    },
    review: (n, state, body, comments = []) => {
      const p = pullOr404(n);
      const r: Review = { id: nextId++, state, body, commit_id: p.head_sha, submitted_at: now() };
      reviews.set(n, [...(reviews.get(n) ?? []), r]);
      const list = reviewComments.get(n) ?? [];
      for (const c of comments)
        list.push({
          id: nextId++,
          pull_request_review_id: r.id,
          side: 'RIGHT',
          commit_id: p.head_sha,
          created_at: now(),
          ...c,
        });
      reviewComments.set(n, list);
    },
    addIssue: (title, body, labels) => {
      const n = nextNumber++;
      issues.set(n, { number: n, title, body, state: 'open', labels, created_at: now(), updated_at: now() });
      return n;
    },
    labelIssue: (n, l) => {
      const i = issues.get(n);
      if (!i) throw new Error(`no issue #${n}`);
      i.labels = [...new Set([...i.labels, l])];
      i.updated_at = now();
    },
    issuesEvent: (n, action, l) => {
      const i = issues.get(n);
      if (!i) throw new Error(`no issue #${n}`);
      return JSON.stringify(issuesEventPayload(origin, owner, name, i, action, l));
    },
    failNext: (status, message) => failures.push({ status, message }),
    holdNext: () => {
      let reach = () => {};
      let release = () => {};
      const reached = new Promise<void>((resolve) => {
        reach = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.push({ reach, released });
      return { reached, release };
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `X-Hub-Signature-256` as GitHub signs a webhook's body: `sha256=` and the HMAC-SHA256 hex of the raw body. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
