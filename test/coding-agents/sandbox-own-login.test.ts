import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { installed, openBaton, startServers, writeTurn } from './baton-kit.ts';
import { CLIS } from './clis.ts';

// A coding CLI on the person's own login (no provider: Baton writes no config for it, and no
// metering endpoint stands between it and its model): codex with its own ~/.codex/config.toml,
// which names a scripted model server on 127.0.0.1 that the agent's sandbox lists. In Baton's OS
// sandbox it writes its worktree and its own state folder in the person's home (~/.codex: its
// sessions), and nothing else there.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let root: string;
let home: string;
let detail: RunDetail;
const homeBefore = process.env.HOME;

describe.skipIf(!installed || process.platform !== 'linux')(
  'a CLI on the person’s own login, sandboxed',
  () => {
    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'baton-own-login-'));
      home = join(root, 'home');
      mkdirSync(home, { recursive: true });
      servers = await startServers();
      const url = servers.serverOf('codex').url;
      // The person's own codex config, as `codex login` and their config.toml would leave it.
      const prep = join(root, 'prep');
      CLIS.codex.prepare({ repo: '', home: prep }, url);
      cpSync(join(prep, 'codex-home'), join(home, '.codex'), { recursive: true });
      process.env.HOME = home;
      baton = openBaton();
      const { app, repo } = baton;
      servers.script('codex', [
        {
          name: 'own-login',
          turns: [
            writeTurn('codex', 'own.txt', 'on my own login\n'),
            CLIS.codex.shellTurn(`touch ${join(home, 'not-codex.txt')}`),
            { text: 'Wrote own.txt.' },
          ],
        },
      ]);
      await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
      await call(app, 'agents.import', {
        agents: [
          {
            id: 'codex-own',
            kind: 'coding',
            cli: 'codex',
            skills: ['codex'],
            executable: join(import.meta.dirname, 'node_modules', '.bin', 'codex'),
            env: {
              PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
              SCRIPTED_API_KEY: 'sk-scripted',
              ...servers.trap.env,
            },
            sandbox: { network: { allow: [new URL(url).host] } },
          },
        ],
      });
      await call(app, 'plans.import', {
        plan: {
          plan_id: 'own',
          workspace: 'app',
          tasks: [{ task_id: 'write', description: 'Write own.txt.', required_skills: ['codex'] }],
        },
      });
      const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'own' });
      await app.engine.whenSettled(run_id);
      await app.coding.worktreesSettled();
      detail = await call<RunDetail>(app, 'runs.get', { run_id });
    }, 300_000);

    afterAll(async () => {
      process.env.HOME = homeBefore;
      await baton?.close();
      await servers?.close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('does its work and keeps its sessions in ~/.codex, and writes nothing else in the home', async () => {
      const task = detail.tasks[0]!;
      const steps = await call<StoredStep[]>(baton.app, 'runs.steps', {
        run_id: detail.id,
        task_id: 'write',
      });
      expect(task.status, `${task.error ?? ''}\n${JSON.stringify(steps.slice(-6), null, 1)}`).toBe('done');
      const out = task.output as CodingOutput;
      expect(
        execFileSync('git', ['show', `${out.commit}:own.txt`], { cwd: baton.repo.repo, encoding: 'utf8' }),
      ).toBe('on my own login\n');
      // Its model calls went straight to the server its own config names (no metering endpoint).
      expect(servers.calls('codex', 'own-login').length).toBeGreaterThan(0);
      // Its own state folder was writable: it saved the session there.
      expect(existsSync(join(home, '.codex', 'sessions'))).toBe(true);
      expect(readdirSync(join(home, '.codex', 'sessions'), { recursive: true }).length).toBeGreaterThan(0);
      // The rest of the home was not: the write was refused and is a step of the attempt.
      expect(existsSync(join(home, 'not-codex.txt'))).toBe(false);
      const refused = steps.flatMap((s) => (s.kind === 'sandbox' ? [[s.blocked, s.target] as const] : []));
      expect(refused).toContainEqual(['write', join(home, 'not-codex.txt')]);
      const logs = await call<{ text: string }[]>(baton.app, 'runs.taskLogs', {
        run_id: detail.id,
        task_id: 'write',
      });
      const said = logs.map((l) => l.text).find((t) => t.startsWith('codex runs in the OS sandbox:'));
      expect(said).toContain(join(home, '.codex'));
    });
  },
);
