import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { startGeminiServer } from '../kit/model-servers/gemini.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { Conversation, ModelRequest, ModelServer, Turn } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, worktreeOf, writeTurn } from './baton-kit.ts';

const DENIAL = 'No second file: keep the change small.';
const COMMENT = 'Please also add a fix.txt file.';
/** What each write puts in its file: the script tells the phases of a task apart by them. */
const NOTES = 'notes from the model';
const EXTRA = 'a second file';
const FIXED = 'fixed on request';
const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);

type Three = 'gemini' | 'qwen' | 'opencode';
const THREE: Three[] = ['gemini', 'qwen', 'opencode'];

/** Each agent's own file-write tool, its path absolute in the task's worktree. */
function write(cli: Three, file: string, content: string): Turn {
  const input = (req: ModelRequest) => {
    const path = join(worktreeOf(req), file);
    return cli === 'opencode' ? { filePath: path, content } : { file_path: path, content };
  };
  return { text: `Writing ${file}.`, tools: [{ name: cli === 'opencode' ? 'write' : 'write_file', input }] };
}

/**
 * A script that answers by what the conversation holds, not by how many model turns it has (the
 * agents differ in how many calls a denied tool call and a resumed session take): first it writes
 * notes.txt, then extra.txt; after the reviewer's comment, fix.txt; otherwise it says it is done.
 */
export function phases(cli: Three, extra: (req: ModelRequest) => boolean = () => true): Conversation[] {
  const all = (req: ModelRequest) => req.texts.join('\n');
  const many = (turn: Turn) => Array.from({ length: 40 }, () => turn);
  const on = (name: string, test: (text: string) => boolean, turn: Turn): Conversation => ({
    name,
    match: (req) => req.tools.length > 0 && extra(req) && test(all(req)),
    turns: many(turn),
  });
  return [
    on('fixed', (t) => t.includes(COMMENT) && t.includes(FIXED), { text: 'Added fix.txt as asked.' }),
    on('fix', (t) => t.includes(COMMENT), write(cli, 'fix.txt', `${FIXED}\n`)),
    on('done', (t) => t.includes(EXTRA), { text: 'Wrote notes.txt.' }),
    on('extra', (t) => t.includes(NOTES), write(cli, 'extra.txt', `${EXTRA}\n`)),
    on('notes', () => true, write(cli, 'notes.txt', `${NOTES}\n`)),
  ];
}

/**
 * Gemini CLI, qwen-code and opencode over the Agent Client Protocol through Baton's route
 * (`protocol: "acp"`, Baton's launches in src-main/agents/coding/clis/<cli>/acp.ts), three tasks of
 * one plan in parallel, each with `tool_approvals: "inbox"`: one edit approved from the inbox (it
 * lands on the task's branch), one denied with a message the model reads, and a request for
 * changes that goes on in the same session (qwen, opencode: `session/load`) or, for Gemini CLI,
 * whose `session/load` fails in a new process, in a new session given the task again, as the log says.
 * Then a plan of Claude Code, qwen-code and opencode over ACP and an `llm` agent as a DAG: the
 * third builds on the first two's branches merged, the `llm` agent reads its result.
 */
