import type { TaskContext } from '../../engine/executor.ts';
import { type RecordedFile, readRecordedFileSync } from '../../files/recorded-file.ts';
import { truncateText } from '../shared/line-splitter.ts';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** Each dependency's output is cut to this many characters. */
export const MAX_DEPENDENCY_CHARS = 2_000;
/** The task's inputs are cut to this many characters. */
const MAX_INPUT_CHARS = 8_000;
/** Artifacts of dependencies up to this size are inlined (as text). */
const MAX_INLINE_BYTES = 256 * 1024;

/**
 * The chat for one task: a system prompt made of who the agent is (its charter: mission,
 * vision, values, expertise), and a user message with the task, its inputs and what the
 * tasks it depends on produced.
 */
export function buildChatMessages(ctx: Pick<TaskContext, 'task' | 'agent' | 'dependencies'>): ChatMessage[] {
  return [
    { role: 'system', content: systemPrompt(ctx.agent) },
    { role: 'user', content: userMessage(ctx) },
  ];
}

function systemPrompt(agent: TaskContext['agent']): string {
  const who = agent.name ? `${agent.name} (${agent.id})` : agent.id;
  const c = agent.charter;
  const lines = [`You are ${who}, an agent that carries out one task of a plan.`];
  if (c?.mission) lines.push('', `Mission: ${c.mission}`);
  if (c?.vision) lines.push('', `Vision: ${c.vision}`);
  if (c?.values.length) lines.push('', 'Values:', ...c.values.map((v) => `- ${v}`));
  if (c?.expertise.length) lines.push('', 'Expertise:', ...c.expertise.map((e) => `- ${e}`));
  if (agent.skills.length) lines.push('', `Skills: ${agent.skills.join(', ')}`);
  lines.push('', 'Do the task you are given and answer with the result itself, not a plan for it.');
  return lines.join('\n');
}

function userMessage(ctx: Pick<TaskContext, 'task' | 'dependencies'>): string {
  const { task } = ctx;
  const parts = [`Task ${task.task_id}:\n${task.description}`];
  if (task.inputs && Object.keys(task.inputs).length > 0) {
    parts.push(`Inputs:\n${truncateText(JSON.stringify(task.inputs, null, 2), MAX_INPUT_CHARS)}`);
  }
  if (ctx.dependencies.length > 0) {
    const results = ctx.dependencies.map(
      (d) =>
        `## ${d.task_id} (${d.status})\n${truncateText(asText(d.output), MAX_DEPENDENCY_CHARS)}${artifactsText(d.artifacts ?? [])}`,
    );
    parts.push(`Results of the tasks this one depends on:\n\n${results.join('\n\n')}`);
  }
  return parts.join('\n\n');
}

/**
 * Referenced artifacts: small text files inline (first 2,000 characters), others by name. A file
 * is read only as it was recorded (`readRecordedFileSync`): never through a link swapped in since.
 */
function artifactsText(artifacts: (RecordedFile & { name: string })[]): string {
  return artifacts
    .map((a) => {
      let body = `(${a.size} bytes)`;
      if (a.size <= MAX_INLINE_BYTES) {
        const got = readRecordedFileSync(a, MAX_INLINE_BYTES);
        if (!got.ok) body = `(${got.why})`;
        else {
          const text = got.head.toString('utf8');
          if (!text.includes('\u0000')) body = truncateText(text, MAX_DEPENDENCY_CHARS);
        }
      }
      return `\n### file ${a.name}\n${body}`;
    })
    .join('');
}

function asText(output: unknown): string {
  if (output === undefined || output === null) return '(no output)';
  if (typeof output === 'string') return output;
  return JSON.stringify(output, null, 2) ?? String(output);
}
