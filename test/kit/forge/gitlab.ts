import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Discussion,
  discussionPayload,
  errorPayload,
  type GitLabUser,
  type Job,
  type JobStatus,
  jobPayload,
  type Mergeability,
  type MergeRequest,
  mergeRequestPayload,
  type Note,
  notePayload,
  type Pipeline,
  pipelinePayload,
  type ReviewerState,
  userPayload,
} from './gitlab-payloads.ts';

export type { Discussion, Job, MergeRequest, Pipeline } from './gitlab-payloads.ts';

/** One request the server answered. */
export interface GitLabRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
  /** The token it carried (`PRIVATE-TOKEN`, or `Authorization: Bearer`). */
  token: string | null;
}

export interface GitLabServerOptions {
  /** The one project it serves, `group/name` or `group/subgroup/name`; every other answers 404. */
  repo: string;
  /**
   * Tokens it knows: `write` may do everything; `read` (a `read_api` token) gets 403
   * `insufficient_scope` on every change; `none` (a user who cannot see the project) 404 "Project
   * Not Found" on everything, as GitLab hides what one may not see. Any other: 401.
   */
  tokens: Record<string, 'write' | 'read' | 'none'>;
  /** Users it knows, by username (besides `baton-bot`, whom every token belongs to). */
  users?: string[];
  /** A branch's commit (from the git remote): a merge request's source must exist. Absent: any branch, a made-up sha. */
  branchTip?: (branch: string) => Promise<string | null>;
  /**
   * Whether a source branch merges into its target (`GitRemote.mergeability`). Absent: always
   * mergeable. Present: a merge request read just after either branch moved answers `checking`
   * once (GitLab computes it in the background), then the answer.
   */
  mergeability?: (
    base: string,
    head: string,
  ) => Promise<{ mergeable: boolean; state: 'clean' | 'behind' | 'dirty' }>;
}

