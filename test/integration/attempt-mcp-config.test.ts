import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { running, sleepTags } from '../../src-main/processes/testing/processes.ts';
import type { TaskAttempt } from '../../src-shared/schemas/run.ts';
import { launchAttemptChild } from '../kit/attempt-child-kit.ts';
import { call, eventually } from '../kit/engine-kit.ts';

// A claude coding agent whose tool calls a person approves (`tool_approvals: "inbox"`) is handed
// an MCP config holding its attempt's token. The token dies with the attempt; the file must go
// with it, however the attempt ends: done, failed, cancelled, or cut by a SIGKILL of Baton (then
// the process that takes the run up removes it). The CLI is a script that notes where its
// config is and acts as its agent's MODE says; Baton runs for real, on a real repository.

const DEADLINE = 60_000;
const tags = sleepTags();
const root = mkdtempSync(join(tmpdir(), 'baton-mcp-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A fake `claude`: appends `<BATON_ATTEMPT> <--mcp-config path>` to $CONFIGS once it has read its
 * token there, then: MODE=done prints a successful result, fail exits 3, hang becomes
 * `sleep $TAG`, hang-first hangs in its first attempt only, and hang-then-wait (best-of
 * candidates) hangs in the first and waits for the file $GO in later ones.
 */
const fakeClaude = join(root, 'claude');
writeFileSync(
  fakeClaude,
  `#!/bin/sh
prev=""; cfg=""
for a in "$@"; do [ "$prev" = "--mcp-config" ] && cfg="$a"; prev="$a"; done
grep -q '"Bearer bta_' "$cfg" && echo "$BATON_ATTEMPT $cfg" >> "$CONFIGS"
mode="$MODE"
case "$mode:$BATON_ATTEMPT" in hang-first:*/1|hang-then-wait:*/1/*) mode=hang ;; hang-first:*) mode=done ;; hang-then-wait:*) mode=wait ;; esac
case "$mode" in
  wait) while [ ! -e "$GO" ]; do sleep 0.05; done ;;
  fail) exit 3 ;;
  hang) exec sleep "$TAG" ;;
esac
echo '{"type":"system","subtype":"init","session_id":"s-1","model":"m"}'
echo '{"type":"result","subtype":"success","is_error":false,"result":"Nothing to change.","session_id":"s-1"}'
`,
);
chmodSync(fakeClaude, 0o755);

/** The configs the fake CLI was handed, by task and attempt (`<task>/<attempt>` → path). */
function configs(file: string): Map<string, string> {
  const seen = new Map<string, string>();
  if (!existsSync(file)) return seen;
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const [marker, path] = line.split(' ') as [string, string];
    seen.set(marker.split('/').slice(-2).join('/'), path);
  }
  return seen;
}

/** A data directory with a repository to work in, and a coding agent per mode (skill = mode). */
function scene(modes: string[], tag: string, task: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(root, 'data-'));
  const repo = makeRepo();
  onTestFinished(repo.cleanup);
  // The CLI's log is outside its worktree: a folder its sandbox lets it write.
  const logs = mkdtempSync(join(root, 'log-'));
  const log = join(logs, 'configs.log');
  const agents = modes.map((mode) => ({
    id: `claude-${mode}`,
    kind: 'coding',
    cli: 'claude',
    // The stream route's MCP config is what is checked (by default claude may run over ACP).
    protocol: 'stream',
    executable: fakeClaude,
    tool_approvals: 'inbox',
    skills: [mode],
    env: { MODE: mode, CONFIGS: log, TAG: tag, GO: join(logs, 'go') },
    sandbox: { write_allow: [logs] },
  }));
  const plan = {
    plan_id: 'p',
    workspace: 'app',
    tasks: modes.map((mode) => ({
      task_id: mode,
      description: `Attempt that ends: ${mode}`,
      required_skills: [mode],
      ...task,
    })),
  };
  return { dir, log, go: join(logs, 'go'), workspace: { id: 'app', path: repo.repo }, agents, plan };
}

function open(dir: string, resume: boolean): BatonApp {
  const app = createApp({ dataDir: dir, resume, log: () => {} });
  onTestFinished(() => app.close());
  // As a host serving /mcp would (nothing answers there: the fake CLI never calls it).
  app.mcpLinks.serveAt('http://127.0.0.1:9/mcp');
  return app;
}

