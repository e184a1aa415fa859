import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One request the remote answered: what git asked for, and whether it was let in. */
export interface RemoteRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  user: string | null;
}

export interface GitRemoteOptions {
  /** Basic auth every request must carry (git asks for it with a 401, as a forge does). */
  auth?: { user: string; password: string };
  /** The branch the bare repository's HEAD names, and the first commit is on (default main). */
  defaultBranch?: string;
  /** Files of the first commit (default: a README). Empty: the repository starts empty. */
  files?: Record<string, string>;
}

export interface GitRemote {
  /** `http://127.0.0.1:<port>/repo.git`, without credentials. */
  url: string;
  /** The same with the basic-auth user and password in it (when there is auth). */
  urlWithAuth: string;
  /** The bare repository's folder. */
  dir: string;
  requests: RemoteRequest[];
  /** A branch's commit on the remote, or null when it has none. */
  tip(branch: string): Promise<string | null>;
  /** Every branch of the remote with its commit. */
  branches(): Promise<Record<string, string>>;
  /** A commit someone else pushed: one file written on `branch` (made from `from` when new). */
  commitAs(
    branch: string,
    file: string,
    content: string,
    opts?: { from?: string; message?: string },
  ): Promise<string>;
  /**
   * Whether `head` merges into `base` as GitHub says it on a pull request, computed with real git
   * on the bare repository: `dirty` when they conflict (`git merge-tree`), `behind` when `base`
   * has commits `head` lacks but they merge, `clean` otherwise.
   */
  mergeability(
    base: string,
    head: string,
  ): Promise<{ mergeable: boolean; state: 'clean' | 'behind' | 'dirty' }>;
  /**
   * The next push over HTTP (its `git-receive-pack` POST, let in) is held before git sees it, until
   * `release`: `reached` resolves once it came in. A pusher that dies meanwhile pushed nothing.
   */
  holdNextPush(): { reached: Promise<void>; release(): void };
  /** From now on every push is refused by a pre-receive hook printing `message` (null: accepted again). */
  refusePushes(message: string | null): Promise<void>;
  close(): Promise<void>;
}

async function git(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Someone Else',
  GIT_AUTHOR_EMAIL: 'someone@example.com',
  GIT_COMMITTER_NAME: 'Someone Else',
  GIT_COMMITTER_EMAIL: 'someone@example.com',
};

/**
 * A bare git repository served over git's smart HTTP protocol on 127.0.0.1 by the real
 * `git http-backend` (run as a CGI program per request by a small node server), so clones,
 * fetches and pushes against it are real git over HTTP. Pushes are enabled; with `auth`, every
 * request without the right basic credentials gets a 401 with a `WWW-Authenticate` challenge.
 */
