import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Artifact, RunDetail, TaskLogLine } from '../../src-shared/schemas/run.ts';
import { call, setup } from '../kit/engine-kit.ts';

const SECRET = 'sk-live-7f3a9c1e5b2d4f6a8c0e';
const examples = join(import.meta.dirname, '..', '..', 'resources', 'agents', 'agents.example.json');

let dir: string;
let app: BatonApp;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-agents-'));
  process.env.BATON_SECRET_DEPLOY_TOKEN = SECRET;
  app = createApp({ dataDir: dir, log: () => {} });
});
afterEach(async () => {
  await app.close();
  delete process.env.BATON_SECRET_DEPLOY_TOKEN;
  rmSync(dir, { recursive: true, force: true });
});

// A real program: reports progress, logs (including the secret it was given), writes a file.
const script = `
const token = process.env.TOKEN;
console.log('::progress 30 starting with ' + token);
console.log('the token is ' + token);
console.error('warning: nothing is wrong');
require('node:fs').writeFileSync('out.txt', 'made by ' + process.argv[1]);
console.log('::result ' + JSON.stringify({ wrote: 'out.txt', echoed: token }));
`;

describe('agents through the engine', () => {
  it('runs a command agent: progress, logs, artifacts, result — and its secret appears nowhere', async () => {
    const run = await setup(
      app,
      [
        {
          id: 'deployer',
          kind: 'command',
          skills: ['deploy'],
          command: process.execPath,
          args: ['-e', script, '{task_id}'],
          env: { TOKEN: '{secret:deploy.token}' },
        },
      ],
      { plan_id: 'p', tasks: [{ task_id: 'ship', description: 'deploy it', required_skills: ['deploy'] }] },
    );
    await app.engine.whenSettled(run);
    const d = await call<RunDetail>(app, 'runs.get', { run_id: run });
    const t = d.tasks[0]!;
    expect(t).toMatchObject({ status: 'done', output: { wrote: 'out.txt', echoed: '***' } });
    const logs = await call<TaskLogLine[]>(app, 'runs.taskLogs', { run_id: run, task_id: 'ship' });
    expect(logs.map((l) => [l.stream, l.text])).toEqual(
      expect.arrayContaining([
        ['stdout', 'the token is ***'],
        ['stderr', 'warning: nothing is wrong'],
      ]),
    );
    const progress = await call<{ progress: number; message: string }[]>(app, 'runs.taskProgress', {
      run_id: run,
      task_id: 'ship',
    });
    expect(progress).toMatchObject([{ progress: 30, message: 'starting with ***' }]);
    const artifacts = await call<Artifact[]>(app, 'runs.taskArtifacts', { run_id: run, task_id: 'ship' });
    expect(artifacts.map((a) => [a.name, a.size])).toEqual([['out.txt', 'made by ship'.length]]);
    expect(readFileSync(artifacts[0]!.path, 'utf8')).toBe('made by ship');

    // The proof: nothing Baton stored or exports contains the secret's value.
    app.store.memory.indexPending();
    app.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const everything = JSON.stringify([
      d,
      logs,
      progress,
      await call(app, 'memory.search', {}),
      await call(app, 'audit.list', {}),
      await call(app, 'agents.list', {}),
      await call(app, 'plans.get', { plan_id: 'p' }),
    ]);
    expect(everything).not.toContain(SECRET);
    expect(everything).toContain('{secret:deploy.token}'); // the agent names its secret, never holds it
    for (const f of readdirSync(dir)) {
      if (f.startsWith('baton.db')) expect(readFileSync(join(dir, f)).includes(SECRET)).toBe(false);
    }
  });

  it('runs the shipped example agents as they are', async () => {
    await call(app, 'agents.import', { agents: JSON.parse(readFileSync(examples, 'utf8')) });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'words',
        tasks: [
          {
            task_id: 'count',
            description: 'count the words of this sentence please',
            required_skills: ['word_count'],
          },
        ],
      },
    });
    const build = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'words' });
    await app.engine.whenSettled(build.run_id);
    const d = await call<RunDetail>(app, 'runs.get', { run_id: build.run_id });
    expect(d.tasks[0]).toMatchObject({ status: 'done', agent_id: 'word-counter' });
    expect((d.tasks[0]!.output as { total: number }).total).toBeGreaterThanOrEqual(7);
    const artifacts = await call<Artifact[]>(app, 'runs.taskArtifacts', {
      run_id: build.run_id,
      task_id: 'count',
    });
    expect(artifacts.map((a) => a.name)).toContain('report.md');
  });

  it('waits for a human: the task sits in their inbox until they complete it', async () => {
    const run = await setup(app, [{ id: 'ana', kind: 'human', skills: ['review'] }], {
      plan_id: 'p',
      tasks: [
        { task_id: 'review', description: 'review the draft', required_skills: ['review'] },
        { task_id: 'after', description: 'then this', required_skills: ['review'], depends_on: ['review'] },
      ],
    });
    const inbox = await call<{ ready: { task_id: string }[]; in_progress: unknown[] }>(app, 'work.inbox', {
      agent_id: 'ana',
    });
    expect(inbox.ready.map((t) => t.task_id)).toEqual(['review']);
    const d = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(d.tasks[0]).toMatchObject({ status: 'ready', reason: 'Waiting for ana to pull it' });
    await call(app, 'work.execute', { agent_id: 'ana', run_id: run, task_id: 'review' });
    expect(
      (await call<{ in_progress: { task_id: string }[] }>(app, 'work.inbox', { agent_id: 'ana' }))
        .in_progress,
    ).toMatchObject([{ task_id: 'review' }]);
    const done = await call<{ unblocked: string[] }>(app, 'work.complete', {
      agent_id: 'ana',
      run_id: run,
      task_id: 'review',
      status: 'completed',
      output: { text: 'Looks good, ship it' },
    });
    expect(done.unblocked).toEqual(['after']);
    await call(app, 'work.execute', { agent_id: 'ana', run_id: run, task_id: 'after' });
    await call(app, 'work.complete', {
      agent_id: 'ana',
      run_id: run,
      task_id: 'after',
      status: 'failed',
      error: 'not today',
    });
    const final = await app.engine.whenSettled(run);
    expect(final.status).toBe('failed');
  });
});

