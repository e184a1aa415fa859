import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  combinedPayload,
  errorPayload,
  type IssueComment,
  issueCommentPayload,
  type Label,
  labelPayload,
  type Mergeability,
  type Pull,
  pullPayload,
  type Review,
  type ReviewComment,
  repoPayload,
  reviewCommentPayload,
  reviewPayload,
  type Status,
  statusPayload,
} from './gitea-payloads.ts';

export type { Label, Pull, Review, ReviewComment, Status } from './gitea-payloads.ts';

/** One request the server answered. */
export interface GiteaRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface GiteaServerOptions {
  /** The one repository it serves, `owner/name`; every other answers 404. */
  repo: string;
  /**
   * Tokens it knows: `write` may do everything, `read` (a token scoped `read:repository`) gets 403
   * on every change, `none` (scoped to nothing of repositories) 403 on everything. Any other: 401.
   */
  tokens: Record<string, 'write' | 'read' | 'none'>;
  /** A branch's commit (from the git remote): a pull request's head must exist. Absent: any branch, a made-up sha. */
  branchTip?: (branch: string) => Promise<string | null>;
  /** Whether a pull request's head merges into its base, and their merge base. Absent: it merges, its base not moved. */
  mergeability?: (base: string, head: string) => Promise<Mergeability>;
}

