import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { startGeminiServer } from '../kit/model-servers/gemini.ts';
import type { ModelRequest, ModelServer, Turn } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, markedProcesses, openBaton, startServers, worktreeOf } from './baton-kit.ts';

const bin = (name: string) => join(import.meta.dirname, 'node_modules', '.bin', name);
const COMMENT = 'Please also add a fix.txt file.';

/** Gemini CLI's write_file of `file` in the task's worktree. */
const write = (file: string, content: string): Turn => ({
  text: `Writing ${file}.`,
  tools: [
    {
      name: 'write_file',
      input: (req: ModelRequest) => ({ file_path: join(worktreeOf(req), file), content }),
    },
  ],
});

/**
 * Gemini CLI over ACP (the real CLI, offline against a scripted Gemini API), one task: the card a
 * person reads for each edit (it read "wants to Writing to notes.txt"), a denial, and a request
 * for changes whose attempt loads the session Gemini saved, or starts a new one where Gemini does
 * not find it. When it loads, Gemini CLI 0.61 answers `session/load` after the first update of
 * its replayed history and streams the rest after its answer: none of it is recorded again (the
 * earlier attempt's calls were recorded as new steps). acp-custom.test.ts replays that way from an
 * agent of its own, every time.
 */
describe.skipIf(!installed)('Gemini CLI over ACP', () => {
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
    await gemini?.close();
    await servers?.close();
  });

  it('says on the card what it edits, and goes on after request changes without recording its history again', async () => {
    const { app } = baton;
    const all = (req: ModelRequest) => req.texts.join('\n');
    const on = (name: string, test: (t: string) => boolean, turn: Turn) => ({
      name,
      match: (req: ModelRequest) => req.tools.length > 0 && test(all(req)),
      turns: Array.from({ length: 40 }, () => turn),
    });
    gemini.script([
      on('fixed', (t) => t.includes(COMMENT) && t.includes('fixed on request'), { text: 'Added fix.txt.' }),
      on('fix', (t) => t.includes(COMMENT), write('fix.txt', 'fixed on request\n')),
      on('done', (t) => t.includes('a second file'), { text: 'Wrote notes.txt.' }),
      on('extra', (t) => t.includes('notes from the model'), write('extra.txt', 'a second file\n')),
      on('notes', () => true, write('notes.txt', 'notes from the model\n')),
    ]);
    await call(app, 'agents.import', {
      agents: [
        {
          ...codingAgent(servers, 'qwen'),
          id: 'gemini-coder',
          name: 'gemini coder',
          cli: 'gemini',
          skills: ['gemini'],
          model: 'scripted-gemini',
          provider: { base_url: gemini.url },
          protocol: 'acp',
          executable: bin('gemini'),
          tool_approvals: 'inbox',
          review: 'diff',
        },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'g',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'Write notes.txt.', required_skills: ['gemini'] }],
      },
    });
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'g' })).run_id;
    const seen = new Set<string>();
    const next = async (kind: string): Promise<ApprovalView> => {
      let found: ApprovalView | undefined;
      await eventually(
        async () => {
          const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
          found = list.find((a) => a.kind === kind && !seen.has(a.id));
          return found !== undefined;
        },
        // A bound for a hung agent, not a timing.
        480_000,
        `an approval of kind ${kind}`,
      );
      seen.add(found!.id);
      return found!;
    };
    const decide = (approval_id: string, decision: string, comment?: string) =>
      call<Approval>(app, 'approvals.decide', { approval_id, decision, actor: 'Ana', comment });

    // The card says what the call does to what, the agent's own title after it.
    const first = await next('tool_call');
    expect(first.reason).toBe('gemini coder wants to edit notes.txt (Writing to notes.txt)');
    await decide(first.id, 'approve');
    const second = await next('tool_call');
    expect(second.reason).toBe('gemini coder wants to edit extra.txt (Writing to extra.txt)');
    await decide(second.id, 'reject', 'No second file.');
    const review = await next('diff_review');

    // Gemini keeps its session in the task's home: the next attempt loads it once it is written.
    const session = app.coding.store.sessions.get(runId, 't')?.session_id ?? '';
    const chats = join(baton.dir, 'worktrees', runId, 't', 'home', '.gemini', 'tmp');
    const saved = () =>
      existsSync(chats) &&
      readdirSync(chats, { recursive: true, encoding: 'utf8' }).some((f) => {
        if (!/\.jsonl?$/.test(f)) return false;
        const text = readFileSync(join(chats, f), 'utf8');
        return text.includes(session) && text.includes('Wrote notes.txt.');
      });
    await eventually(saved, 120_000, 'Gemini to save its session');
    // Its first process gone (it loads no session another process of it holds).
    await eventually(() => markedProcesses(runId).length === 0, 120_000, "the first attempt's Gemini to end");
    await decide(review.id, 'request_changes', COMMENT);
    const third = await next('tool_call');
    expect(third.reason).toBe('gemini coder wants to edit fix.txt (Writing to fix.txt)');
    await decide(third.id, 'approve');
    await decide((await next('diff_review')).id, 'approve');
    await app.engine.whenSettled(runId);

    const run = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    expect(run.tasks[0]).toMatchObject({ status: 'done', attempt: 2 });
    const logs = (await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: runId, task_id: 't' }))
      .map((l) => l.text)
      .join('\n');
    // Whether Gemini CLI finds its session in a new process is its own matter (it did not here,
    // mostly: "No previous sessions found for this project."); either way the log says which.
    expect(logs).toMatch(
      new RegExp(
        `gemini (loaded session ${session}: its \\d+ replayed updates|could not load session ${session})`,
      ),
    );
    const steps = (await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: 't' })).filter(
      (s) => s.attempt === 2,
    );
    // Attempt 2's steps are what it did, none of attempt 1's again: its one edit, its words.
    expect(steps.filter((s) => s.kind === 'tool_call').map((s) => s.kind === 'tool_call' && s.input)).toEqual(
      [{ title: 'Writing to fix.txt' }],
    );
    expect(JSON.stringify(steps)).not.toContain('[object Object]');
    expect(steps.flatMap((s) => (s.kind === 'message' && s.role === 'assistant' ? [s.text] : []))).toEqual([
      'Writing fix.txt.',
      'Added fix.txt.',
    ]);
  }, 900_000);
});
