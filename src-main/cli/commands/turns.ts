import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { ContractError } from '../../../src-shared/contract/errors.ts';
import type { TurnControl } from '../../../src-shared/steering.ts';
import { CliError } from '../files.ts';
import { printJson } from '../output.ts';

export interface TurnOptions {
  control: TurnControl;
  runId: string;
  taskId: string;
  actor: string;
  json: boolean;
}

/**
 * `baton interrupt|pause|resume <run> <task>`: Stop this turn, Pause, Resume of a task's running
 * coding agent (`runs.interrupt`, `runs.pause`, `runs.resume`), recorded with the person's name,
 * through the host serving the data directory as `baton say` is. Prints how the agent is held
 * now; a task not running, or an agent with no turn to stop, is exit 1 in the host's words.
 */
export async function turnCommand(client: BatonClient, o: TurnOptions): Promise<number> {
  const input = { run_id: o.runId, task_id: o.taskId, actor: o.actor };
  let done: Awaited<ReturnType<typeof send>>;
  try {
    done = await send(client, o.control, input);
  } catch (err) {
    // The task's state, not the command line, is what is wrong: exit 1, as a run that failed.
    if (err instanceof ContractError && (err.code === 'conflict' || err.code === 'not_found'))
      throw new CliError(err.message, 1);
    throw err;
  }
  if (o.json) printJson(done);
  else process.stdout.write(`${o.taskId}: ${done.says}\n`);
  return 0;
}

function send(
  client: BatonClient,
  control: TurnControl,
  input: { run_id: string; task_id: string; actor: string },
) {
  switch (control) {
    case 'interrupt':
      return client.invoke('runs.interrupt', input);
    case 'pause':
      return client.invoke('runs.pause', input);
    case 'resume':
      return client.invoke('runs.resume', input);
  }
}
