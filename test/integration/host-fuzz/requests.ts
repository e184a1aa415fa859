import { contract } from '../../../src-shared/contract/index.ts';
import type { Rng } from './rng.ts';

/**
 * Random requests for `baton serve`: paths, % escapes, methods, headers (Host, Authorization,
 * Cookie, Origin, oddities), bodies, contract calls. Nothing generated here may change the
 * store: with the real token, calls go to methods that only read, or to writing methods with
 * inputs no schema takes (not an object), or to ids that do not exist.
 */

/** Contract methods that only read. Every other method counts as writing. */
export const READ_METHODS = [
  'projects.list',
  'plans.list',
  'plans.get',
  'plans.versions',
  'plans.validate',
  'plans.spend',
  'runs.list',
  'runs.get',
  'runs.taskLogs',
  'runs.taskProgress',
  'runs.taskArtifacts',
  'runs.taskAttempts',
  'runs.readArtifact',
  'runs.spend',
  'spend.report',
  'spend.budgets',
  'spend.prices.list',
  'runs.waiting',
  'runs.steps',
  'runs.sessions',
  'work.selectNext',
  'work.context',
  'work.inbox',
  'work.team',
  'work.stats',
  'agents.list',
  'memory.read',
  'memory.search',
  'audit.list',
  'approvals.list',
  'scope.draft',
  'secrets.list',
  'workspaces.list',
  'workspaces.detectClis',
  'agents.detectAcp',
  'agents.routeFacts',
  'agents.leaderboard',
] as const;
export const WRITE_METHODS = Object.keys(contract).filter(
  (m) => !(READ_METHODS as readonly string[]).includes(m),
);

/** What the fuzzer knows of the store it attacks: real ids, so some reads find something. */
export interface Known {
  port: number;
  token: string;
  ids: string[];
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const PRINTABLE = `${ALNUM} !"#$&'()*+,-./:;<=>?@[\\]^_\`{|}~`;
const ESCAPES = [
  '%',
  '%z',
  '%zz',
  '%4',
  '%41',
  '%E0%A4%A',
  '%C0%AF',
  '%00',
  '%2F',
  '%2e%2e',
  '%25',
  '%FF',
  '%uD800',
  '%%',
];
const UNICODE = ['é', '日本', '🙂', '\u202e', '\u0000', 'Ω', '\ufeff'];
const FIELDS = [
  'plan_id',
  'run_id',
  'task_id',
  'agent_id',
  'memory_id',
  'artifact_id',
  'approval_id',
  'query',
  'limit',
  'version',
  'status',
  'scope',
  'id',
  'start',
  'end',
  'min_priority',
  'goal',
  'plan',
  'kind',
  'name',
  'actor',
  'plan_version',
  '__proto__',
  'constructor',
  'toString',
  'planner_agent_id',
  'project_id',
];

export function segment(r: Rng, k: Known): string {
  return r.weighted<() => string>([
    [4, () => r.pick(k.ids)],
    [3, () => r.text(r.int(1, 12), ALNUM)],
    [3, () => `${r.text(r.int(0, 4), ALNUM)}${r.pick(ESCAPES)}${r.text(r.int(0, 4), ALNUM)}`],
    [1, () => encodeURIComponent(r.pick(UNICODE))],
    [1, () => r.pick(UNICODE)],
    [1, () => r.pick(['..', '.', '', '.env', 'server.json', 'index.html', '%2e%2e%2fserver.json'])],
    [0.2, () => r.text(r.int(200, 5_000), ALNUM)],
  ])();
}

const API_PATHS = [
  '/api/health',
  '/api/openapi.json',
  '/api/rpc/{m}',
  '/api/v1/tasks',
  '/api/v1/tasks/{s}',
  '/api/modules/memory/read',
  '/api/modules/orchestrator/build',
  '/api/v1/agents/{s}/next-task',
  '/api/v1/agents/{s}/inbox',
  '/api/v1/agents/{s}/stats',
  '/api/v1/agents/{s}/tasks/{s}/{s}/context',
  '/api/v1/agents/{s}/tasks/{s}/{s}/execute',
  '/api/v1/agents/{s}/tasks/{s}/{s}/progress',
  '/api/v1/agents/{s}/tasks/{s}/{s}/complete',
  '/api/agent-callbacks/{s}',
  '/api',
  '/api/',
  '/api/{s}',
];
const UI_PATHS = [
  '/',
  '/index.html',
  '/plans',
  '/assets/{s}.js',
  '/{s}',
  '/{s}/{s}',
  '/ws',
  '//{s}',
  '/.{s}',
];

export function path(r: Rng, k: Known): string {
  const template = r.chance(0.7) ? r.pick(API_PATHS) : r.pick(UI_PATHS);
  let p = template.replace(/\{s\}/g, () => segment(r, k)).replace('{m}', () => method(r));
  if (r.chance(0.3)) p += `?${query(r, k)}`;
  return p;
}

function method(r: Rng): string {
  return r.weighted<() => string>([
    [5, () => r.pick(Object.keys(contract))],
    [1, () => r.pick(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'plans', 'plans.', '.list'])],
    [1, () => r.text(r.int(1, 20), `${ALNUM}._-`)],
    [1, () => encodeURIComponent(r.pick(Object.keys(contract))).replace('p', '%70')],
  ])();
}

