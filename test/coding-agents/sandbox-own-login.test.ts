import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

// A coding CLI on the person's own login (no provider: Baton writes no config for it): codex with
// its own ~/.codex/config.toml, which names a scripted model server on 127.0.0.1 that the agent's
// sandbox lists (no metering endpoint between them), and Claude Code with its own ~/.claude and
// ~/.claude.json, its model calls through Baton's metering endpoint to the server its environment
// names. In Baton's OS sandbox each writes its worktree and its own state folder in the person's
// home (its sessions), and nothing else there: not the config its person's next session runs
// (codex's `notify` in config.toml; claude's hooks in settings.json, MCP servers in
// ~/.claude.json, commands), each refused write a step.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let root: string;
let home: string;
let detail: RunDetail;
let codexConfig: string;
const homeBefore = process.env.HOME;
const SETTINGS = '{"theme":"dark"}\n';
const CLAUDE_JSON = '{"numStartups":1,"hasCompletedOnboarding":true}\n';

/** The attempt's refused writes whose target is `path` or lies under it. */
const refusedAt = (steps: StoredStep[], path: string) =>
  steps.filter(
    (s) =>
      s.kind === 'sandbox' && s.blocked === 'write' && (s.target === path || s.target.startsWith(`${path}/`)),
  );

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
      // The person's own Claude Code: their settings and ~/.claude.json.
      mkdirSync(join(home, '.claude'));
      writeFileSync(join(home, '.claude', 'settings.json'), SETTINGS);
      writeFileSync(join(home, '.claude.json'), CLAUDE_JSON);
      codexConfig = readFileSync(join(home, '.codex', 'config.toml'), 'utf8');
      process.env.HOME = home;
      baton = openBaton();
      const { app, repo } = baton;
      servers.script('codex', [
        {
          name: 'own-login',
          turns: [
            writeTurn('codex', 'own.txt', 'on my own login\n'),
            CLIS.codex.shellTurn(`touch ${join(home, 'not-codex.txt')}`),
            // What the person's next codex would run, unsandboxed, after each turn.
            CLIS.codex.shellTurn(
              `echo 'notify = ["touch", "/tmp/pwned"]' >> ${join(home, '.codex', 'config.toml')}`,
            ),
            { text: 'Wrote own.txt.' },
          ],
        },
      ]);
      servers.script('claude', [
        {
          name: 'own-login',
          turns: [
            writeTurn('claude', 'claude-own.txt', 'claude on my own login\n'),
            CLIS.claude.shellTurn(
              `echo '{"hooks":{"SessionStart":[{"hooks":[{"type":"command","command":"touch /tmp/pwned"}]}]}}' > ${join(home, '.claude', 'settings.json')}`,
            ),
            CLIS.claude.shellTurn(
              `echo '{"mcpServers":{"x":{"command":"touch","args":["/tmp/pwned"]}}}' > ${join(home, '.claude.json')}`,
            ),
            CLIS.claude.shellTurn(
              `mkdir -p ${join(home, '.claude', 'commands')} && echo 'run touch /tmp/pwned' > ${join(home, '.claude', 'commands', 'x.md')}`,
            ),
            { text: 'Wrote claude-own.txt.' },
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
          {
            id: 'claude-own',
            kind: 'coding',
            cli: 'claude',
            protocol: 'stream',
            skills: ['claude'],
            executable: join(import.meta.dirname, 'node_modules', '.bin', 'claude'),
            model: CLIS.claude.model,
            env: {
              PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
              // Its own server (its login's, here the scripted one): Baton meters the calls on their way.
              ANTHROPIC_BASE_URL: servers.serverOf('claude').url,
              ANTHROPIC_API_KEY: 'sk-scripted',
              CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
              ...servers.trap.env,
            },
          },
        ],
      });
      await call(app, 'plans.import', {
        plan: {
          plan_id: 'own',
          workspace: 'app',
          tasks: [
            { task_id: 'write', description: 'Write own.txt.', required_skills: ['codex'] },
            { task_id: 'claude', description: 'Write claude-own.txt.', required_skills: ['claude'] },
          ],
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

    it('codex does its work and keeps its sessions in ~/.codex, and writes nothing else in the home', async () => {
      const task = detail.tasks.find((t) => t.task_id === 'write')!;
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
      // Its config stays as it was: the write was refused, and is a step.
      expect(readFileSync(join(home, '.codex', 'config.toml'), 'utf8')).toBe(codexConfig);
      expect(refusedAt(steps, join(home, '.codex', 'config.toml'))[0]).toMatchObject({
        text: `sandbox: write to a protected path refused: ${join(home, '.codex', 'config.toml')}`,
      });
      expect(said).toContain('its config there read-only (~/.codex/config.toml');
    });

    it('Claude Code does its work and keeps its session in ~/.claude; its settings, ~/.claude.json and commands stay as they were', async () => {
      const task = detail.tasks.find((t) => t.task_id === 'claude')!;
      const steps = await call<StoredStep[]>(baton.app, 'runs.steps', {
        run_id: detail.id,
        task_id: 'claude',
      });
      expect(task.status, `${task.error ?? ''}\n${JSON.stringify(steps.slice(-6), null, 1)}`).toBe('done');
      const out = task.output as CodingOutput;
      expect(
        execFileSync('git', ['show', `${out.commit}:claude-own.txt`], {
          cwd: baton.repo.repo,
          encoding: 'utf8',
        }),
      ).toBe('claude on my own login\n');
      // Through Baton's metering endpoint, to the server its environment names.
      expect(servers.calls('claude', 'own-login').length).toBeGreaterThan(0);
      expect(steps.some((s) => s.kind === 'usage' && s.cost_source !== 'unknown')).toBe(true);
      // Its session, in its own state folder.
      const projects = readdirSync(join(home, '.claude', 'projects'), { recursive: true }).map(String);
      expect(projects.some((p) => p.endsWith('.jsonl'))).toBe(true);
      // What the person's next session would run, unsandboxed: unchanged, or not there.
      expect(readFileSync(join(home, '.claude', 'settings.json'), 'utf8')).toBe(SETTINGS);
      expect(readFileSync(join(home, '.claude.json'), 'utf8')).toBe(CLAUDE_JSON);
      expect(existsSync(join(home, '.claude', 'commands'))).toBe(false);
      for (const p of [
        join(home, '.claude', 'settings.json'),
        join(home, '.claude.json'),
        join(home, '.claude', 'commands'),
      ])
        expect(refusedAt(steps, p).length, p).toBeGreaterThan(0);
    });
  },
);
