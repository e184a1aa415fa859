import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { stageLine } from '../../../src-shared/schemas/landing-stage.ts';
import { CliError } from '../files.ts';
import { printJson } from '../output.ts';

export interface LandOptions {
  runId: string;
  taskId: string | undefined;
  push: boolean;
  pr: boolean;
  base: string | undefined;
  title: string | undefined;
  draft: boolean;
  actor: string;
  json: boolean;
}

/**
 * `baton land <run>`: lands a run's work (or one done task's, `--task`) as its plan says, or now as
 * asked: `--push`, or `--pr` with `--base`, `--title` and `--draft`, what the app's Push and Open
 * pull request do. Prints each branch's landing; exit 1 when one did not land.
 */
export async function landCommand(client: BatonClient, o: LandOptions): Promise<number> {
  if (o.push && o.pr) throw new CliError('--push and --pr: give one (a pull request pushes its branch too)');
  if (!o.pr && (o.base !== undefined || o.title !== undefined || o.draft))
    throw new CliError('--base, --title and --draft are for a pull request: add --pr');
  if (o.taskId !== undefined && !o.push && !o.pr)
    throw new CliError('--task: say how it lands, --push or --pr');
  const how = o.pr ? ('pull_request' as const) : o.push ? ('push' as const) : undefined;
  const landings = await client.invoke('runs.land', {
    run_id: o.runId,
    ...(o.taskId !== undefined ? { task_id: o.taskId } : {}),
    ...(how ? { how, actor: o.actor } : {}),
    ...(o.base !== undefined ? { base: o.base } : {}),
    ...(o.title !== undefined ? { title: o.title } : {}),
    ...(o.draft ? { draft: true } : {}),
  });
  const shown = o.taskId === undefined ? landings : landings.filter((l) => l.task_id === o.taskId);
  if (o.json) printJson(shown);
  else if (shown.length === 0) process.stdout.write(`Nothing of run ${o.runId} lands.\n`);
  else
    for (const l of shown)
      process.stdout.write(
        `${l.task_id ?? 'run'}: ${stageLine(l)}${l.pr_url ? ` ${l.pr_url}` : ` (${l.branch})`}\n`,
      );
  return shown.some((l) => l.state === 'failed') ? 1 : 0;
}
