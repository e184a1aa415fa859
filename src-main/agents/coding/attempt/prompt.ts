import { checkVerdict } from '../../../../src-shared/schemas/checks.ts';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingContext, ResumeRequest, TaskContext } from '../../../engine/executor.ts';
import { truncateText } from '../../shared/line-splitter.ts';
import type { FileHead } from '../workspaces/index.ts';

/** A non-coding dependency's output, and the task's inputs, are cut to these many characters. */
const MAX_OUTPUT_CHARS = 4_000;
const MAX_INPUT_CHARS = 8_000;
/** Files of one dependency listed by name, and given with their first lines. */
const MAX_FILES_LISTED = 50;
export const MAX_HEADS = 12;
/** Lines of each changed file a dependent is shown. */
export const HEAD_LINES = 30;

/** The first lines of the files each coding dependency changed, by its task id. */
export type DependencyHeads = ReadonlyMap<string, readonly FileHead[]>;

const statsOf = (o: CodingOutput) =>
  `${o.files.length} file${o.files.length === 1 ? '' : 's'} changed (+${o.additions} -${o.deletions})`;

function charter(ctx: Pick<TaskContext, 'agent'>): string[] {
  const { agent } = ctx;
  const who = agent.name ? `${agent.name} (${agent.id})` : agent.id;
  const c = agent.charter;
  const lines = [`You are ${who}, a coding agent that carries out one task of a plan.`];
  if (c?.mission) lines.push(`Mission: ${c.mission}`);
  if (c?.vision) lines.push(`Vision: ${c.vision}`);
  if (c?.values.length) lines.push('Values:', ...c.values.map((v) => `- ${v}`));
  if (c?.expertise.length) lines.push('Expertise:', ...c.expertise.map((e) => `- ${e}`));
  return lines;
}

function where(coding: CodingContext, dir: string, from: string[]): string {
  const start =
    from.length > 0 ? `the branches of ${from.join(', ')} merged` : `${coding.workspace.base_branch}`;
  return [
    `You work in a git worktree of the repository "${coding.workspace.id}", your working directory ${dir}, on branch ${coding.branch}, started from ${start}.`,
    'Make the changes the task asks for in this folder. You may commit; whatever you leave uncommitted is committed for you when you finish.',
  ].join(' ');
}

function dependencySection(ctx: TaskContext, heads: DependencyHeads): string | null {
  if (ctx.dependencies.length === 0) return null;
  const parts = ctx.dependencies.map((d) => {
    const out = d.output;
    if (!isCodingOutput(out)) {
      const text = typeof out === 'string' ? out : JSON.stringify(out ?? null, null, 2);
      return `## ${d.task_id} (${d.status})\n${truncateText(text, MAX_OUTPUT_CHARS)}`;
    }
    const lines = [
      `## ${d.task_id} (${d.status}): branch ${out.branch} at ${out.commit.slice(0, 12)}, ${statsOf(out)}`,
    ];
    if (out.summary) lines.push(truncateText(out.summary, MAX_OUTPUT_CHARS));
    if (out.checks && out.checks.length > 0)
      lines.push(`Its checks: ${out.checks.map((c) => `${c.name} ${checkVerdict(c)}`).join(', ')}`);
    for (const f of out.files.slice(0, MAX_FILES_LISTED))
      lines.push(
        `- ${f.path} (${f.status}${f.additions === null ? ', binary' : `, +${f.additions} -${f.deletions}`})`,
      );
    if (out.files.length > MAX_FILES_LISTED)
      lines.push(`- … and ${out.files.length - MAX_FILES_LISTED} more`);
    for (const h of heads.get(d.task_id) ?? []) {
      if ('skipped' in h) continue;
      lines.push(
        `First lines of ${h.path}:`,
        '```',
        h.text.replace(/\n$/, ''),
        h.truncated ? '… (more)\n```' : '```',
      );
    }
    return lines.join('\n');
  });
  return `What the tasks this one depends on produced (their changes are in your branch):\n\n${parts.join('\n\n')}`;
}

/** The prompt of a new session: charter, where it works, the task and its inputs, what its dependencies produced. */
export function firstPrompt(
  ctx: TaskContext,
  coding: CodingContext,
  dir: string,
  from: string[],
  heads: DependencyHeads,
): string {
  const { task } = ctx;
  const parts = [
    charter(ctx).join('\n'),
    where(coding, dir, from),
    `Task ${task.task_id}:\n${task.description}`,
  ];
  if (task.inputs && Object.keys(task.inputs).length > 0)
    parts.push(`Inputs:\n${truncateText(JSON.stringify(task.inputs, null, 2), MAX_INPUT_CHARS)}`);
  const deps = dependencySection(ctx, heads);
  if (deps) parts.push(deps);
  // A new session in a worktree an interrupted attempt worked in (its CLI had not named its session).
  if (coding.resume?.reason === 'interrupted')
    parts.push(
      'An earlier attempt at this task was interrupted (Baton restarted); what it changed is in this worktree. Go on from there.',
    );
  // A reviewer's request, or kept work resumed, for a new session (no session to resume): the earlier work is in the worktree.
  if (
    coding.resume?.reason === 'changes_requested' ||
    coding.resume?.reason === 'kept_work' ||
    coding.resume?.reason === 'checks_failed' ||
    coding.resume?.reason === 'pr_feedback'
  )
    parts.push(resumePrompt(ctx, coding.resume));
  // A retry after an attempt that did not finish: its work is in the worktree, uncommitted.
  if (!coding.resume && coding.earlier && !coding.start_clean)
    parts.push(
      `An earlier attempt at this task (attempt ${coding.earlier.attempt}) ended without finishing (${coding.earlier.ended}); what it changed is in this worktree. Go on from there, or undo what is wrong in it.`,
    );
  return parts.join('\n\n');
}

/** The next prompt of a resumed session: why it goes on. */
export function resumePrompt(ctx: TaskContext, resume: ResumeRequest): string {
  if (resume.reason === 'checks_failed' || resume.reason === 'pr_feedback') return resume.prompt;
  if (resume.reason === 'interrupted')
    return `Baton restarted while you worked on task ${ctx.task.task_id}; continue where you left off and finish the task. Your changes so far are in the worktree, your working directory.`;
  if (resume.reason === 'kept_work')
    return `Your earlier attempt at task ${ctx.task.task_id} (attempt ${resume.attempt} of run ${resume.run_id}) ended without finishing (${resume.ended}). Its work was kept: it is committed on this branch, in your working directory, as a work-in-progress commit nobody has reviewed. A person asked you to go on from there: check what is done, fix what is wrong and finish the task.`;
  const lines = [
    `A reviewer asked for changes to your work on task ${ctx.task.task_id}:`,
    resume.comment.trim() || '(no comment)',
  ];
  if (resume.line_comments.length > 0) {
    lines.push('', 'Comments on lines of the diff:');
    for (const c of resume.line_comments)
      lines.push(`- ${c.path}:${c.line}${c.side === 'old' ? ' (old side)' : ''}: ${c.body}`);
  }
  lines.push('', 'Make these changes in the same worktree.');
  return lines.join('\n');
}

/** What people undid in the worktree since the agent's last turn (reverts to a turn's checkpoint), said before the prompt; '' when nothing. */
export function undoneNote(undone: readonly string[]): string {
  if (undone.length === 0) return '';
  return `Since your last turn, people changed your worktree:\n${undone.map((u) => `- ${u}`).join('\n')}\n\n`;
}
