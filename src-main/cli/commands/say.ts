import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { ContractError } from '../../../src-shared/contract/errors.ts';
import { CliError } from '../files.ts';
import { printJson } from '../output.ts';

export interface SayOptions {
  runId: string;
  taskId: string;
  text: string;
  actor: string;
  json: boolean;
}

/**
 * `baton say <run> <task> "text"`: a person's words to a task's running agent (`runs.say`),
 * recorded with their name. Prints how they reached it ("Claude Code: sent into this turn");
 * a task not running, or an agent that takes no messages now, is exit 1 in the host's words.
 */
export async function sayCommand(client: BatonClient, o: SayOptions): Promise<number> {
  let said: Awaited<ReturnType<typeof send>>;
  try {
    said = await send(client, o);
  } catch (err) {
    // The task's state, not the command line, is what is wrong: exit 1, as a run that failed.
    if (err instanceof ContractError && (err.code === 'conflict' || err.code === 'not_found'))
      throw new CliError(err.message, 1);
    throw err;
  }
  if (o.json) printJson(said);
  else process.stdout.write(`${said.says} (${o.taskId}, attempt ${said.attempt})\n`);
  return 0;
}

const send = (client: BatonClient, o: SayOptions) =>
  client.invoke('runs.say', { run_id: o.runId, task_id: o.taskId, text: o.text, actor: o.actor });