export interface GiteaServer {
  /** The instance's address: gitea-js's `baseUrl` (it adds `/api/v1`). */
  url: string;
  requests: GiteaRequest[];
  pulls: Map<number, Pull>;
  labels: Label[];
  issueComments: IssueComment[];
  /** Scripted events: what a person or CI does on the instance. */
  merge(number: number, mergeSha: string): void;
  close(number: number): void;
  /** The pull request deleted (the repository moved, or an admin removed it): 404 from now on. */
  remove(number: number): void;
  /** CI posts commit statuses on a commit (the latest of each context counts). */
  setStatuses(
    sha: string,
    statuses: { context: string; status: Status['status']; description?: string; target_url?: string }[],
  ): void;
  review(
    number: number,
    state: Review['state'],
    body: string,
    comments?: { path: string; line: number; body: string }[],
    user?: string,
  ): void;
  /** The next request (any route) answers this status with Gitea's error body. */
  failNext(status: number, message: string): void;
  stop(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const SCOPE = (s: string) => `token does not have at least one of required scope(s): [${s}:repository]`;

/**
 * A scripted Gitea REST API (`/api/v1`) on 127.0.0.1 for one repository, answering with Gitea's
 * payloads and error bodies (401 "invalid username, password or token", 403 for a token's scope,
 * 404 "The target couldn't be found.", 409 for a second pull request from one branch), for the real
 * `gitea-js` client. It keeps pull requests (drafts as Gitea has them: a `WIP:` title), labels,
 * reviews with their line comments, commit statuses and issue comments in memory; tests script
 * what people and CI would do (merge, close, statuses, reviews).
 */
export async function startGiteaServer(options: GiteaServerOptions): Promise<GiteaServer> {
  const [owner = '', name = ''] = options.repo.split('/');
  const requests: GiteaRequest[] = [];
  const pulls = new Map<number, Pull>();
  const removed = new Set<number>();
  const labels: Label[] = [];
  const statuses = new Map<string, Status[]>();
  const reviews = new Map<number, Review[]>();
  const reviewComments: ReviewComment[] = [];
  const issueComments: IssueComment[] = [];
  const failures: { status: number; message: string }[] = [];
  let nextNumber = 1;
  let nextId = 100;
  let origin = '';
  const now = () => new Date().toISOString();

  const pullOr404 = (n: number): Pull => {
    const p = pulls.get(n);
    if (!p || removed.has(n)) throw new HttpError(404, "The target couldn't be found.");
    return p;
  };
  const tipOf = async (branch: string) => (options.branchTip ? options.branchTip(branch) : 'f'.repeat(40));
  const pull = async (p: Pull) => {
    const baseSha = (await tipOf(p.base)) ?? '';
    const merge = options.mergeability
      ? await options.mergeability(p.base, p.head)
      : { mergeable: true, merge_base: baseSha };
    return pullPayload(origin, owner, name, p, labels, baseSha, merge);
  };
  const page = <T>(list: T[], q: URLSearchParams): T[] => {
    const limit = Math.min(Number(q.get('limit') ?? 30) || 30, 50);
    const n = Math.max(Number(q.get('page') ?? 1) || 1, 1);
    return list.slice((n - 1) * limit, n * limit);
  };

  type Handler = (
    m: RegExpMatchArray,
    body: Record<string, unknown>,
    q: URLSearchParams,
  ) => Promise<[number, unknown]>;
  const routes: [string, RegExp, boolean, Handler][] = [];
  const route = (method: string, path: string, writes: boolean, h: Handler) =>
    routes.push([method, new RegExp(`^/api/v1/repos/${owner}/${name}${path}$`), writes, h]);

  route('GET', '', false, async () => [200, repoPayload(origin, owner, name)]);
  route('GET', '/pulls', false, async (_m, _b, q) => {
    const state = q.get('state') ?? 'open';
    const list = [...pulls.values()].filter(
      (p) => !removed.has(p.number) && (state === 'all' || p.state === state),
    );
    return [200, await Promise.all(page(list.reverse(), q).map(pull))];
  });
  route('POST', '/pulls', true, async (_m, b) => {
    const missing = ['title', 'head', 'base'].filter((f) => typeof b[f] !== 'string' || b[f] === '');
    if (missing.length > 0) throw new HttpError(422, missing.map((f) => `[${f}]: Required`).join(', '));
    const head = String(b.head);
    const sha = await tipOf(head);
    if (sha === null) throw new HttpError(404, `branch ${head} does not exist`);
    const same = [...pulls.values()].find(
      (p) => p.head === head && p.base === b.base && p.state === 'open' && !removed.has(p.number),
    );
    if (same)
      throw new HttpError(
        409,
        `pull request already exists for these targets [id: ${same.id}, issue_id: ${same.id}, head_repo_id: 7, base_repo_id: 7, head_branch: ${head}, base_branch: ${same.base}]`,
      );
    const ids = Array.isArray(b.labels) ? b.labels.map(Number) : [];
    const p: Pull = {
      number: nextNumber++,
      id: nextId++,
      title: String(b.title),
      body: typeof b.body === 'string' ? b.body : '',
      head,
      head_sha: sha,
      base: String(b.base),
      state: 'open',
      merged: false,
      merge_commit_sha: null,
      labels: ids.filter((id) => labels.some((l) => l.id === id)),
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
    if (b.state === 'closed' || b.state === 'open') {
      p.state = b.state;
      p.closed_at = b.state === 'closed' ? now() : null;
    }
    p.updated_at = now();
    // Gitea answers an edited pull request with 201.
    return [201, await pull(p)];
  });
  route('POST', '/pulls/(\\d+)/requested_reviewers', true, async (m, b) => {
    const n = Number(m[1]);
    const p = pullOr404(n);
    const add = Array.isArray(b.reviewers) ? b.reviewers.map(String) : [];
    p.requested_reviewers = [...new Set([...p.requested_reviewers, ...add])];
    const made = add.map((u) => {
      const r: Review = {
        id: nextId++,
        state: 'REQUEST_REVIEW',
        body: '',
        commit_id: p.head_sha,
        user: u,
        dismissed: false,
        submitted_at: now(),
      };
      reviews.set(n, [...(reviews.get(n) ?? []), r]);
      return reviewPayload(origin, owner, name, n, r, 0);
    });
    return [201, made];
  });
  route('GET', '/pulls/(\\d+)/reviews', false, async (m, _b, q) => {
    const n = Number(m[1]);
    pullOr404(n);
    const list = (reviews.get(n) ?? []).map((r) =>
      reviewPayload(origin, owner, name, n, r, reviewComments.filter((c) => c.review === r.id).length),
    );
    return [200, page(list, q)];
  });
  route('GET', '/pulls/(\\d+)/reviews/(\\d+)/comments', false, async (m) => {
    const n = Number(m[1]);
    pullOr404(n);
    const r = (reviews.get(n) ?? []).find((x) => x.id === Number(m[2]));
    if (!r) throw new HttpError(404, "The target couldn't be found.");
    return [
      200,
      reviewComments
        .filter((c) => c.review === r.id)
        .map((c) => reviewCommentPayload(origin, owner, name, n, r, c)),
    ];
  });
  route('GET', '/labels', false, async (_m, _b, q) => [
    200,
    page(labels, q).map((l) => labelPayload(origin, owner, name, l)),
  ]);
  route('POST', '/labels', true, async (_m, b) => {
    if (typeof b.name !== 'string' || b.name === '') throw new HttpError(422, '[Name]: Required');
    if (labels.some((l) => l.name === b.name)) throw new HttpError(409, 'label already exists');
    const l: Label = { id: nextId++, name: b.name, color: typeof b.color === 'string' ? b.color : '#ededed' };
    labels.push(l);
    return [201, labelPayload(origin, owner, name, l)];
  });
  route('POST', '/issues/(\\d+)/labels', true, async (m, b) => {
    const p = pullOr404(Number(m[1]));
    // Ids, or (since Gitea 1.19) names.
    const given = Array.isArray(b.labels) ? b.labels : [];
    const ids = given.flatMap((x) => {
      const l = labels.find((y) => (typeof x === 'number' ? y.id === x : y.name === String(x)));
      return l ? [l.id] : [];
    });
    p.labels = [...new Set([...p.labels, ...ids])];
    return [
      200,
      labels.filter((l) => p.labels.includes(l.id)).map((l) => labelPayload(origin, owner, name, l)),
    ];
  });
  route('GET', '/issues/(\\d+)/comments', false, async (m) => [
    200,
    issueComments
      .filter((c) => c.issue === Number(m[1]))
      .map((c) => issueCommentPayload(origin, owner, name, c)),
  ]);
  route('POST', '/issues/(\\d+)/comments', true, async (m, b) => {
    const n = Number(m[1]);
    pullOr404(n);
    if (typeof b.body !== 'string' || b.body === '') throw new HttpError(422, '[Body]: Required');
    const c: IssueComment = { id: nextId++, issue: n, body: b.body, created_at: now() };
    issueComments.push(c);
    return [201, issueCommentPayload(origin, owner, name, c)];
  });
  const shaOf = async (ref: string) => (/^[0-9a-f]{40}$/.test(ref) ? ref : ((await tipOf(ref)) ?? ref));
  route('GET', '/commits/([^/]+)/status', false, async (m) => {
    const sha = await shaOf(decodeURIComponent(m[1] ?? ''));
    return [200, combinedPayload(origin, owner, name, sha, statuses.get(sha) ?? [])];
  });
  route('GET', '/statuses/([^/]+)', false, async (m, _b, q) => {
    const sha = await shaOf(decodeURIComponent(m[1] ?? ''));
    const list = [...(statuses.get(sha) ?? [])].reverse();
    return [200, page(list, q).map((s) => statusPayload(origin, owner, name, s))];
  });

  const answer = async (req: IncomingMessage, raw: string): Promise<[number, unknown]> => {
    const failure = failures.shift();
    if (failure) throw new HttpError(failure.status, failure.message);
    const auth = req.headers.authorization ?? '';
    if (auth === '') throw new HttpError(401, 'token is required');
    const rights = options.tokens[auth.replace(/^(token|bearer) +/i, '')];
    if (!rights) throw new HttpError(401, 'invalid username, password or token');
    if (rights === 'none') throw new HttpError(403, SCOPE('read'));
    // Gitea binds a body by its Content-Type: one it cannot read is refused (this wording is the kit's).
    if (raw !== '' && !String(req.headers['content-type'] ?? '').includes('application/json'))
      throw new HttpError(422, 'the body must be sent as application/json');
    const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    for (const [method, re, writes, h] of routes) {
      const m = u.pathname.match(re);
      if (!m || method !== req.method) continue;
      if (writes && rights !== 'write') throw new HttpError(403, SCOPE('write'));
      return h(m, body, u.searchParams);
    }
    throw new HttpError(404, "The target couldn't be found.");
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const entry: GiteaRequest = {
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
          if (err instanceof HttpError) return [err.status, errorPayload(origin, err.message)] as const;
          return [500, errorPayload(origin, err instanceof Error ? err.message : String(err))] as const;
        })
        .then(([status, payload]) => {
          entry.status = status;
          res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
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
    labels,
    issueComments,
    merge: (n, sha) => {
      Object.assign(pullOr404(n), {
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
    setStatuses: (sha, list) => {
      const all = statuses.get(sha) ?? [];
      for (const s of list)
        all.push({
          id: nextId++,
          sha,
          context: s.context,
          status: s.status,
          description: s.description ?? '',
          target_url: s.target_url ?? '',
          created_at: now(),
        });
      statuses.set(sha, all);
    },
    review: (n, state, body, comments = [], user = 'reviewer') => {
      const p = pullOr404(n);
      const r: Review = {
        id: nextId++,
        state,
        body,
        commit_id: p.head_sha,
        user,
        dismissed: false,
        submitted_at: now(),
      };
      reviews.set(n, [...(reviews.get(n) ?? []), r]);
      for (const c of comments)
        reviewComments.push({ id: nextId++, review: r.id, commit_id: p.head_sha, created_at: now(), ...c });
    },
    failNext: (status, message) => failures.push({ status, message }),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `X-Gitea-Signature` (and Forgejo's `X-Forgejo-Signature`) as Gitea signs a webhook's body: the HMAC-SHA256 hex of the raw body, no prefix. */
export function signGiteaWebhook(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
