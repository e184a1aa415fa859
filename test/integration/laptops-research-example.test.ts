import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Artifact, RunDetail } from '../../src-shared/schemas/run.ts';
import { call } from '../kit/engine-kit.ts';

// The laptops research example as shipped: it must end completed offline, with the agents it brings.
const example = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'resources', 'examples', 'laptops-research.json'),
    'utf8',
  ),
) as { agents: unknown[]; notes: Record<string, unknown>[]; plans: { plan_id: string }[] };

let dir: string;
let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the laptops research example out of the box', () => {
  it('researches best laptops in Baton’s memory and drafts an email to john@example.com as an .eml, with real processes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-laptops-research-'));
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'agents.import', { agents: example.agents });
    for (const note of example.notes) await call(app, 'memory.write', note);
    // Something else in memory that the research must not pick up.
    await call(app, 'memory.write', { agent_id: 'bo', content: 'The office coffee machine is fixed.' });
    for (const plan of example.plans) await call(app, 'plans.import', { plan });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'laptops-email' });
    const ended = await app.engine.whenSettled(run_id);
    const detail = await call<RunDetail>(app, 'runs.get', { run_id });
    expect(ended.status, JSON.stringify(detail.tasks.map((t) => [t.task_id, t.status, t.error]))).toBe(
      'completed',
    );
    const [research, email] = detail.tasks;
    expect(research).toMatchObject({ task_id: 'task-001', agent_id: 'researcher', status: 'done' });
    const found = research!.output as { topic: string; findings: { text: string; source: string }[] };
    expect(found.topic).toBe('best laptops');
    expect(found.findings).toHaveLength(3);
    expect(found.findings.every((f) => /laptops/i.test(f.text))).toBe(true);
    expect(email).toMatchObject({
      task_id: 'task-002',
      agent_id: 'mailer',
      status: 'done',
      output: { to: 'john@example.com', subject: 'Research: best laptops', eml: 'draft.eml', findings: 3 },
    });
    const artifacts = await call<Artifact[]>(app, 'runs.taskArtifacts', { run_id, task_id: 'task-002' });
    const eml = artifacts.find((a) => a.name === 'draft.eml')!;
    const { content } = await call<{ content: string }>(app, 'runs.readArtifact', { artifact_id: eml.id });
    const blank = content.indexOf('\r\n\r\n');
    const head = content.slice(0, blank);
    const body = content.slice(blank + 4);
    expect(head.split('\r\n')).toEqual(
      expect.arrayContaining([
        'To: john@example.com',
        'Subject: Research: best laptops',
        'MIME-Version: 1.0',
      ]),
    );
    // The email carries the research's findings, each from the notes in memory.
    for (const f of found.findings) expect(body).toContain(`- ${f.text}`);
    expect(body).not.toContain('coffee');
    const findings = await call<Artifact[]>(app, 'runs.taskArtifacts', { run_id, task_id: 'task-001' });
    expect(findings.map((a) => a.name)).toEqual(['findings.md']);
  });

  it('matches what scope drafts from the example’s sentence with these agents: research, then the email', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-laptops-research-'));
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'agents.import', { agents: example.agents });
    const { plan } = await call<{ plan: { tasks: { required_skills: string[]; depends_on: string[] }[] } }>(
      app,
      'scope.draft',
      { goal: 'research best laptops and draft email to john@example.com' },
    );
    expect(plan.tasks.map((t) => [t.required_skills, t.depends_on])).toEqual([
      [['research'], []],
      [['communication'], ['task-001']],
    ]);
  });
});