describe('secrets through the contract', () => {
  it('stores a secret (desktop), hands it to the agent that names it, and never returns its value', async () => {
    const { createFileSecretStore } = await import('../../src-main/secrets/file-store.ts');
    const store = createFileSecretStore(join(dir, 'secrets.json'), {
      // Stands in for the OS keychain: a reversible transform that hides the plain text.
      encrypt: (p) => Buffer.from([...Buffer.from(p)].map((b) => b ^ 0x5a)),
      decrypt: (s) => Buffer.from([...s].map((b) => b ^ 0x5a)).toString(),
    });
    const desk = createApp({ dataDir: join(dir, 'desk'), secretStore: store, log: () => {} });
    try {
      await call(desk, 'secrets.set', { name: 'api.key', value: 'kv-9d8c7b6a' });
      // Other secrets of this process's environment (BATON_SECRET_*) are listed too.
      expect(await call(desk, 'secrets.list', {})).toMatchObject({
        secrets: expect.arrayContaining([
          {
            name: 'api.key',
            source: 'stored',
            stored: { protection: 'keychain', readable: true },
            env_var: null,
            used_by: { agents: [], webhooks: [] },
          },
        ]),
        storage: { protection: 'keychain', file: join(dir, 'secrets.json') },
      });
      const run = await setup(
        desk,
        [
          {
            id: 'user',
            kind: 'command',
            skills: ['s'],
            command: process.execPath,
            args: [
              '-e',
              "console.log('::result ' + JSON.stringify({ len: process.env.KEY.length, key: process.env.KEY }))",
            ],
            env: { KEY: '{secret:api.key}' },
          },
        ],
        { plan_id: 'p', tasks: [{ task_id: 't', description: '', required_skills: ['s'] }] },
      );
      await desk.engine.whenSettled(run);
      const d = await call<RunDetail>(desk, 'runs.get', { run_id: run });
      expect(d.tasks[0]!.output).toEqual({ len: 11, key: '***' });
      expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain('kv-9d8c7b6a');
    } finally {
      desk.close();
    }
  });

  it('stores a secret without a keychain (browser mode, the CLI) in a 0600 file, used at once by the agent that names it', async () => {
    const dataDir = join(dir, 'plain');
    const served = createApp({ dataDir, log: () => {} });
    try {
      const run = await setup(
        served,
        [
          {
            id: 'user',
            kind: 'command',
            skills: ['s'],
            command: process.execPath,
            args: ['-e', "console.log('::result ' + JSON.stringify({ key: process.env.KEY }))"],
            env: { KEY: '{secret:late.key}' },
          },
        ],
        { plan_id: 'p', tasks: [{ task_id: 't', description: '', required_skills: ['s'] }] },
      );
      // Named before it is set: the first run fails saying so, and the list says who needs it.
      await served.engine.whenSettled(run);
      const before = await call<{ secrets: { name: string; source: string; used_by: unknown }[] }>(
        served,
        'secrets.list',
        {},
      );
      expect(before.secrets.find((x) => x.name === 'late.key')).toEqual(
        expect.objectContaining({ source: 'missing', used_by: { agents: ['user'], webhooks: [] } }),
      );
      const set = await call(served, 'secrets.set', { name: 'late.key', value: 'kv-late-1234' });
      expect(set).toEqual({ name: 'late.key', protection: 'file' });
      expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
      const again = await call<{ run_id: string }>(served, 'runs.start', { plan_id: 'p' });
      await served.engine.whenSettled(again.run_id);
      const d = await call<RunDetail>(served, 'runs.get', { run_id: again.run_id });
      expect(d.tasks[0]!.output).toEqual({ key: '***' });
      const listed = JSON.stringify(await call(served, 'secrets.list', {}));
      expect(listed).not.toContain('kv-late-1234');
      expect(listed).toContain('"protection":"file"');
    } finally {
      await served.close();
    }
  });
});

