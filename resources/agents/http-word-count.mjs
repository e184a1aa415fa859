#!/usr/bin/env node
// Example Baton http agent: a small service that counts the words of a task's description
// and of what its dependencies produced, in the background, the way a long job would run.
// It speaks the protocol of resources/agents/HTTP.md:
//   - with a callback_url (Baton is serving): answers 202 with a cancel_url, then POSTs
//     progress, a log line and the result to the callback, with the token Baton gave it;
//   - without one: answers 202 with a poll_url, answers GET on it, and stops on DELETE.
// Usage: node http-word-count.mjs [port]   (default 4810; 0 picks a free port)
// Env:   AGENT_TOKEN=…  requires `Authorization: Bearer …` on every request
//        STEP_MS=…      how long each step of the work takes (default 300 ms)
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4810);
const token = process.env.AGENT_TOKEN;
const stepMs = Number(process.env.STEP_MS ?? 300);
/** job id → { status, progress, message, output, error, timer } */
const jobs = new Map();

/** Every string inside a JSON value (keys excluded): the words of an output, not its braces. */
const strings = (value) =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(strings)
      : value !== null && typeof value === 'object'
        ? Object.values(value).flatMap(strings)
        : [];
const countWords = (texts) => texts.reduce((n, t) => n + (t.match(/\S+/g) ?? []).length, 0);

/** The work, in steps: one per source, each reported; `report` is told about each step. */
function startJob(id, body, report) {
  const sources = [
    { source: `task ${body.task.task_id}`, texts: [body.task.description] },
    ...(body.context?.dependencies ?? []).map((d) => ({
      source: `dependency ${d.task_id} (${d.status})`,
      texts: strings(d.output),
    })),
  ];
  const job = { status: 'running', progress: 0, message: 'queued', rows: [] };
  jobs.set(id, job);
  const step = () => {
    if (job.status !== 'running') return;
    const next = sources[job.rows.length];
    if (next === undefined) {
      const total = job.rows.reduce((n, r) => n + r.words, 0);
      Object.assign(job, { status: 'completed', progress: 100, output: { total, counts: job.rows } });
      return report({ status: 'completed', output: job.output });
    }
    job.rows.push({ source: next.source, words: countWords(next.texts) });
    job.progress = Math.round((100 * job.rows.length) / (sources.length + 1));
    job.message = `counted ${next.source}`;
    report({ status: 'running', progress: job.progress, message: job.message, log: [job.message] });
    job.timer = setTimeout(step, stepMs);
  };
  job.timer = setTimeout(step, stepMs);
}

function cancel(id) {
  const job = jobs.get(id);
  if (!job) return false;
  clearTimeout(job.timer);
  if (job.status === 'running') Object.assign(job, { status: 'failed', error: 'cancelled by Baton' });
  console.log(`job ${id} cancelled`);
  return true;
}

/** POSTs one message to Baton's callback; a refused one is logged, never retried forever. */
async function callBack(url, callbackToken, message) {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${callbackToken}` },
      body: JSON.stringify(message),
    });
    if (!res.ok) console.error(`callback answered ${res.status}: ${await res.text()}`);
  } catch (err) {
    console.error(`callback failed: ${err.message}`);
  }
}

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
};

const server = createServer(async (req, res) => {
  if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
    return send(res, 401, { error: 'bad token' });
  }
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const path = new URL(req.url, 'http://localhost').pathname;
  if (req.method === 'GET' && path === '/health') return send(res, 200, { ok: true });
  if (req.method === 'POST' && path === '/tasks') {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'body is not JSON' });
    }
    if (typeof body?.task?.description !== 'string')
      return send(res, 400, { error: 'task.description missing' });
    const id = randomUUID();
    const callbackToken = req.headers['x-baton-callback-token'];
    if (body.callback_url && callbackToken) {
      startJob(id, body, (message) => void callBack(body.callback_url, callbackToken, message));
      return send(res, 202, { status: 'accepted', message: 'queued', cancel_url: `/jobs/${id}/cancel` });
    }
    startJob(id, body, () => {});
    return send(res, 202, { status: 'accepted', message: 'queued', poll_url: `/jobs/${id}` });
  }
  const job = /^\/jobs\/([\w-]+)(\/cancel)?$/.exec(path);
  if (job && ((req.method === 'DELETE' && !job[2]) || (req.method === 'POST' && job[2]))) {
    return cancel(job[1]) ? send(res, 204) : send(res, 404, { error: 'no such job' });
  }
  if (job && req.method === 'GET' && !job[2]) {
    const j = jobs.get(job[1]);
    if (!j) return send(res, 404, { error: 'no such job' });
    const { status, progress, message, output, error } = j;
    return send(res, 200, { status, progress, message, output, error });
  }
  send(res, 404, { error: `no route ${req.method} ${path}` });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`http-word-count listening on http://127.0.0.1:${server.address().port}/tasks`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
