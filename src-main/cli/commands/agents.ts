import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { readJsonFile } from '../files.ts';
import { printJson, printTable } from '../output.ts';

export async function agentsImport(client: BatonClient, file: string): Promise<number> {
  const saved = await client.invoke('agents.import', { agents: readJsonFile(file, 'agents file') });
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
  const rows = agents.map((a) => [a.id, a.kind, a.status, String(a.max_concurrency), a.skills.join(', ')]);
  printTable(['ID', 'KIND', 'STATUS', 'CAPACITY', 'SKILLS'], rows);
  return 0;
}