export async function startGitRemote(options: GitRemoteOptions = {}): Promise<GitRemote> {
  const root = await mkdtemp(join(tmpdir(), 'baton-git-remote-'));
  const dir = join(root, 'repo.git');
  const branch = options.defaultBranch ?? 'main';
  await git(['init', '--bare', '-q', `--initial-branch=${branch}`, dir], root);
  await git(['config', 'http.receivepack', 'true'], dir);
  const files = options.files ?? { 'README.md': '# remote\n' };
  if (Object.keys(files).length > 0) {
    const seed = join(root, 'seed');
    await git(['init', '-q', `--initial-branch=${branch}`, seed], root);
    for (const [name, content] of Object.entries(files)) await writeFile(join(seed, name), content);
    await git(['add', '-A'], seed);
    await git(['commit', '-q', '-m', 'first commit'], seed, IDENTITY);
    await git(['push', '-q', dir, `HEAD:refs/heads/${branch}`], seed);
    await rm(seed, { recursive: true, force: true });
  }

  const requests: RemoteRequest[] = [];
  const expected = options.auth
    ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`
    : null;

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: RemoteRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.search.slice(1),
      status: 0,
      user: null,
    };
    requests.push(entry);
    if (expected !== null && req.headers.authorization !== expected) {
      entry.status = 401;
      res.writeHead(401, {
        'www-authenticate': 'Basic realm="baton test remote"',
        'content-type': 'text/plain',
      });
      res.end('authentication required\n');
      req.resume();
      return;
    }
    entry.user = options.auth?.user ?? null;
    const hold =
      entry.method === 'POST' && u.pathname.endsWith('/git-receive-pack') ? holds.shift() : undefined;
    if (!hold) return backend(req, res, u, entry);
    hold.reach();
    let gone = false;
    // The pusher's connection closed before its answer (it died): nothing of it reaches git.
    res.on('close', () => {
      gone = true;
    });
    void hold.released.then(() => {
      if (!gone) backend(req, res, u, entry);
    });
  };
  const holds: { reach(): void; released: Promise<void> }[] = [];

  const backend = (req: IncomingMessage, res: ServerResponse, u: URL, entry: RemoteRequest) => {
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: entry.method,
        PATH_INFO: u.pathname,
        QUERY_STRING: entry.query,
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: entry.user ?? 'anonymous',
        REMOTE_ADDR: '127.0.0.1',
        GATEWAY_INTERFACE: 'CGI/1.1',
        SERVER_PROTOCOL: 'HTTP/1.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
      if (end < 0) return;
      const sep = end === crlf ? 4 : 2;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        if (name === 'status') status = Number.parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      entry.status = status;
      res.writeHead(status, headers);
      headersSent = true;
      res.write(head.subarray(end + sep));
    });
    cgi.stderr.resume();
    cgi.on('close', () => {
      if (!headersSent) {
        entry.status = 500;
        res.writeHead(500, { 'content-type': 'text/plain' });
      }
      res.end();
    });
  };

  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/repo.git`;
  const urlWithAuth = options.auth
    ? `http://${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.password)}@127.0.0.1:${port}/repo.git`
    : url;

  const tip = async (b: string) => {
    try {
      return await git(['rev-parse', '--verify', '-q', `refs/heads/${b}^{commit}`], dir);
    } catch {
      return null;
    }
  };

  let scratch = 0;
  return {
    url,
    urlWithAuth,
    dir,
    requests,
    tip,
    branches: async () => {
      const out = await git(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/'], dir);
      const all: Record<string, string> = {};
      for (const line of out.split('\n').filter(Boolean)) {
        const [name, sha] = line.split(' ');
        if (name && sha) all[name] = sha;
      }
      return all;
    },
    commitAs: async (b, file, content, opts = {}) => {
      const work = join(root, `scratch-${++scratch}`);
      await git(['clone', '-q', '--no-checkout', dir, work], root);
      const start = (await tip(b)) ? `origin/${b}` : `origin/${opts.from ?? branch}`;
      await git(['checkout', '-q', '-B', b, start], work);
      await writeFile(join(work, file), content);
      await git(['add', '-A'], work);
      await git(['commit', '-q', '-m', opts.message ?? `change ${file}`], work, IDENTITY);
      await git(['push', '-q', 'origin', `HEAD:refs/heads/${b}`], work);
      const sha = await git(['rev-parse', 'HEAD'], work);
      await rm(work, { recursive: true, force: true });
      return sha;
    },
    mergeability: async (base, head) => {
      const b = await tip(base);
      const h = await tip(head);
      if (b === null || h === null) return { mergeable: false, state: 'dirty' };
      const ok = (args: string[]) =>
        run('git', args, { cwd: dir }).then(
          () => true,
          () => false,
        );
      if (await ok(['merge-base', '--is-ancestor', b, h])) return { mergeable: true, state: 'clean' };
      if (await ok(['merge-tree', '--write-tree', '--name-only', b, h]))
        return { mergeable: true, state: 'behind' };
      return { mergeable: false, state: 'dirty' };
    },
    holdNextPush: () => {
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
    refusePushes: async (message) => {
      const hook = join(dir, 'hooks', 'pre-receive');
      if (message === null) await rm(hook, { force: true });
      else await writeFile(hook, `#!/bin/sh\necho ${JSON.stringify(message)} >&2\nexit 1\n`, { mode: 0o755 });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