describe.skipIf(!installed)('Gemini CLI, qwen-code and opencode over ACP', () => {
  let servers: Servers;
  let gemini: ModelServer;
  let baton: ReturnType<typeof openBaton>;

  beforeAll(async () => {
    servers = await startServers();
    gemini = await startGeminiServer({});
    baton = openBaton();
    await call(baton.app, 'workspaces.add', { id: 'app', path: baton.repo.repo });
  });
  afterAll(async () => {
    await baton?.close();
    await new Promise((r) => setTimeout(r, 300));
    if (baton) rmSync(baton.dir, { recursive: true, force: true });
    await gemini?.close();
    await servers?.close();
  });

  /** The agents of the three, `<cli>-coder` with skill `<cli>`. */
  function agents() {
    const base = codingAgent(servers, 'qwen');
    return THREE.map((cli) => ({
      ...(cli === 'gemini'
        ? {
            ...base,
            id: 'gemini-coder',
            name: 'gemini coder',
            cli: 'gemini',
            skills: ['gemini'],
            model: 'scripted-gemini',
            provider: { base_url: gemini.url },
          }
        : codingAgent(servers, cli)),
      protocol: 'acp',
      executable: bin(cli),
      tool_approvals: 'inbox',
      review: 'diff',
    }));
  }

  const calls = (cli: Three) =>
    cli === 'gemini'
      ? gemini.modelCalls().filter((c) => c.request)
      : servers
          .serverOf(cli)
          .modelCalls()
          .filter((c) => c.request?.model.endsWith(`scripted-${cli}`));

  it('for each: asks the inbox, lands the approved edit, tells the model the denial, goes on after request changes', async () => {
    const { app } = baton;
    for (const cli of ['qwen', 'opencode'] as const) servers.script(cli, phases(cli));
    gemini.script(phases('gemini'));
    await call(app, 'agents.import', { agents: agents() });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'three',
        workspace: 'app',
        tasks: THREE.map((cli) => ({
          task_id: cli,
          description: 'Write notes.txt.',
          required_skills: [cli],
        })),
      },
    });
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'three' })).run_id;

    const seen = new Set<string>();
    const next = async (task: string, kind: string): Promise<ApprovalView> => {
      let found: ApprovalView | undefined;
      await eventually(
        async () => {
          const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
          found = list.find((a) => a.kind === kind && a.task_id === task && !seen.has(a.id));
          if (found) return true;
          const t = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks.find(
            (x) => x.task_id === task,
          );
          if (t?.status === 'failed') throw new Error(`task ${task} failed: ${t.error}`);
          return false;
        },
        // A bound for a hung agent, not a timing: three CLIs at once on a busy 2-core machine are slow.
        480_000,
        `an approval of kind ${kind} for ${task}`,
      );
      seen.add(found!.id);
      return found!;
    };
    const decide = (approval_id: string, decision: string, comment?: string) =>
      call<Approval>(app, 'approvals.decide', { approval_id, decision, actor: 'Ana', comment });

    const firstSession = new Map<Three, string>();
    const drive = async (cli: Three) => {
      const first = await next(cli, 'tool_call');
      expect(first.tool_call).toMatchObject({ attempt: 1, agent_id: `${cli}-coder` });
      expect(JSON.stringify(first.tool_call!.input)).toContain(NOTES);
      await decide(first.id, 'approve');
      const second = await next(cli, 'tool_call');
      expect(JSON.stringify(second.tool_call!.input)).toContain(EXTRA);
      await decide(second.id, 'reject', DENIAL);
      const review = await next(cli, 'diff_review');
      // The model read the denial in a later request.
      const texts = calls(cli)
        .map((c) => c.request!.texts.join('\n'))
        .join('\n');
      expect(texts, cli).toContain(`Denied by Ana: ${DENIAL}`);
      firstSession.set(cli, app.coding.store.sessions.get(runId, cli)?.session_id ?? '');
      await decide(review.id, 'request_changes', COMMENT);
      const third = await next(cli, 'tool_call');
      expect(third.tool_call).toMatchObject({ attempt: 2 });
      expect(JSON.stringify(third.tool_call!.input)).toContain(FIXED);
      await decide(third.id, 'approve');
      await decide((await next(cli, 'diff_review')).id, 'approve');
    };
    await Promise.all(THREE.map(drive));

    await app.engine.whenSettled(runId);
    await app.coding.worktreesSettled();
    const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
    for (const cli of THREE) {
      const task = d.tasks.find((t) => t.task_id === cli)!;
      expect(task.status, `${cli}: ${task.error ?? ''}`).toBe('done');
      const out = task.output as CodingOutput;
      expect(out.files.map((f) => f.path).sort(), cli).toEqual(['fix.txt', 'notes.txt']);
      expect(git(['show', `${out.commit}:notes.txt`])).toBe(NOTES);
      expect(git(['show', `${out.commit}:fix.txt`])).toBe(FIXED);
      const steps = app.store.steps.list(runId, cli) as StoredStep[];
      const toolCalls = steps.filter((s) => s.kind === 'tool_call');
      // Each call by the file it wrote (an agent may make more calls than the script's, as a model
      // call it retries on a slow machine): the approved one ran, the denied one stayed denied.
      const shown = `${cli}: ${JSON.stringify(toolCalls.map((s) => [s.attempt, s.seq, s.call_id, s.status, s.input]))}`;
      const byInput = (text: string) =>
        toolCalls
          .filter((s) => s.attempt === 1 && JSON.stringify(s.input).includes(text))
          .map((s) => s.status);
      expect(byInput('notes.txt'), shown).toContain('done');
      expect(byInput('extra.txt'), shown).toEqual(['denied']);
      const logs = async () =>
        (await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: runId, task_id: cli }))
          .map((l) => l.text)
          .join('\n');
      const last = calls(cli).at(-1)!.request!.texts.join('\n');
      expect(last, cli).toContain(COMMENT);
      const first = firstSession.get(cli);
      expect(first, cli).toBeTruthy();
      // Gemini CLI often cannot load its session in a new process (whether its first process had
      // written the session out before it ended is Gemini's own timing: on a busy machine it has):
      // Baton says so and starts a new session in the same worktree, given the task again with the
      // comment; the model does not see the earlier conversation. Either way is checked as it went.
      if (cli === 'gemini' && out.session_id !== first) {
        // The task's log is written behind the run: wait for the line.
        await expect.poll(logs).toContain(`gemini could not load session ${first}`);
        expect(last).toContain('Write notes.txt.');
        expect(last).not.toContain('Wrote notes.txt.');
        // The trace shows the prompt as sent to the new session.
        const asked = steps.filter((s) => s.kind === 'message' && s.role === 'user' && s.attempt === 2);
        const said = asked[0]?.kind === 'message' ? asked[0].text : '';
        expect(said).toContain('Task gemini:\nWrite notes.txt.');
        expect(said).toContain(COMMENT);
      } else {
        // The same session, loaded again: the model saw the first turns and the comment.
        expect(out.session_id, cli).toBe(first);
        await expect.poll(logs).toContain(`loading session ${first}`);
        expect(last).toContain('Wrote notes.txt.');
      }
    }
    expect(servers.phoneHome()).toEqual([]);
  }, 900_000);

  it('runs a plan of three ACP agents and an llm agent as a DAG: the third builds on the first two merged, the llm agent reads its result', async () => {
    const { app } = baton;
    const turns = (cli: 'claude' | 'qwen' | 'opencode', file: string) => [
      { name: 'dag', turns: [writeTurn(cli, file, `from ${cli}\n`), { text: `Wrote ${file}.` }] },
    ];
    servers.script('claude', turns('claude', 'a.txt'));
    servers.script('qwen', turns('qwen', 'b.txt'));
    servers.script('opencode', turns('opencode', 'c.txt'));
    const llm = await startChatServer({
      conversations: [
        { name: 'read', match: () => true, turns: [{ text: 'c.txt builds on a.txt and b.txt.' }] },
      ],
    });
    try {
      const acp = (cli: 'claude' | 'qwen' | 'opencode', program: string) => ({
        ...codingAgent(servers, cli),
        id: `dag-${cli}`,
        name: `dag ${cli}`,
        skills: [`dag-${cli}`],
        protocol: 'acp',
        executable: bin(program),
      });
      await call(app, 'agents.import', {
        agents: [
          acp('claude', 'claude-agent-acp'),
          acp('qwen', 'qwen'),
          acp('opencode', 'opencode'),
          {
            id: 'reader',
            kind: 'llm',
            skills: ['read'],
            base_url: `${llm.url}/v1`,
            model: 'tiny',
            max_retries: 0,
          },
        ],
      });
      await call(app, 'plans.import', {
        plan: {
          plan_id: 'dag',
          workspace: 'app',
          tasks: [
            { task_id: 'a', description: 'Write a.txt.', required_skills: ['dag-claude'] },
            { task_id: 'b', description: 'Write b.txt.', required_skills: ['dag-qwen'] },
            {
              task_id: 'c',
              description: 'Write c.txt next to a.txt and b.txt.',
              required_skills: ['dag-opencode'],
              depends_on: ['a', 'b'],
            },
            { task_id: 'd', description: 'Say what c did.', required_skills: ['read'], depends_on: ['c'] },
          ],
        },
      });
      const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'dag' })).run_id;
      await app.engine.whenSettled(runId);
      await app.coding.worktreesSettled();
      const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
      const task = (id: string) => d.tasks.find((t) => t.task_id === id)!;
      for (const id of ['a', 'b', 'c', 'd'])
        expect(task(id).status, `${id}: ${task(id).error ?? ''}`).toBe('done');
      const git = (args: string[]) =>
        execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
      const c = task('c').output as CodingOutput;
      // C's branch holds A's and B's files, merged, and its own.
      expect(git(['ls-tree', '--name-only', c.commit!]).split('\n')).toEqual(
        expect.arrayContaining(['a.txt', 'b.txt', 'c.txt']),
      );
      expect(git(['show', `${c.commit}:a.txt`])).toBe('from claude');
      expect(git(['show', `${c.commit}:b.txt`])).toBe('from qwen');
      expect(git(['show', `${c.commit}:c.txt`])).toBe('from opencode');
      // A and B ran at the same time: each started before the other finished.
      const [a, b] = [task('a'), task('b')];
      expect(a.started_at! < b.finished_at! && b.started_at! < a.finished_at!).toBe(true);
      // D, the llm agent, was given C's result.
      const asked = llm
        .modelCalls('read')
        .map((r) => r.request!.texts.join('\n'))
        .join('\n');
      expect(asked).toContain('c.txt');
      expect(asked).toContain(c.branch);
      expect(JSON.stringify(task('d').output)).toContain('c.txt builds on a.txt and b.txt.');
      expect(servers.phoneHome()).toEqual([]);
    } finally {
      await llm.close();
    }
  });
});
