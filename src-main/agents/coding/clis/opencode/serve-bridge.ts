/**
 * The program Baton starts, in the agent's OS sandbox, to drive `opencode serve` (`serve.ts`):
 * plain JavaScript run by Baton's own Node (`node -e`), so it runs where opencode runs, inside
 * the sandbox's network namespace, and talks to opencode's server on the sandbox's own loopback,
 * which Baton outside cannot reach (src-main/sandbox/README.md). Baton talks to it on its stdio
 * instead, as to any CLI on its stream:
 *
 * - it starts `opencode serve --hostname 127.0.0.1 --port 0` with a password of its own
 *   (`OPENCODE_SERVER_PASSWORD`, HTTP basic auth: no other program on the machine drives the
 *   server when the sandbox is off), waits for its "listening on" line, subscribes to `GET /event`
 *   (its SSE stream), and creates the session (`POST /session`, with the permissions `opencode
 *   run` gives its own: no `question`, no plan mode) or takes up the one it is given;
 * - each line on its stdin is one JSON object: `{"prompt": text}` is `POST
 *   /session/{id}/prompt_async` (opencode takes it while a turn runs: see docs/steering.md for
 *   what it does with it), `{"abort": true}` is `POST /session/{id}/abort`;
 * - the events of its session become stdout lines exactly as `opencode run --format json` prints
 *   them (`step_start`, `text`, `tool_use`, `step_finish`, `error`; `run.ts` in opencode 1.18),
 *   so the same parser reads both, plus `session` once the session is known and `idle` at each
 *   `session.status` idle after a prompt: the turn's end;
 * - a permission opencode asks (`permission.asked`: a path outside the project, where the
 *   sandbox is off) is rejected, as `opencode run` rejects it, there being nobody to ask;
 * - stdin closed: the running turn is let end, then the server stopped and the bridge exits 0; the
 *   server ending by itself, or its event stream, exits 1 saying so on stderr.
 *
 * Its one argument is JSON: `{ program, args, session, model }`.
 */
