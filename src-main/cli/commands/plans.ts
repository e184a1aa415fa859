import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { CliError } from '../files.ts';
import { printJson, printTable } from '../output.ts';

const USAGE =
  'usage: baton plans list [--archived] [--json] | archive <plan> | unarchive <plan> | delete <plan> [--as NAME]';

/**
 * `baton plans`: the plans (archived ones with --archived), and archiving, unarchiving or
 * deleting one. `actor` is who does it, for the audit log.
 */
export async function plansCommand(
  client: BatonClient,
  rest: string[],
  options: { json: boolean; archived: boolean; actor: string },
): Promise<number> {
  const [sub = 'list', planId, ...extra] = rest;
  if (extra.length > 0) throw new CliError(USAGE);
  if (sub === 'list' && planId === undefined) {
    const plans = (await client.invoke('plans.list', {})).filter(
      (p) => options.archived || p.archived_at === null,
    );
    if (options.json) {
      printJson(plans);
      return 0;
    }
    if (plans.length === 0) {
      process.stdout.write(
        options.archived ? 'No plans yet.\n' : 'No plans yet (archived ones: --archived).\n',
      );
      return 0;
    }
    const rows = plans.map((p) => [
      p.plan_id,
      p.name,
      `v${p.version}`,
      p.tags.join(',') || '-',
      p.owner ?? '-',
      p.archived_at ? 'archived' : 'active',
    ]);
    printTable(['PLAN', 'NAME', 'VERSION', 'TAGS', 'OWNER', 'STATE'], rows);
    return 0;
  }
  if (!planId) throw new CliError(USAGE);
  if (sub === 'archive' || sub === 'unarchive') {
    const archived = sub === 'archive';
    await client.invoke('plans.archive', { plan_id: planId, archived, actor: options.actor });
    process.stdout.write(`${archived ? 'Archived' : 'Unarchived'} plan ${planId}.\n`);
    return 0;
  }
  if (sub === 'delete') {
    const { deleted } = await client.invoke('plans.delete', { plan_id: planId, actor: options.actor });
    if (!deleted) throw new CliError(`no plan ${planId}`);
    process.stdout.write(`Deleted plan ${planId} and every version of it.\n`);
    return 0;
  }
  throw new CliError(USAGE);
}