export interface GitLabServer {
  /** The origin: what `@gitbeaker/rest` takes as `host`; the API is under `/api/v4`. */
  url: string;
  /** `<url>/api/v4`, what a workspace's forge takes as `api_url`. */
  apiUrl: string;
  requests: GitLabRequest[];
  mergeRequests: Map<number, MergeRequest>;
  /** Scripted forge events: what a person or CI does on GitLab. */
  merge(iid: number, mergeSha: string): void;
  close(iid: number): void;
  /** The merge request deleted (by an admin, or the project moved): 404 from now on. */
  remove(iid: number): void;
  /** A new pipeline on a commit (the newest for it), its jobs and their logs. */
  pipeline(
    sha: string,
    jobs: { name: string; status: JobStatus; log?: string; allow_failure?: boolean }[],
  ): Pipeline;
  /** A reviewer's review: their state, a comment on the conversation, and comments on lines (each its own thread). */
  review(
    iid: number,
    username: string,
    state: ReviewerState,
    body: string,
    comments?: { path: string; line: number; body: string }[],
  ): void;
  /** Every thread of a merge request's diff resolved (a person clicked "Resolve"). */
  resolveAll(iid: number): void;
  /** The bodies of the notes on a merge request, oldest first (system notes too). */
  notesOf(iid: number): string[];
  /** The next request (any route) answers this status with GitLab's error body. */
  failNext(status: number, message: string): void;
  stop(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  readonly said: string | string[];
  constructor(status: number, said: string | string[]) {
    super(Array.isArray(said) ? said.join('; ') : said);
    this.status = status;
    this.said = said;
  }
}

const DRAFT = /^\s*(?:draft:|\[draft\]|\(draft\))/i;

/**
 * A scripted GitLab REST API (v4) on 127.0.0.1 for one project, answering with GitLab's
 * documented payloads and errors (401 "401 Unauthorized", 403 `insufficient_scope`, 404 "404
 * Project Not Found", 409 a second open merge request for one source branch), for the real
 * `@gitbeaker/rest` client through its `host`. It keeps merge requests, reviewers, pipelines,
 * jobs and their logs, discussions and notes in memory; tests script what GitLab's users and CI
 * would do (merge, close, pipelines, reviews).
 */
export async function startGitLabServer(options: GitLabServerOptions): Promise<GitLabServer> {
  const repo = options.repo;
  const requests: GitLabRequest[] = [];
  const mrs = new Map<number, MergeRequest>();
  const removed = new Set<number>();
  const pipelines: Pipeline[] = [];
  const discussions: Discussion[] = [];
  const failures: { status: number; message: string }[] = [];
  const bot: GitLabUser = { id: 1, username: 'baton-bot', name: 'Baton' };
  const users = [bot, ...(options.users ?? []).map((u, i) => ({ id: 100 + i, username: u, name: u }))];
  let nextIid = 1;
  let nextId = 1;
  let origin = '';
  const now = () => new Date().toISOString();
  const userNamed = (name: string): GitLabUser => {
    const u = users.find((x) => x.username === name);
    if (!u) throw new Error(`no GitLab user ${name}`);
    return u;
  };

  const mrOr404 = (iid: number): MergeRequest => {
    const m = mrs.get(iid);
    if (!m || removed.has(iid)) throw new HttpError(404, '404 Not found');
    return m;
  };
  const tipOf = async (branch: string) => (options.branchTip ? options.branchTip(branch) : 'f'.repeat(40));
  /** The target and source commits each merge request's mergeability was last computed for. */
  const computed = new Map<number, string>();
  const mergeOf = async (m: MergeRequest, baseSha: string | null): Promise<Mergeability | undefined> => {
    if (!options.mergeability || m.state !== 'opened') return undefined;
    const pair = `${baseSha}:${m.sha}`;
    if (computed.get(m.iid) !== pair) {
      computed.set(m.iid, pair);
      return { has_conflicts: false, detailed_merge_status: 'checking' };
    }
    const said = await options.mergeability(m.target_branch, m.source_branch);
    return said.state === 'dirty'
      ? { has_conflicts: true, detailed_merge_status: 'conflict' }
      : { has_conflicts: false, detailed_merge_status: 'mergeable' };
  };
  const newest = (sha: string) => pipelines.filter((p) => p.sha === sha).at(-1) ?? null;
  const payload = async (m: MergeRequest) => {
    if (m.state === 'opened') m.sha = (await tipOf(m.source_branch)) ?? m.sha;
    const baseSha = await tipOf(m.target_branch);
    const head = newest(m.sha);
    return mergeRequestPayload(
      origin,
      repo,
      m,
      bot,
      baseSha,
      await mergeOf(m, baseSha),
      head ? pipelinePayload(origin, repo, head) : null,
    );
  };

  type Handler = (
    m: RegExpMatchArray,
    body: Record<string, unknown>,
    q: URLSearchParams,
  ) => Promise<[number, unknown]>;
  const routes: [string, RegExp, boolean, Handler][] = [];
  /** A route under the project (`/projects/<id>…`), or (`global`) under `/api/v4`. */
  const route = (method: string, path: string, writes: boolean, h: Handler, global = false) =>
    routes.push([method, new RegExp(`^${global ? '' : '/projects/[^/]+'}${path}$`), writes, h]);

  route(
    'GET',
    '/users',
    false,
    async (_m, _b, q) => [
      200,
      users
        .filter((u) => !q.get('username') || u.username === q.get('username'))
        .map((u) => userPayload(origin, u)),
    ],
    true,
  );
  route('GET', '/user', false, async () => [200, userPayload(origin, bot)], true);
  route('GET', '/merge_requests', false, async (_m, _b, q) => {
    const state = q.get('state') ?? 'all';
    const list = [...mrs.values()].filter(
      (m) =>
        !removed.has(m.iid) &&
        (state === 'all' || m.state === state) &&
        (q.get('source_branch') === null || q.get('source_branch') === m.source_branch) &&
        (q.get('target_branch') === null || q.get('target_branch') === m.target_branch),
    );
    return [200, await Promise.all(list.reverse().map(payload))];
  });
  route('POST', '/merge_requests', true, async (_m, b) => {
    for (const f of ['source_branch', 'target_branch', 'title'])
      if (typeof b[f] !== 'string' || b[f] === '') throw new HttpError(400, `${f} is missing`);
    const source = String(b.source_branch);
    const sha = await tipOf(source);
    if (sha === null) throw new HttpError(422, ['Source branch does not exist']);
    const other = [...mrs.values()].find((m) => m.source_branch === source && m.state === 'opened');
    if (other && !removed.has(other.iid))
      throw new HttpError(409, [
        `Another open merge request already exists for this source branch: !${other.iid}`,
      ]);
    const reviewerIds = Array.isArray(b.reviewer_ids) ? b.reviewer_ids.map(Number) : [];
    const m: MergeRequest = {
      id: 0,
      iid: nextIid++,
      title: String(b.title),
      description: typeof b.description === 'string' ? b.description : '',
      source_branch: source,
      target_branch: String(b.target_branch),
      sha,
      state: 'opened',
      labels: typeof b.labels === 'string' ? b.labels.split(',').filter(Boolean) : [],
      reviewers: reviewerIds.map((id) => {
        const user = users.find((u) => u.id === id);
        if (!user) throw new HttpError(422, [`Reviewer ${id} is not a member`]);
        return { user, state: 'unreviewed' as const, created_at: now() };
      }),
      merge_commit_sha: null,
      squash_commit_sha: null,
      created_at: now(),
      updated_at: now(),
      closed_at: null,
      merged_at: null,
    };
    m.id = 1000 + m.iid;
    mrs.set(m.iid, m);
    return [201, await payload(m)];
  });
  route('GET', '/merge_requests/(\\d+)', false, async (m) => [200, await payload(mrOr404(Number(m[1])))]);
  route('PUT', '/merge_requests/(\\d+)', true, async (m, b) => {
    const mr = mrOr404(Number(m[1]));
    if (typeof b.title === 'string') mr.title = b.title;
    if (typeof b.description === 'string') mr.description = b.description;
    if (b.state_event === 'close') Object.assign(mr, { state: 'closed', closed_at: now() });
    mr.updated_at = now();
    return [200, await payload(mr)];
  });
  route('GET', '/merge_requests/(\\d+)/reviewers', false, async (m) => [
    200,
    mrOr404(Number(m[1])).reviewers.map((r) => ({
      user: userPayload(origin, r.user),
      state: r.state,
      created_at: r.created_at,
    })),
  ]);
  route('GET', '/merge_requests/(\\d+)/discussions', false, async (m) => {
    const mr = mrOr404(Number(m[1]));
    return [200, discussions.filter((d) => d.mr === mr.iid).map((d) => discussionPayload(origin, mr, d))];
  });
  route('GET', '/merge_requests/(\\d+)/notes', false, async (m, _b, q) => {
    const mr = mrOr404(Number(m[1]));
    const all = discussions.filter((d) => d.mr === mr.iid).flatMap((d) => d.notes);
    // GitLab's default: newest first.
    if (q.get('sort') !== 'asc') all.reverse();
    return [200, all.map((n) => notePayload(origin, mr, n))];
  });
  route('POST', '/merge_requests/(\\d+)/notes', true, async (m, b) => {
    const mr = mrOr404(Number(m[1]));
    if (typeof b.body !== 'string' || b.body === '') throw new HttpError(400, 'body is missing');
    const n = addNote(mr.iid, bot, b.body, null);
    return [201, notePayload(origin, mr, n)];
  });
  route('GET', '/pipelines', false, async (_m, _b, q) => {
    let list = pipelines.filter(
      (p) =>
        (q.get('sha') === null || q.get('sha') === p.sha) &&
        (q.get('ref') === null || q.get('ref') === p.ref),
    );
    list = q.get('sort') === 'asc' ? list : [...list].reverse();
    const per = Number(q.get('per_page') ?? 20);
    return [200, list.slice(0, per).map((p) => pipelinePayload(origin, repo, p))];
  });
  route('GET', '/pipelines/(\\d+)/jobs', false, async (m) => {
    const p = pipelines.find((x) => x.id === Number(m[1]));
    if (!p) throw new HttpError(404, '404 Not found');
    return [200, p.jobs.map((j) => jobPayload(origin, repo, p, j, bot))];
  });
  route('GET', '/jobs/(\\d+)/trace', false, async (m) => {
    const j = pipelines.flatMap((p) => p.jobs).find((x) => x.id === Number(m[1]));
    if (!j) throw new HttpError(404, '404 Not found');
    return [200, { trace: j.log }];
  });

  const addNote = (iid: number, author: GitLabUser, body: string, position: Note['position']): Note => {
    const n: Note = {
      id: nextId++,
      body,
      author,
      system: false,
      created_at: now(),
      position,
      resolved: false,
    };
    discussions.push({ id: `d${n.id.toString(16).padStart(8, '0')}`, mr: iid, notes: [n] });
    return n;
  };

  const answer = async (
    req: IncomingMessage,
    raw: string,
    token: string | null,
  ): Promise<[number, unknown]> => {
    const failure = failures.shift();
    if (failure) throw new HttpError(failure.status, failure.message);
    if (token === null) throw new HttpError(401, '401 Unauthorized');
    const rights = options.tokens[token];
    if (!rights) throw new HttpError(401, '401 Unauthorized');
    let body: Record<string, unknown> = {};
    if (raw !== '')
      body = (req.headers['content-type'] ?? '').includes('json')
        ? (JSON.parse(raw) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(raw));
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!u.pathname.startsWith('/api/v4/')) throw new HttpError(404, '404 Not Found');
    const path = u.pathname.slice('/api/v4'.length);
    const project = /^\/projects\/([^/]+)/.exec(path)?.[1];
    if (project !== undefined) {
      const id = decodeURIComponent(project);
      if ((id !== repo && id !== '1') || rights === 'none') throw new HttpError(404, '404 Project Not Found');
    }
    for (const [method, re, writes, h] of routes) {
      const m = path.match(re);
      if (!m || method !== req.method) continue;
      if (writes && rights !== 'write') throw new HttpError(403, 'insufficient_scope');
      return h(m, body, u.searchParams);
    }
    throw new HttpError(404, '404 Not Found');
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const bearer = /^bearer +(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const header = req.headers['private-token'];
      const token = typeof header === 'string' ? header : (bearer ?? null);
      const entry: GitLabRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status: 0,
        body: null,
        token,
      };
      try {
        entry.body = raw === '' ? null : JSON.parse(raw);
      } catch {
        entry.body = raw;
      }
      requests.push(entry);
      answer(req, raw, token)
        .catch((err: unknown) => {
          if (err instanceof HttpError) return [err.status, errorPayload(err.status, err.said)] as const;
          return [
            500,
            { message: `500 Internal Server Error: ${err instanceof Error ? err.message : String(err)}` },
          ] as const;
        })
        .then(([status, payload]) => {
          entry.status = status;
          // A job's log is plain text, as GitLab serves `/jobs/:id/trace`.
          const trace = payload as { trace?: string };
          const text = status === 200 && typeof trace?.trace === 'string';
          res.writeHead(status, {
            'content-type': text ? 'text/plain; charset=utf-8' : 'application/json',
            'x-request-id': `BATON${requests.length}`,
            'ratelimit-limit': '2000',
            'ratelimit-remaining': '1999',
          });
          res.end(text ? trace.trace : JSON.stringify(payload));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    apiUrl: `${origin}/api/v4`,
    requests,
    mergeRequests: mrs,
    merge: (iid, sha) => {
      Object.assign(mrOr404(iid), {
        state: 'merged',
        merge_commit_sha: sha,
        merged_at: now(),
        updated_at: now(),
      });
    },
    close: (iid) => {
      Object.assign(mrOr404(iid), { state: 'closed', closed_at: now(), updated_at: now() });
    },
    remove: (iid) => removed.add(iid),
    pipeline: (sha, jobs) => {
      const mr = [...mrs.values()].find((m) => m.sha === sha);
      const p: Pipeline = {
        id: nextId++,
        iid: pipelines.length + 1,
        sha,
        ref: mr?.source_branch ?? 'main',
        created_at: now(),
        jobs: jobs.map(
          (j): Job => ({
            id: nextId++,
            name: j.name,
            stage: 'test',
            status: j.status,
            allow_failure: j.allow_failure ?? false,
            log: j.log ?? '',
          }),
        ),
      };
      pipelines.push(p);
      return p;
    },
    review: (iid, username, state, body, comments = []) => {
      const mr = mrOr404(iid);
      const user = userNamed(username);
      const r = mr.reviewers.find((x) => x.user.id === user.id);
      if (r) r.state = state;
      else mr.reviewers.push({ user, state, created_at: now() });
      for (const c of comments) addNote(iid, user, c.body, { new_path: c.path, new_line: c.line });
      if (body !== '') addNote(iid, user, body, null);
    },
    resolveAll: (iid) => {
      for (const d of discussions)
        if (d.mr === iid) for (const n of d.notes) if (n.position) n.resolved = true;
    },
    notesOf: (iid) =>
      discussions
        .filter((d) => d.mr === iid)
        .flatMap((d) => d.notes)
        .map((n) => n.body),
    failNext: (status, message) => failures.push({ status, message }),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether a merge request's title marks it a draft, as GitLab reads it. */
export const isDraftTitle = (title: string): boolean => DRAFT.test(title);
