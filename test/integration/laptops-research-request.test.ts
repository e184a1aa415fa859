import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import { call } from '../kit/engine-kit.ts';
import { startOnTempDir } from '../kit/host-kit.ts';

// Requests to POST /api/v1/tasks (a task from a sentence), sent over HTTP to the browser host as
// a client sends them, with the agents and notes of the laptops research example (real programs:
// resources/agents/*.mjs).
const example = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'resources', 'examples', 'laptops-research.json'),
    'utf8',
  ),
) as { agents: unknown[]; notes: Record<string, unknown>[] };

let baton: Awaited<ReturnType<typeof startOnTempDir>>;

beforeAll(async () => {
  baton = await startOnTempDir((_dir, app) => ({ routes: createRestHandler(app.dispatch) }));
  await call(baton.app, 'agents.import', { agents: example.agents });
  for (const note of example.notes) await call(baton.app, 'memory.write', note);
  await call(baton.app, 'memory.write', { agent_id: 'bo', content: 'The office coffee machine is fixed.' });
});
afterAll(async () => {
  await baton?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: the test reads the API's JSON as a client does
type Json = Record<string, any>;

async function api(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${baton.host.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: { Authorization: `Bearer ${baton.host.token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** Polls the task as a client of POST /api/v1/tasks does, until it is no longer in progress. */
async function ended(id: string): Promise<Json> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api('GET', `/api/v1/tasks/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status !== 'IN_PROGRESS') return res.body;
    if (Date.now() > deadline) throw new Error(`task ${id} still in progress: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const rpc = async (name: string, input: unknown) => (await api('POST', `/api/rpc/${name}`, input)).body.value;

describe('a task from a sentence: POST /api/v1/tasks with the laptops example’s agents', () => {
  it('"research best laptops" ends completed with the research as its result', async () => {
    const res = await api('POST', '/api/v1/tasks', {
      title: 'Research Task',
      command: 'research',
      user_message: 'research best laptops',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ title: 'Research Task', kind: 'simple' });
    const task = await ended(res.body.id);
    expect(task.status, JSON.stringify(task.subtasks)).toBe('COMPLETED');
    expect(task.subtasks).toMatchObject([
      { task_id: 'task-001', status: 'done', assigned_agent: 'researcher' },
    ]);
    expect(task.result).toMatchObject({ topic: 'best laptops', query: 'best laptops' });
    expect(task.result.findings.length).toBeGreaterThan(0);
    for (const f of task.result.findings) expect(f.text).toMatch(/laptops/i);
  });

  it('"research best laptops and draft email to john@example.com" runs the research, then the email with its findings', async () => {
    const res = await api('POST', '/api/v1/tasks', {
      title: 'Research and Email',
      command: 'orchestrate',
      user_message: 'research best laptops and draft email to john@example.com',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Research and Email',
      command: 'orchestrate',
      kind: 'orchestrated',
    });
    const task = await ended(res.body.id);
    expect(task.status, JSON.stringify(task.subtasks)).toBe('COMPLETED');
    expect(task.subtasks).toMatchObject([
      { task_id: 'task-001', status: 'done', assigned_agent: 'researcher', depends_on: [] },
      { task_id: 'task-002', status: 'done', assigned_agent: 'mailer', depends_on: ['task-001'] },
    ]);
    const [research, email] = task.subtasks;
    expect(research.result.findings.length).toBeGreaterThan(0);
    expect(email.result).toMatchObject({
      to: 'john@example.com',
      subject: 'Research: best laptops',
      findings: research.result.findings.length,
    });
    // The research ended before the email started.
    const run = await rpc('runs.get', { run_id: task.id });
    const [r, e] = run.tasks;
    expect(r.finished_at <= e.started_at).toBe(true);
    // The draft carries each finding.
    const artifacts = await rpc('runs.taskArtifacts', { run_id: task.id, task_id: 'task-002' });
    const eml = artifacts.find((a: { name: string }) => a.name === 'draft.eml');
    const { content } = await rpc('runs.readArtifact', { artifact_id: eml.id });
    for (const f of research.result.findings) expect(content).toContain(`- ${f.text}`);
    expect(content).not.toContain('coffee');
  });

  it('refuses up front a request whose agent needs an input it cannot be given, and takes it from context', async () => {
    const before = await rpc('plans.list', {});
    const res = await api('POST', '/api/v1/tasks', {
      user_message: 'research best laptops and draft an email',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toMatch(/^user_message: task-002 .*inputs\.to\b.*mailer/);
    // Nothing half-written: no plan, no run.
    expect(await rpc('plans.list', {})).toEqual(before);

    const given = await api('POST', '/api/v1/tasks', {
      user_message: 'research best laptops and draft an email',
      context: { to: 'ana@example.com' },
    });
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    const task = await ended(given.body.id);
    expect(task.status, JSON.stringify(task.subtasks)).toBe('COMPLETED');
    expect(task.subtasks[1].result).toMatchObject({ to: 'ana@example.com' });
  });
});