describe('artifacts', () => {
  it('a person hands in files; they are readable later and passed to the dependent task', async () => {
    const seen: unknown[] = [];
    const app2 = createApp({
      dataDir: join(dir, 'art'),
      executors: {
        echo: {
          usesWorkspace: false,
          async *start(ctx) {
            seen.push(ctx.dependencies);
            yield { type: 'result', output: { ok: true } };
          },
        },
      },
      log: () => {},
    });
    try {
      const run = await setup(
        app2,
        [
          { id: 'ana', kind: 'human', skills: ['write'] },
          { id: 'bot', skills: ['read'] },
        ],
        {
          plan_id: 'p',
          tasks: [
            { task_id: 'draft', description: 'write the draft', required_skills: ['write'] },
            { task_id: 'check', description: 'check it', required_skills: ['read'], depends_on: ['draft'] },
          ],
        },
      );
      await call(app2, 'work.execute', { agent_id: 'ana', run_id: run, task_id: 'draft' });
      await expect(
        call(app2, 'work.complete', {
          agent_id: 'ana',
          run_id: run,
          task_id: 'draft',
          status: 'completed',
          files: [{ name: '../evil', content: 'x' }],
        }),
      ).rejects.toThrow(/files\[0\]\.name/);
      await call(app2, 'work.complete', {
        agent_id: 'ana',
        run_id: run,
        task_id: 'draft',
        status: 'completed',
        output: { text: 'see draft.md' },
        files: [
          { name: 'draft.md', content: '# Draft\n\nHello' },
          { name: 'logo.bin', content: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64' },
          { name: 'Übersicht (final).txt', content: 'ok' },
        ],
      });
      await app2.engine.whenSettled(run);
      const artifacts = await call<Artifact[]>(app2, 'runs.taskArtifacts', { run_id: run, task_id: 'draft' });
      expect(artifacts.map((a) => [a.name, a.size])).toEqual([
        ['draft.md', 14],
        ['logo.bin', 4],
        ['Übersicht (final).txt', 2],
      ]);
      expect(await call(app2, 'runs.readArtifact', { artifact_id: artifacts[0]!.id })).toMatchObject({
        encoding: 'utf8',
        content: '# Draft\n\nHello',
        truncated: false,
      });
      expect(await call(app2, 'runs.readArtifact', { artifact_id: artifacts[1]!.id })).toMatchObject({
        encoding: 'base64',
        content: 'AAEC/w==',
      });
      expect(seen).toEqual([
        [
          expect.objectContaining({
            task_id: 'draft',
            artifacts: [
              expect.objectContaining({ name: 'draft.md' }),
              expect.objectContaining({ name: 'logo.bin' }),
              expect.objectContaining({ name: 'Übersicht (final).txt' }),
            ],
          }),
        ],
      ]);
    } finally {
      app2.close();
    }
  });
});