describe.skipIf(process.platform !== 'linux')(
  "a claude attempt's MCP config (its token)",
  { timeout: 3 * DEADLINE },
  () => {
    it('is gone once the attempt ends done, failed or cancelled; no folder of it is left', async () => {
      const tag = tags.next();
      const s = scene(['done', 'fail', 'hang'], tag);
      const app = open(s.dir, false);
      await call(app, 'workspaces.add', s.workspace);
      await call(app, 'agents.import', { agents: s.agents });
      await call(app, 'plans.import', { plan: s.plan });
      const { run_id: run } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
      await eventually(() => configs(s.log).size === 3 && running(tag).length === 1, DEADLINE, 'three CLIs');
      await call(app, 'runs.cancelTask', { run_id: run, task_id: 'hang', actor: 'ops' });
      await app.engine.whenSettled(run);
      await app.coding.worktreesSettled();
      expect(app.store.runs.tasks(run).map((t) => [t.task_id, t.status])).toEqual([
        ['done', 'done'],
        ['fail', 'failed'],
        ['hang', 'cancelled'],
      ]);
      const given = configs(s.log);
      for (const path of given.values())
        await eventually(() => !existsSync(path), DEADLINE, `${path} to be removed`);
      // Nothing of the run is left where its worktrees were (no CLI home holding a dead token).
      expect(existsSync(join(s.dir, 'worktrees', run))).toBe(false);
    });

    it('is removed by the process that takes the run up when Baton was killed mid-attempt', async () => {
      const tag = tags.next();
      const s = scene(['hang-first'], tag);
      writeFileSync(join(s.dir, 'setup.json'), JSON.stringify(s));
      const owner = launchAttemptChild(s.dir, 30_000, DEADLINE);
      const run = await owner.line('RUN ');
      await eventually(
        () => configs(s.log).has('hang-first/1') && running(tag).length === 1,
        DEADLINE,
        'the CLI',
      );
      const first = configs(s.log).get('hang-first/1')!;
      process.kill(owner.pid, 'SIGKILL');
      await owner.exited;
      expect(existsSync(first)).toBe(true);

      const app = open(s.dir, true);
      expect(await app.engine.whenSettled(run)).toMatchObject({ status: 'completed' });
      const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', {
        run_id: run,
        task_id: 'hang-first',
      });
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'interrupted'],
        [2, 'done'],
      ]);
      await eventually(() => !existsSync(first), DEADLINE, "the killed attempt's config to be removed");
      await eventually(() => running(tag).length === 0, DEADLINE, "the killed attempt's CLI to stop");
      await app.coding.worktreesSettled();
      await eventually(
        () => !existsSync(configs(s.log).get('hang-first/2')!),
        DEADLINE,
        "attempt 2's config to go",
      );
      expect(existsSync(join(s.dir, 'worktrees', run))).toBe(false);
    });

    it("removes a killed best-of attempt's candidates' folders when the run is taken up, not the running attempt's", async () => {
      const tag = tags.next();
      const s = scene(['hang-then-wait'], tag, { attempts: 2 });
      writeFileSync(join(s.dir, 'setup.json'), JSON.stringify(s));
      const owner = launchAttemptChild(s.dir, 30_000, DEADLINE);
      const run = await owner.line('RUN ');
      const given = () => [...configs(s.log).entries()];
      await eventually(() => given().length === 2 && running(tag).length === 2, DEADLINE, 'both candidates');
      // Each candidate's own folder (its CLI's TMPDIR, its MCP config with its token) in the attempt's.
      const first = given().map(([, path]) => path);
      expect(first.map((p) => p.split('/').slice(-5, -1).join('/')).sort()).toEqual([
        '.baton/candidates/1/tmp',
        '.baton/candidates/2/tmp',
      ]);
      process.kill(owner.pid, 'SIGKILL');
      await owner.exited;
      for (const p of first) expect(existsSync(p)).toBe(true);

      const app = open(s.dir, true);
      // Attempt 2's candidates wait (for $GO) while attempt 1's folders are removed.
      await eventually(() => given().length === 4, DEADLINE, "attempt 2's candidates");
      const second = given()
        .map(([, path]) => path)
        .filter((p) => !first.includes(p));
      for (const p of first) await eventually(() => !existsSync(join(p, '..')), DEADLINE, `${p} to go`);
      for (const p of second) expect(existsSync(p)).toBe(true);
      writeFileSync(s.go, '');
      await app.engine.whenSettled(run);
      await eventually(() => running(tag).length === 0, DEADLINE, "the killed attempt's CLIs to stop");
      await app.coding.worktreesSettled();
      for (const p of second) await eventually(() => !existsSync(p), DEADLINE, `${p} to go`);
    });
  },
);
