import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/contract/index.ts';
import { describeCron } from '../../../src-shared/cron/cron-words.ts';
import type { Connection } from '../connection.ts';
import { CliError } from '../files.ts';
import { printJson, printTable } from '../output.ts';

/** The flags `baton webhooks|schedules|triggers` read (cli.ts parses them). */
export interface ReachFlags {
  id?: string | undefined;
  url?: string | undefined;
  event?: string[] | undefined;
  secret?: string | undefined;
  project?: string | undefined;
  format?: string | undefined;
  'link-base'?: string | undefined;
  status?: string | undefined;
  limit?: string | undefined;
  plan?: string | undefined;
  cron?: string | undefined;
  tz?: string | undefined;
  inputs?: string | undefined;
  overlap?: string | undefined;
  'catch-up'?: string | undefined;
  rate?: string | undefined;
  workspace?: string | undefined;
  'github-issues'?: boolean | undefined;
  label?: string | undefined;
  'issue-inputs'?: string | undefined;
  every?: string | undefined;
  'comment-on-issue'?: boolean | undefined;
  json: boolean;
}

const USAGE = {
  webhooks:
    'usage: baton webhooks list | add --url URL --event E... --secret NAME (optional for --format slack) [--project P] [--format standard|slack] [--link-base URL] [--id I] | remove <id> | deliveries [<id>] [--status pending|delivered|failed] [--limit N]',
  schedules:
    'usage: baton schedules list [--plan P] | add --plan P --cron "0 9 * * 1-5" [--tz Europe/Paris] [--inputs JSON] [--overlap skip|queue_one|allow] [--catch-up none|latest|all:N] [--id I] | pause <id> | resume <id> | remove <id>',
  triggers:
    'usage: baton triggers list | add --plan P [--inputs JSON] [--rate N] [--id I] | add --plan P --github-issues --workspace W --label L [--issue-inputs title=T,body=B,number=N,url=U] [--every SECONDS] [--inputs JSON] [--id I] | issues <id> | remove <id>',
};

function json(flag: string, raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new CliError(`--${flag} must be a JSON object, e.g. '{"region":"eu"}'`);
}

/** `title=summary,body=details`: which run inputs receive the issue's title, body, number and URL. */
function issueInputs(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const pairs = raw.split(',').map((p) => p.trim().split('='));
  const known = ['title', 'body', 'number', 'url'];
  for (const p of pairs)
    if (p.length !== 2 || !known.includes(p[0] ?? '') || !p[1])
      throw new CliError(`--issue-inputs takes title=INPUT,body=INPUT,number=INPUT,url=INPUT, got "${raw}"`);
  return Object.fromEntries(pairs);
}