function query(r: Rng, k: Known): string {
  const parts: string[] = [];
  for (let i = r.int(1, 4); i > 0; i--) {
    const key = r.chance(0.5)
      ? r.pick(['token', 'memory_id', 'run_id', 'plan_id', 'start', 'end', 'min_priority'])
      : segment(r, k);
    parts.push(`${key}=${r.chance(0.2) ? k.token : segment(r, k)}`);
  }
  return parts.join('&');
}

/** A JSON value of some depth, with real ids and field names now and then. */
export function value(r: Rng, k: Known, depth = 0): unknown {
  return r.weighted<() => unknown>([
    [3, () => r.pick(k.ids)],
    [3, () => r.text(r.int(0, 30), PRINTABLE)],
    [1, () => r.pick(UNICODE) + r.pick(ESCAPES)],
    [2, () => r.pick([0, -1, 1, 2.5, 1e300, -1e300, 2 ** 53, 100, 101])],
    [1, () => r.pick([true, false, null])],
    [depth < 3 ? 1 : 0, () => Array.from({ length: r.int(0, 4) }, () => value(r, k, depth + 1))],
    [depth < 3 ? 2 : 0, () => object(r, k, depth + 1)],
    [0.1, () => r.text(r.int(10_000, 60_000), ALNUM)],
  ])();
}

