import { costWords } from '../../../../src-shared/schemas/plain/run.ts';

/** One task a pull request carries, as its body lists it. */
export interface PrTask {
  task_id: string;
  description: string;
  agent_id: string | null;
  cost: number;
  /** Model calls of it whose cost is not known (its cost is then `cost` and more). */
  cost_unknown: number;
  files: number;
  additions: number;
  deletions: number;
}

export interface PrTextInput {
  plan: { plan_id: string; name?: string | undefined; goal?: string | undefined };
  run_id: string;
  /** The tasks it carries (one for a task's branch, the run's final ones for the run's branch). */
  tasks: readonly PrTask[];
  /** The run's whole cost (USD), as far as it is known, and its model calls of unknown cost. */
  run_cost: number;
  run_cost_unknown: number;
  /** A link back to the run in Baton, when Baton is served at an address; else its id is named. */
  run_url: string | null;
  /** The GitHub issue that started the run: the body says the pull request closes it. */
  closes?: { repo: string; number: number; url: string } | null;
  /** The repository the pull request is opened on (`owner/name`): an issue of another one is named with its repository. */
  repo?: string;
}

/**
 * The most a body may hold: GitHub refuses one over 65,536 characters (422 "body is too long"),
 * and every retry would build the same. Kept under it with room for what a forge adds.
 */
export const PR_BODY_MAX = 60_000;

const firstLine = (text: string, max: number) => {
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
};
const usd = (n: number) => `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;
/** Text put in a Markdown table cell: one line, no pipes. */
const cell = (s: string) => s.replace(/\s+/g, ' ').replaceAll('|', '\\|').trim();

/**
 * A pull request's title and body from the plan and its tasks: the title from the one task (or
 * the plan's name), the body with the plan's goal, each task with its agent, its change and cost,
 * the run's cost and a link back to the run.
 */
export function prText(input: PrTextInput): { title: string; body: string } {
  const planName = input.plan.name?.trim() || input.plan.plan_id;
  const only = input.tasks.length === 1 ? input.tasks[0] : undefined;
  const title = only
    ? `${firstLine(only.description, 80) || only.task_id} (${planName})`
    : `${planName}: run ${input.run_id}`;
  const lines: string[] = [];
  const issue = input.closes;
  if (issue) {
    const ref = issue.repo === input.repo ? `#${issue.number}` : `${issue.repo}#${issue.number}`;
    lines.push(`Closes ${ref} ([the issue](${issue.url}) started this run).`, '');
  }
  if (input.plan.goal?.trim()) lines.push(`**Goal:** ${input.plan.goal.trim()}`, '');
  lines.push('| Task | Agent | Change | Cost |', '| --- | --- | --- | --- |');
  const run = input.run_url ? `[run ${input.run_id}](${input.run_url})` : `run \`${input.run_id}\``;
  const tail = [
    '',
    `Run cost: ${costWords(input.run_cost, input.run_cost_unknown, usd)}.`,
    `Made by Baton: plan \`${input.plan.plan_id}\`, ${run}.`,
  ];
  // A run of many tasks lists as many as fit, and says how many more its run holds.
  const more = (n: number) => `| … and ${n} more task${n === 1 ? '' : 's'}: see ${run} | | | |`;
  let size =
    [...lines, ...tail].reduce((sum, l) => sum + l.length + 1, 0) + more(input.tasks.length).length + 1;
  for (let i = 0; i < input.tasks.length; i++) {
    const t = input.tasks[i]!;
    const row = `| \`${t.task_id}\`: ${cell(firstLine(t.description, 120))} | ${t.agent_id ?? '-'} | ${t.files} file${t.files === 1 ? '' : 's'}, +${t.additions} -${t.deletions} | ${costWords(t.cost, t.cost_unknown, usd)} |`;
    if (size + row.length + 1 > PR_BODY_MAX) {
      lines.push(more(input.tasks.length - i));
      break;
    }
    lines.push(row);
    size += row.length + 1;
  }
  lines.push(...tail);
  return { title: title.slice(0, 256), body: lines.join('\n') };
}