function count(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--${flag} must be a whole number of 1 or more, got "${raw}"`);
  return n;
}

/** `none`, `latest`, `all` or `all:N`. */
function catchUp(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  const m = /^(none|latest|all)(?::(\d+))?$/.exec(raw);
  if (!m || (m[2] !== undefined && m[1] !== 'all'))
    throw new CliError(`--catch-up must be none, latest, all or all:N, got "${raw}"`);
  return { catch_up: m[1], ...(m[2] ? { catch_up_max: Number(m[2]) } : {}) };
}

/**
 * A contract call with what the flags say, unchecked here: the contract's own schema checks it
 * and names the field (`events[0]`, `overlap`), as for any caller.
 */
function ask<K extends MethodName>(
  { client }: Connection,
  method: K,
  input: Record<string, unknown>,
): Promise<MethodOutput<K>> {
  return client.invoke(method, input as MethodInput<K>);
}

/** ": Every weekday at 09:00" where the expression can be said in words; nothing otherwise. */
const inWords = (cron: string) => {
  const words = describeCron(cron);
  return words ? `: ${words}` : '';
};

const opt = <K extends string>(key: K, v: unknown) => (v === undefined ? {} : { [key]: v });

/** `baton webhooks …`, `baton schedules …`, `baton triggers …`: over the typed client, like every command. */
export async function reachCommand(
  conn: Connection,
  what: 'webhooks' | 'schedules' | 'triggers',
  rest: string[],
  f: ReachFlags,
): Promise<number> {
  const [sub, arg] = rest;
  const out = (value: unknown, human: () => void) => (f.json ? printJson(value) : human());
  if (what === 'webhooks') {
    if (sub === 'list') {
      const list = await ask(conn, 'webhooks.list', {});
      out(list, () =>
        list.length === 0
          ? process.stdout.write(
              'No webhooks. Add one with: baton webhooks add --url URL --event run.ended --secret NAME\n',
            )
          : printTable(
              ['ID', 'URL', 'EVENTS', 'PROJECT', 'FORMAT', 'SECRET'],
              list.map((w) => [
                w.id,
                w.url,
                w.events.join(','),
                w.project_id ?? '*',
                w.format,
                w.secret_name ?? '-',
              ]),
            ),
      );
      return 0;
    }
    if (sub === 'add') {
      const w = await ask(conn, 'webhooks.add', {
        url: f.url ?? '',
        events: f.event ?? [],
        ...opt('secret_name', f.secret),
        ...opt('id', f.id),
        ...opt('project_id', f.project),
        ...opt('format', f.format),
        ...opt('link_base', f['link-base']),
      });
      out(w, () => process.stdout.write(`Added webhook ${w.id}: ${w.events.join(', ')} → ${w.url}\n`));
      return 0;
    }
    if (sub === 'remove' && arg) {
      const { removed } = await ask(conn, 'webhooks.remove', { webhook_id: arg });
      process.stdout.write(removed ? `Removed webhook ${arg} and its delivery log\n` : `No webhook ${arg}\n`);
      return 0;
    }
    if (sub === 'deliveries') {
      const list = await ask(conn, 'webhooks.deliveries', {
        ...opt('webhook_id', arg),
        ...opt('status', f.status),
        ...opt('limit', count('limit', f.limit)),
      });
      out(list, () =>
        printTable(
          ['ID', 'WEBHOOK', 'EVENT', 'STATUS', 'ATTEMPTS', 'CODE', 'LAST ATTEMPT', 'ERROR'],
          list.map((d) => [
            d.id,
            d.webhook_id,
            d.event,
            d.status,
            String(d.attempts),
            d.response_code === null ? '-' : String(d.response_code),
            d.last_attempt_at ?? '-',
            d.last_error ?? '',
          ]),
        ),
      );
      return 0;
    }
    throw new CliError(USAGE.webhooks);
  }
  if (what === 'schedules') {
    if (sub === 'list') {
      const list = await ask(conn, 'schedules.list', { ...opt('plan_id', f.plan) });
      out(list, () =>
        list.length === 0
          ? process.stdout.write(
              'No schedules. Add one with: baton schedules add --plan P --cron "0 9 * * *"\n',
            )
          : printTable(
              ['ID', 'PLAN', 'WHEN', 'CRON', 'ZONE', 'OVERLAP', 'CATCH-UP', 'NEXT'],
              list.map((s) => [
                s.id,
                s.plan_id,
                describeCron(s.cron) ?? '-',
                s.cron,
                s.timezone,
                s.overlap,
                s.catch_up === 'all' ? `all:${s.catch_up_max}` : s.catch_up,
                s.next_fire_at ?? 'never',
              ]),
            ),
      );
      return 0;
    }
    if (sub === 'add') {
      const s = await ask(conn, 'schedules.add', {
        plan_id: f.plan ?? '',
        cron: f.cron ?? '',
        ...opt('id', f.id),
        ...opt('timezone', f.tz),
        ...opt('inputs', json('inputs', f.inputs)),
        ...opt('overlap', f.overlap),
        ...catchUp(f['catch-up']),
      });
      out(s, () =>
        process.stdout.write(
          `Added schedule ${s.id} for plan ${s.plan_id}: "${s.cron}" (${s.timezone})${inWords(s.cron)}. Next: ${s.next_fires.join(', ')}\nIt fires while the app or baton serve runs on this data directory.\n`,
        ),
      );
      return 0;
    }
    if ((sub === 'pause' || sub === 'resume') && arg) {
      const s = await ask(conn, 'schedules.setEnabled', { schedule_id: arg, enabled: sub === 'resume' });
      out(s, () =>
        process.stdout.write(
          s.enabled
            ? `Resumed schedule ${s.id}: next at ${s.next_fire_at ?? 'never'}\n`
            : `Paused schedule ${s.id}\n`,
        ),
      );
      return 0;
    }
    if (sub === 'remove' && arg) {
      const { removed } = await ask(conn, 'schedules.remove', { schedule_id: arg });
      process.stdout.write(removed ? `Removed schedule ${arg}\n` : `No schedule ${arg}\n`);
      return 0;
    }
    throw new CliError(USAGE.schedules);
  }
  if (sub === 'list') {
    const list = await ask(conn, 'triggers.list', {});
    out(list, () =>
      printTable(
        ['ID', 'PLAN', 'STARTED BY', 'LAST ERROR'],
        list.map((t) => [
          t.id,
          t.plan_id,
          t.github_issues
            ? `GitHub issues labelled "${t.github_issues.label}" (workspace ${t.github_issues.workspace})`
            : `POST ${t.url} (${t.rate_per_minute}/min)`,
          t.last_error ?? '-',
        ]),
      ),
    );
    return 0;
  }
  if (sub === 'issues' && arg) {
    const list = await ask(conn, 'triggers.issues', { trigger_id: arg });
    out(list, () =>
      printTable(
        ['ISSUE', 'TITLE', 'RUN', 'STARTED'],
        list.map((i) => [`${i.repo}#${i.number}`, i.title, i.run_id, i.started_at]),
      ),
    );
    return 0;
  }
  if (sub === 'add' && f['github-issues']) {
    const made = await ask(conn, 'triggers.addGithubIssues', {
      plan_id: f.plan ?? '',
      ...opt('id', f.id),
      ...opt('inputs', json('inputs', f.inputs)),
      github_issues: {
        workspace: f.workspace ?? '',
        label: f.label ?? '',
        ...opt('inputs_from', issueInputs(f['issue-inputs'])),
        ...opt('poll_seconds', count('every', f.every)),
        ...(f['comment-on-issue'] ? { comment_on_issue: true } : {}),
      },
    });
    out(made, () =>
      process.stdout.write(
        `Added trigger ${made.id} for plan ${made.plan_id}: each open issue labelled "${made.github_issues?.label}" ` +
          `on workspace ${made.github_issues?.workspace}'s GitHub repository starts one run ` +
          `(read every ${made.github_issues?.poll_seconds} s by the app or baton serve, and at once on a signed issues webhook).\n`,
      ),
    );
    return 0;
  }
  if (sub === 'add') {
    // The URL callers use: the host's own, when the command goes through the one serving the data directory.
    const made = await ask(conn, 'triggers.add', {
      plan_id: f.plan ?? '',
      ...opt('id', f.id),
      ...opt('inputs', json('inputs', f.inputs)),
      ...opt('rate_per_minute', count('rate', f.rate)),
    });
    out(made, () =>
      process.stdout.write(
        `Added trigger ${made.trigger.id} for plan ${made.trigger.plan_id}.\n` +
          `Its secret, shown this once (Baton keeps only a hash): ${made.secret}\n` +
          `POST ${made.url}\n  ${made.curl}\n` +
          (conn.host
            ? ''
            : 'No baton serve runs on this data directory now: the URL assumes the default port.\n'),
      ),
    );
    return 0;
  }
  if (sub === 'remove' && arg) {
    const { removed } = await ask(conn, 'triggers.remove', { trigger_id: arg });
    process.stdout.write(removed ? `Removed trigger ${arg}\n` : `No trigger ${arg}\n`);
    return 0;
  }
  throw new CliError(USAGE.triggers);
}
