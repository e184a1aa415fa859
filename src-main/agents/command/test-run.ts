import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentOf } from '../../../src-shared/schemas/agent.ts';
import type { AgentTestResult } from '../../../src-shared/schemas/agent-test-result.ts';
import { taskSpecSchema } from '../../../src-shared/schemas/plan.ts';
import { sandboxPolicyOf } from '../../../src-shared/schemas/sandbox.ts';
import { confine, exitOutside } from '../../sandbox/index.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import { redact, redactValue } from '../../secrets/secrets.ts';
import { truncateText } from '../shared/line-splitter.ts';
import { taskDocument } from '../shared/task-document.ts';
import { BATON_DIR } from '../shared/workspace-artifacts.ts';
import { buildEnv, fillArgs } from './command-args.ts';
import { runProcess } from './command-process.ts';
import { parseProtocolLine } from './command-protocol.ts';

/** The longest a test runs: a person is waiting for the answer on screen. */
export const TEST_TIMEOUT_S = 30;
/** Lines kept for the answer; the rest are counted. */
export const TEST_LINES = 20;
/** A kept line is cut past this many characters. */
const TEST_LINE_CHARS = 400;
/** A `::result` past this much JSON is answered as its beginning, a string. */
const TEST_RESULT_CHARS = 8 * 1024;

export interface AgentTestOptions {
  secrets: SecretResolver;
  /** What `{resources}` in args stands for: the command executor's folder. */
  resourcesDir: string;
  description?: string | undefined;
  /** Milliseconds, for the duration (injected in tests). */
  clock?: () => number;
  /** Between SIGTERM and SIGKILL when the time limit stops it. */
  graceMs?: number;
  /** Baton's own folders the program may not read (its sandbox hides them), as for a task. */
  hiddenFolders?: () => string[];
}

/**
 * Runs a command agent's program once with a sample task, the way the command executor runs a
 * task (command.ts: the same arguments, environment, context document on stdin and in
 * `.baton/context.json`, process runner and line protocol), in a scratch folder removed after,
 * under TEST_TIMEOUT_S (or the agent's own shorter timeout_s). Whatever the program does is the
 * answer, `ok` or not: nothing it does throws here, so nothing it does can end Baton.
 */
export async function testCommandAgent(
  agent: AgentOf<'command'>,
  opts: AgentTestOptions,
): Promise<AgentTestResult> {
  const clock = opts.clock ?? Date.now;
  const timeout_s = Math.min(agent.timeout_s ?? TEST_TIMEOUT_S, TEST_TIMEOUT_S);
  const task = taskSpecSchema.parse({
    task_id: 'agent-test',
    description:
      opts.description ?? `A test of ${agent.id} from Baton's Agents screen: answer briefly to show you run.`,
    required_skills: agent.skills.slice(0, 1),
  });
  const answer: AgentTestResult = {
    agent_id: agent.id,
    command: agent.command,
    ok: false,
    started: false,
    exit_code: null,
    signal: null,
    timed_out: false,
    timeout_s,
    duration_ms: 0,
    error: null,
    result: null,
    output: [],
    more_lines: 0,
    files: [],
    task: { task_id: task.task_id, description: task.description },
  };
  const built = buildEnv(agent.env, opts.secrets);
  if (!built.ok) return { ...answer, error: built.error };
  const clean = (text: string) => redact(text, built.secrets);

  const workspace = await mkdtemp(join(tmpdir(), 'baton-agent-test-'));
  const started = clock();
  try {
    const contextFile = join(workspace, BATON_DIR, 'context.json');
    const document = JSON.stringify(
      taskDocument({
        run_id: 'agent-test',
        plan_id: 'agent-test',
        project_id: null,
        delegation_task_id: 'agent-test',
        attempt: 1,
        task,
        agent,
        dependencies: [],
        workspace,
        secrets: opts.secrets,
      }),
    );
    await mkdir(join(workspace, BATON_DIR), { recursive: true });
    await writeFile(contextFile, document, { mode: 0o600 });
    const args = fillArgs(agent.args, {
      task_id: task.task_id,
      description: task.description,
      context_file: contextFile,
      workspace,
      attempt: 1,
      resources: opts.resourcesDir,
    });
    // In the agent's sandbox, as a task would run (its plan aside).
    const confined = await confine({
      policy: sandboxPolicyOf(agent.sandbox),
      command: agent.command,
      args,
      cwd: workspace,
      env: built.env,
      folders: [workspace],
      hide: opts.hiddenFolders?.() ?? [],
      owner: `agent "${agent.id}"`,
    });
    if (!confined.ok) {
      const why = confined.unstartable
        ? `cannot start "${agent.command}": ${confined.error}`
        : confined.error;
      return { ...answer, error: clean(why) };
    }
    const program = confined.program;
    const run = runProcess({
      command: program.command,
      args: program.args,
      cwd: workspace,
      env: program.env,
      stdin: document,
      signal: new AbortController().signal,
      graceMs: opts.graceMs ?? 2_000,
      timeoutMs: timeout_s * 1000,
    });
    let result: string | null = null;
    let reported: string | null = null;
    let lastStderr = '';
    try {
      for await (const { stream, line } of run.lines) {
        const p = stream === 'stdout' ? parseProtocolLine(line.text) : ({ kind: 'log' } as const);
        if (p.kind === 'result') result = p.json;
        if (p.kind === 'error') reported ??= truncateText(clean(p.message), TEST_LINE_CHARS);
        const text = truncateText(clean(line.text), TEST_LINE_CHARS, line.truncated);
        if (stream === 'stderr' && text.trim()) lastStderr = text;
        if (answer.output.length < TEST_LINES) answer.output.push({ stream, text });
        else answer.more_lines++;
      }
    } finally {
      run.stop();
    }
    const ran = await run.ended;
    await program.release();
    const end = { ...ran, ...exitOutside(program.sandboxed, ran.code, ran.signal) };
    answer.duration_ms = Math.max(0, clock() - started);
    answer.files = (await readdir(workspace)).filter((f) => f !== BATON_DIR).sort();
    if (end.spawnError !== null)
      return { ...answer, error: clean(`cannot start "${agent.command}": ${end.spawnError}`) };
    answer.started = true;
    answer.exit_code = end.code;
    answer.signal = end.signal;
    answer.timed_out = end.stopped === 'timeout';
    const parsed = result === null ? null : parseResult(result, built.secrets);
    if (parsed) answer.result = parsed.value;
    answer.error = answer.timed_out
      ? `no answer within ${timeout_s} s: stopped`
      : parsed?.error
        ? parsed.error
        : reported !== null
          ? `it reported an error: ${reported}`
          : end.code !== 0
            ? `${end.signal ? `killed by signal ${end.signal}` : `exited with code ${end.code}`}${lastStderr ? `: ${lastStderr}` : ''}`
            : null;
    answer.ok = answer.error === null;
    return answer;
  } catch (err) {
    answer.duration_ms = Math.max(0, clock() - started);
    return { ...answer, error: clean(`the test could not run: ${(err as Error).message}`) };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/** `::result`'s JSON, parsed (its beginning as text when long); an error when it is not JSON, as a task would fail. */
function parseResult(json: string, secrets: string[]): { value: unknown; error?: string } {
  try {
    const value = redactValue(JSON.parse(json), secrets);
    return json.length > TEST_RESULT_CHARS
      ? { value: redact(truncateText(json, TEST_RESULT_CHARS), secrets) }
      : { value };
  } catch {
    return { value: null, error: redact(`::result is not valid JSON: ${truncateText(json, 200)}`, secrets) };
  }
}
