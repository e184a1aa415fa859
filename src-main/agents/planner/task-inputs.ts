import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import type { TaskInputSource, TaskInputsDecl } from '../../../src-shared/schemas/task-inputs.ts';
import { DEFAULT_SKILL_KEYWORDS, escapeRegExp } from './skill-keywords.ts';

type DraftTask = PlanInput['tasks'][number];
type TaskInputDecl = TaskInputsDecl[string];

/** A required input a drafted task's agents declare, which the request does not give. */
export interface MissingInput {
  task_id: string;
  /** The input's name (the task's `inputs.<input>`). */
  input: string;
  /** The candidate agents that need it. */
  agents: string[];
  message: string;
}

/**
 * Gives each drafted task the inputs its candidate agents declare (`task_inputs`: the agents
 * that have all its skills, or the one it pins): a value the task already has stays; else the
 * request's `context` value of that name; else what the input's `from` finds in the task's
 * description (its step of the sentence). Returns the required inputs found nowhere, one per
 * task and input, naming the agents that need them: such a task would fail when it runs.
 */
export function giveTaskInputs(
  tasks: DraftTask[],
  agents: readonly Agent[],
  context: Readonly<Record<string, unknown>> = {},
  keywords: Readonly<Record<string, readonly string[]>> = DEFAULT_SKILL_KEYWORDS,
): MissingInput[] {
  const missing: (Omit<MissingInput, 'message'> & { decl: TaskInputDecl })[] = [];
  for (const task of tasks) {
    const skills = task.required_skills ?? [];
    const candidates = agents.filter((a) =>
      task.agent ? a.id === task.agent : skills.every((s) => a.skills.includes(s)),
    );
    const given: [string, unknown][] = [];
    const has = (name: string) =>
      (task.inputs !== undefined && Object.hasOwn(task.inputs, name)) || given.some(([n]) => n === name);
    for (const agent of candidates) {
      for (const [name, decl] of Object.entries(agent.task_inputs ?? {})) {
        if (has(name)) continue;
        const value = Object.hasOwn(context, name)
          ? context[name]
          : decl.from && derive(decl.from, task.description, keywords);
        if (value !== undefined && value !== '') given.push([name, value]);
        else if (decl.required) {
          const known = missing.find((m) => m.task_id === task.task_id && m.input === name);
          if (known) known.agents.push(agent.id);
          else missing.push({ task_id: task.task_id, input: name, agents: [agent.id], decl });
        }
      }
    }
    // Built as data properties: an input named like an Object.prototype key stays an input.
    if (given.length > 0) task.inputs = { ...task.inputs, ...Object.fromEntries(given) };
  }
  return missing.map(({ decl, ...m }) => ({ ...m, message: missingMessage(m, tasks, decl) }));
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const ARTICLE = /^(?:the|a|an|some)\s+/i;

/** What `from` finds in a task's description; undefined when nothing. */
function derive(
  from: TaskInputSource,
  description: string,
  keywords: Readonly<Record<string, readonly string[]>>,
): string | undefined {
  const text = description.trim().replace(/\s+/g, ' ');
  switch (from) {
    case 'description':
      return text || undefined;
    case 'email':
      return EMAIL.exec(text)?.[0];
    case 'subject':
      return subjectOf(text, keywords) || undefined;
  }
}

/** The step without its action word and a leading article: "Research the best laptops" → "best laptops". */
function subjectOf(text: string, keywords: Readonly<Record<string, readonly string[]>>): string {
  const words = Object.values(keywords)
    .flat()
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const action = new RegExp(`^(?:${words.join('|')})(?:s|es|ed|ing)?(?![a-z])\\s*`, 'i');
  return text.replace(action, '').replace(ARTICLE, '').trim();
}

function missingMessage(
  m: Omit<MissingInput, 'message'>,
  tasks: DraftTask[],
  decl: TaskInputsDecl[string],
): string {
  const task = tasks.find((t) => t.task_id === m.task_id)!;
  const step = task.description.length > 80 ? `${task.description.slice(0, 79)}…` : task.description;
  const what = `${m.task_id} ("${step}") needs inputs.${m.input} for ${m.agents.join(', ')}${decl.description ? ` (${decl.description})` : ''}`;
  const where: Record<TaskInputSource, string> = {
    subject: 'names no subject',
    description: 'is empty',
    email: 'holds no email address',
  };
  return decl.from
    ? `${what}: its step ${where[decl.from]}; say it in the request, or give context.${m.input}`
    : `${what}: give context.${m.input}`;
}