export function object(r: Rng, k: Known, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = r.int(0, 5); i > 0; i--) {
    const key = r.chance(0.7) ? r.pick(FIELDS) : r.text(r.int(1, 10), PRINTABLE);
    // JSON.parse on the server makes `__proto__` an own key; here it must be one too.
    Object.defineProperty(o, key, {
      value: value(r, k, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return o;
}

/** A body no schema takes: what calls to writing methods get, with the real token. */
export function harmlessBody(r: Rng, k: Known): Buffer {
  return r.weighted<() => Buffer>([
    [2, () => Buffer.from(JSON.stringify(r.pick([[], [object(r, k)], 'text', 42, true, -0.5])))],
    [2, () => Buffer.from(r.pick(['{', '{"a":', '[1,', 'nul', '{"plan_id": "x",}', "{'a': 1}", '\u0000']))],
    [1, () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')])],
    // Never only whitespace, which reads as an empty body, i.e. `{}`.
    [1, () => Buffer.concat([Buffer.from('#'), r.bytes(r.int(0, 200))])],
  ])();
}

function anyBody(r: Rng, k: Known): Buffer {
  return r.weighted<() => Buffer>([
    [4, () => Buffer.from(JSON.stringify(object(r, k)))],
    [1, () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(object(r, k)))])],
    [3, () => harmlessBody(r, k)],
    [1, () => Buffer.alloc(0)],
  ])();
}

export interface HttpCase {
  kind: 'rpc' | 'rest' | 'random';
  method: string;
  target: string;
  /** Header lines, raw (some are malformed on purpose). */
  headers: string[];
  body: Buffer;
  /** Whether the body is sent chunked (and maybe broken). */
  chunked: boolean;
}

function hostHeader(r: Rng, k: Known): string[] {
  return r.weighted<() => string[]>([
    [16, () => [`Host: 127.0.0.1:${k.port}`]],
    [2, () => [`Host: localhost:${k.port}`]],
    [1, () => [`Host: [::1]:${k.port}`]],
    [
      1,
      () => [
        r.pick([
          'Host: evil.example',
          'Host: ',
          'Host: a:b:c',
          'Host: [::',
          `Host: 127.0.0.1:99999`,
          'Host: 0.0.0.0',
          'Host: [::]',
        ]),
      ],
    ],
    [0.5, () => []],
    [0.3, () => [`Host: 127.0.0.1:${k.port}`, 'Host: evil.example']],
  ])();
}

function authHeader(r: Rng, k: Known, valid: boolean): string[] {
  if (valid) return [`Authorization: Bearer ${k.token}`];
  return r.weighted<() => string[]>([
    [3, () => []],
    [
      2,
      () => [
        `Authorization: ${r.pick(['Bearer wrong', 'Bearer', 'Basic YTpi', `Bearer ${k.token} x`, `bearer ${k.token.slice(1)}`, `Bearer ${k.token}\u00e9`])}`,
      ],
    ],
  ])();
}

function extraHeaders(r: Rng, k: Known): string[] {
  const lines: string[] = [];
  if (r.chance(0.4)) {
    lines.push(
      `Cookie: ${r.pick([`baton-token-${k.port}=%`, `baton-token-${k.port}=${k.token}`, '=%', '%%%; ;=', `a=${r.text(20, PRINTABLE)}`, `baton-token-${k.port}=%E0%A4%A; x=%`])}`,
    );
  }
  if (r.chance(0.3)) {
    lines.push(
      `Origin: ${r.pick([`http://127.0.0.1:${k.port}`, 'http://evil.example', 'null', 'file://', `http://localhost:${k.port + 1}`, '%'])}`,
    );
  }
  if (r.chance(0.3))
    lines.push(
      `Content-Type: ${r.pick(['application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', ''])}`,
    );
  if (r.chance(0.2)) lines.push(`Accept: ${r.pick(['text/html', '*/*', 'application/json', '%'])}`);
  if (r.chance(0.1))
    lines.push(
      `Sec-WebSocket-Protocol: ${r.pick(['baton', `baton, baton.token.${k.token}`, 'baton.token.%', ',,,', ''])}`,
    );
  if (r.chance(0.05)) lines.push('Expect: 100-continue');
  if (r.chance(0.05)) lines.push(`Range: bytes=${r.pick(['0-1', '5-', '-1', 'x', '0-0,1-1,2-2'])}`);
  if (r.chance(0.05)) lines.push(`If-None-Match: ${r.text(10, PRINTABLE)}`);
  if (r.chance(0.1)) lines.push(`${r.text(r.int(1, 12), `${ALNUM}-_`)}: ${r.text(r.int(0, 40), PRINTABLE)}`);
  // Malformed on purpose: Node's parser must refuse these (400), not Baton's handlers.
  if (r.chance(0.02))
    lines.push(
      r.pick(['Bad Header: x', 'NoColon', 'X-Ctl: a\u0001b', ': empty', `X-Long: ${'a'.repeat(20_000)}`]),
    );
  if (r.chance(0.01)) for (let i = 0; i < 150; i++) lines.push(`X-Many-${i}: ${i}`);
  return lines;
}

/** A contract call with the real token: reads with any input, writes with inputs no schema takes. */
function rpcCase(r: Rng, k: Known): HttpCase {
  const name = r.chance(0.25) ? r.pick(WRITE_METHODS) : r.chance(0.85) ? r.pick(READ_METHODS) : method(r);
  // `method` may name any method, writing ones too.
  const write = WRITE_METHODS.includes(name);
  const body = write
    ? harmlessBody(r, k)
    : r.chance(0.85)
      ? Buffer.from(JSON.stringify(object(r, k)))
      : harmlessBody(r, k);
  return {
    kind: 'rpc',
    method: 'POST',
    target: `/api/rpc/${encodeURIComponent(name)}`,
    headers: [
      `Host: 127.0.0.1:${k.port}`,
      `Authorization: Bearer ${k.token}`,
      ...extraHeaders(r, k).filter((h) => !h.startsWith('Origin')),
    ],
    body,
    chunked: false,
  };
}

/** The REST routes with the real token: GETs with any ids; POSTs only to ids that do not exist. */
function restCase(r: Rng, k: Known): HttpCase {
  const post = r.chance(0.4);
  const fake = () => `nope-${r.text(6, ALNUM)}${r.chance(0.2) ? r.pick(ESCAPES) : ''}`;
  let target: string;
  let body: Buffer = Buffer.alloc(0);
  if (post) {
    const route = r.pick(['execute', 'progress', 'complete', 'build', 'tasks']);
    if (route === 'build' || route === 'tasks') {
      target = route === 'build' ? '/api/modules/orchestrator/build' : '/api/v1/tasks';
      body = harmlessBody(r, k);
    } else {
      target = `/api/v1/agents/${fake()}/tasks/${fake()}/${fake()}/${route}`;
      body = anyBody(r, k);
    }
  } else {
    target = r
      .pick([
        '/api/v1/tasks/{s}',
        '/api/modules/memory/read?memory_id={s}',
        '/api/v1/agents/{s}/next-task?min_priority={s}&plan_id={s}',
        '/api/v1/agents/{s}/inbox',
        '/api/v1/agents/{s}/stats?start={s}&end={s}',
        '/api/v1/agents/{s}/tasks/{s}/{s}/context',
        '/api/openapi.json',
      ])
      .replace(/\{s\}/g, () => segment(r, k));
  }
  return {
    kind: 'rest',
    method: post ? 'POST' : 'GET',
    target,
    headers: [`Host: 127.0.0.1:${k.port}`, `Authorization: Bearer ${k.token}`],
    body,
    chunked: false,
  };
}

const METHODS: readonly (readonly [number, string])[] = [
  [10, 'GET'],
  [6, 'POST'],
  [1, 'HEAD'],
  [1, 'PUT'],
  [1, 'DELETE'],
  [1, 'OPTIONS'],
  [1, 'PATCH'],
  [0.3, 'CONNECT'],
  [0.3, 'TRACE'],
  [0.3, 'get'],
  [0.3, 'FOO'],
  [0.2, 'M-SEARCH'],
];

/** Anything: any path, method, headers; with the real token, writes get a body no schema takes. */
function randomCase(r: Rng, k: Known): HttpCase {
  const valid = r.chance(0.5);
  const verb = r.weighted(METHODS);
  const target = r.weighted<() => string>([
    [30, () => path(r, k)],
    [
      1,
      () =>
        r.pick([
          '*',
          'http://[/api/health',
          `http://127.0.0.1:${k.port}/api/health`,
          '127.0.0.1:80',
          '/%',
          '//a:99999/',
          '/?',
        ]),
    ],
  ])();
  const readsOnly = /^\/api\/rpc\/([^/?]*)$/.exec(target.split('?')[0]!);
  const readCall =
    readsOnly !== null && (READ_METHODS as readonly string[]).includes(safeDecode(readsOnly[1]!));
  const mayWrite = valid && verb !== 'GET' && verb !== 'HEAD' && !readCall;
  const body =
    verb === 'GET' && r.chance(0.8) ? Buffer.alloc(0) : mayWrite ? harmlessBody(r, k) : anyBody(r, k);
  return {
    kind: 'random',
    method: verb,
    target,
    headers: [...hostHeader(r, k), ...authHeader(r, k, valid), ...extraHeaders(r, k)],
    body,
    chunked: r.chance(0.02),
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function httpCase(r: Rng, k: Known): HttpCase {
  return r.weighted<() => HttpCase>([
    [3, () => rpcCase(r, k)],
    [1.5, () => restCase(r, k)],
    [5.5, () => randomCase(r, k)],
  ])();
}

/** The request as bytes on the wire. */
export function encode(c: HttpCase, r: Rng): Buffer {
  const lines = [`${c.method} ${c.target} HTTP/1.1`, ...c.headers, 'Connection: close'];
  let body = c.body;
  if (c.chunked) {
    lines.push('Transfer-Encoding: chunked');
    const size = r.chance(0.8) ? body.length.toString(16) : r.pick(['zz', '-1', 'ffffffffffff', '']);
    body = Buffer.concat([
      Buffer.from(`${size}\r\n`),
      body,
      Buffer.from(r.chance(0.9) ? '\r\n0\r\n\r\n' : '\r\n'),
    ]);
  } else if (body.length > 0 || c.method === 'POST') {
    lines.push(`Content-Length: ${body.length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), body]);
}