export const SERVE_BRIDGE = String.raw`
const http = require('node:http');
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const cfg = JSON.parse(process.argv[process.argv.length - 1]);
const password = randomBytes(24).toString('hex');
const env = { ...process.env, OPENCODE_SERVER_USERNAME: 'opencode', OPENCODE_SERVER_PASSWORD: password };
delete env.ELECTRON_RUN_AS_NODE;
const auth = 'Basic ' + Buffer.from('opencode:' + password).toString('base64');
// A plain agent: never the proxy the sandbox names (the server is on the sandbox's own loopback).
const agent = new http.Agent({ keepAlive: true });
let port = 0;
let sessionID = cfg.session;
/** The server answers and the session is there: lines on stdin are sent, else queued. */
let ready = false;
const family = new Set();
let closing = false;
let pending = 0;
let busy = false;
let ended = false;
const queue = [];
const out = (type, o) =>
  process.stdout.write(JSON.stringify({ type, timestamp: Date.now(), sessionID, ...o }) + '\n');
const say = (text) => process.stderr.write('baton bridge: ' + text + '\n');

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: {
        authorization: auth, accept: 'application/json',
        ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
      } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try { json = text ? JSON.parse(text) : null; } catch {}
          if (res.statusCode >= 400) reject(new Error(method + ' ' + path + ' answered ' + res.statusCode + ': ' + text.slice(0, 500)));
          else resolve(json);
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function finish(code, why) {
  if (ended) return;
  ended = true;
  if (why) say(why);
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 3000);
  timer.unref();
  if (server.exitCode !== null || server.signalCode !== null) process.exit(code);
  server.on('exit', () => process.exit(code));
}

function idle() {
  busy = false;
  pending = 0;
  out('idle', {});
  if (closing) maybeFinish();
}

// Stdin closed: the server stops once the session is idle (asked: a prompt that came as the
// last turn ended may have started another), else at its next idle.
function maybeFinish() {
  if (ended || busy || queue.length > 0) return;
  if (!ready) return finish(0);
  call('GET', '/session/status').then(
    (all) => {
      const s = all && all[sessionID];
      if (!s || s.type === 'idle') finish(0);
    },
    (e) => finish(1, e.message),
  );
}

function onEvent(ev) {
  const p = ev.properties || {};
  switch (ev.type) {
    case 'session.created':
      if (p.info && p.info.parentID && (p.info.parentID === sessionID || family.has(p.info.parentID))) family.add(p.info.id);
      return;
    case 'message.part.updated': {
      const part = p.part;
      if (!part || part.sessionID !== sessionID) return;
      if (part.type === 'tool' && part.state && (part.state.status === 'completed' || part.state.status === 'error')) out('tool_use', { part });
      else if (part.type === 'step-start') out('step_start', { part });
      else if (part.type === 'step-finish') out('step_finish', { part });
      else if (part.type === 'text' && part.time && part.time.end) out('text', { part });
      return;
    }
    case 'session.error':
      if (p.sessionID === sessionID && p.error) out('error', { error: p.error });
      return;
    case 'session.status':
      if (p.sessionID !== sessionID) return;
      if (p.status && p.status.type === 'busy') { busy = true; pending = 0; }
      // A turn ends at an idle after it went busy: a stopped turn's late idle (opencode may say idle
      // again as its aborted loop unwinds) must not end the next prompt's turn before it starts.
      else if (p.status && p.status.type === 'idle' && busy) idle();
      return;
    case 'permission.asked':
      if (p.sessionID === sessionID || family.has(p.sessionID))
        call('POST', '/permission/' + encodeURIComponent(p.id) + '/reply', { reply: 'reject' }).catch((e) => say(e.message));
      return;
  }
}

function send(line) {
  let msg;
  try { msg = JSON.parse(line); } catch { return say('not a JSON line on stdin: ' + line.slice(0, 200)); }
  if (!ready) return queue.push(msg);
  const at = '/session/' + encodeURIComponent(sessionID);
  if (typeof msg.prompt === 'string') {
    pending++;
    const body = { parts: [{ type: 'text', text: msg.prompt }] };
    if (cfg.model) body.model = cfg.model;
    call('POST', at + '/prompt_async', body).catch((e) => {
      pending = Math.max(0, pending - 1);
      out('error', { error: { name: 'UnknownError', data: { message: e.message } } });
      if (!busy) idle();
    });
  } else if (msg.abort) call('POST', at + '/abort', {}).catch((e) => say(e.message));
}

function events() {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/event', agent: new http.Agent(), headers: { authorization: auth, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error('GET /event answered ' + res.statusCode));
        res.setEncoding('utf8');
        let buf = '';
        let connected = false;
        res.on('data', (chunk) => {
          buf += chunk;
          let at;
          while ((at = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, at);
            buf = buf.slice(at + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
            if (!data) continue;
            let ev;
            try { ev = JSON.parse(data); } catch { continue; }
            if (!connected) { connected = true; resolve(); }
            onEvent(ev);
          }
        });
        res.on('end', () => finish(1, "opencode's event stream ended"));
        res.on('error', (e) => finish(1, "opencode's event stream failed: " + e.message));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const server = spawn(cfg.program, ['serve', '--hostname', '127.0.0.1', '--port', '0', ...cfg.args], {
  env, stdio: ['ignore', 'pipe', 'inherit'],
});
server.on('error', (e) => { say('cannot start ' + cfg.program + ': ' + e.message); process.exit(127); });
server.on('exit', (code, signal) => {
  if (!ended) { ended = true; say('opencode serve ended (' + (signal || 'exit ' + code) + ')'); process.exit(code || 1); }
});
let head = '';
server.stdout.setEncoding('utf8');
server.stdout.on('data', (chunk) => {
  if (port) return process.stderr.write(chunk);
  head += chunk;
  const m = /listening on http:\/\/[^:\s]+:(\d+)/.exec(head);
  if (!m) return;
  port = Number(m[1]);
  start().catch((e) => {
    out('error', { error: { name: 'UnknownError', data: { message: e.message } } });
    finish(1);
  });
});

async function start() {
  await events();
  if (sessionID) await call('GET', '/session/' + encodeURIComponent(sessionID));
  else {
    const created = await call('POST', '/session', { permission: [
      { permission: 'question', action: 'deny', pattern: '*' },
      { permission: 'plan_enter', action: 'deny', pattern: '*' },
      { permission: 'plan_exit', action: 'deny', pattern: '*' },
    ] });
    sessionID = created.id;
  }
  out('session', {});
  ready = true;
  for (const msg of queue.splice(0)) send(JSON.stringify(msg));
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  input += chunk;
  let at;
  while ((at = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, at);
    input = input.slice(at + 1);
    if (line.trim()) send(line);
  }
});
process.stdin.on('end', () => {
  closing = true;
  if (pending === 0) maybeFinish();
});
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => finish(143));
`;
