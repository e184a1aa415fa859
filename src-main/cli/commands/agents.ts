import { codingRoute, routeLabel } from '../../../src-shared/coding-route.ts';
import type { BatonClient } from '../../../src-shared/contract/client.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import { checksCount, winsCount } from '../../../src-shared/schemas/skill-record.ts';
import { readJsonFile } from '../files.ts';
import { printJson, printTable } from '../output.ts';
import { sandboxColumn } from './sandbox-column.ts';

/** `baton agents import`: the file is read before `connect` reaches the data directory (or a host). */
export async function agentsImport(connect: () => Promise<BatonClient>, file: string): Promise<number> {
  const agents = readJsonFile(file, 'agents file');
  const saved = await (await connect()).invoke('agents.import', { agents });
  process.stdout.write(
    `Imported ${saved.length} agent${saved.length === 1 ? '' : 's'}: ${saved.map((a) => a.id).join(', ')}\n`,
  );
  return 0;
}

export async function agentsList(client: BatonClient, json: boolean): Promise<number> {
  const agents = await client.invoke('agents.list', {});
  if (json) {
    printJson(agents);
    return 0;
  }
  if (agents.length === 0) {
    process.stdout.write('No agents registered. Add some with: baton agents import <agents.json>\n');
    return 0;
  }
  const sandbox = await client.invoke('agents.sandbox', {});
  const facts = agents.some((a) => a.kind === 'coding')
    ? { claudeAcp: (await client.invoke('agents.routeFacts', {})).claude_acp }
    : { claudeAcp: false };
  const rows = agents.map((a) => [
    a.id,
    a.kind,
    a.status,
    String(a.max_concurrency),
    agentSandbox(a, sandbox.available),
    a.kind === 'coding' ? routeLabel(codingRoute(a, facts)) : '-',
    a.skills.join(', '),
  ]);
  printTable(['ID', 'KIND', 'STATUS', 'CAPACITY', 'SANDBOX', 'PROTOCOL', 'SKILLS'], rows);
  if (!sandbox.available)
    process.stdout.write(
      `\nThe OS sandbox cannot run here: ${sandbox.problem}. Agents whose sandbox is required are refused.\n`,
    );
  return 0;
}

/** Who does best at a skill: the agents that worked on tasks needing it, best first. */
export async function agentsLeaderboard(client: BatonClient, skill: string, json: boolean): Promise<number> {
  const rows = await client.invoke('agents.leaderboard', { skill });
  if (json) {
    printJson(rows);
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write(`No attempts at tasks needing ${skill} yet.\n`);
    return 0;
  }
  printTable(
    ['#', 'AGENT', 'BEST-OF WINS', 'CHECKS PASSED', 'FIX ROUNDS', 'ATTEMPTS'],
    rows.map((r) => [
      String(r.rank),
      r.agent_id,
      winsCount(r),
      checksCount(r),
      r.checked === 0 ? '—' : String(r.fix_rounds),
      String(r.attempts),
    ]),
  );
  return 0;
}

/**
 * What runs its processes: `required` (the OS sandbox), `off` (unconfined, by choice), `-` for
 * kinds that start no process.
 */
/** Only command, llm and coding agents run processes of their own: the others have no sandbox. */
const agentSandbox = (a: Agent, available: boolean): string =>
  a.kind === 'command' || a.kind === 'llm' || a.kind === 'coding' ? sandboxColumn(a.sandbox, available) : '-';
