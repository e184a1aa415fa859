import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '../../../../src-shared/contract/index.ts';
import { waitingAcpAgentScript } from '../../../../test/kit/acp-waiting-agent.ts';
import { eventually, call as local } from '../../../../test/kit/engine-kit.ts';
import { startOnTempDir } from '../../../../test/kit/host-kit.ts';
import { cookieOf, fromPage, post, rpc } from '../../../../test/kit/people-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import type { BrowserHost } from '../../../host/browser/server.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { terminalSocket } from './testing/terminal-socket.ts';
import { listeningReadme } from './testing/waiting-task.ts';

const sandbox = await sandboxStatus();

// Every turn waits for `go` (or a cancel), not only the first; `go` comes only in afterAll. The turn
// "go on" starts keeps the task running, so its worktree is still there for the next terminal.
const script = waitingAcpAgentScript.replace('    if (turns === 1) while (', '    while (');

/**
 * A terminal as people's roles change, over the real host (a waiting ACP agent's coding task,
 * bwrap): a member made a viewer kept typing in their open terminal; a terminal whose opener may
 * no longer decide it (made a viewer, removed) could be decided by nobody, its task held for good.
 */
describe.skipIf(!sandbox.available)('a terminal as people change', () => {
  let app: BatonApp;
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let repo: TempRepo;
  let scripts: string;
  let runId: string;
  let tree: string;
  const owner = () => ({ Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' });
  const rejections: unknown[] = [];
  const onRejection = (r: unknown) => rejections.push(r);
  const sockets: { close(): void }[] = [];

  async function invited(name: string, role: 'member' | 'admin') {
    const invite = await rpc(host.port, 'people.invite', { role }, owner());
    const secret = (invite.result as { value: { secret: string } }).value.secret;
    const joined = await post(
      host.port,
      '/auth/join',
      { invite: secret, name, password: `${name}-long-password` },
      fromPage(host.port),
    );
    expect(joined.status, joined.body).toBe(201);
    const id = (JSON.parse(joined.body) as { person: { id: string } }).person.id;
    return { id, cookie: cookieOf(joined), page: fromPage(host.port, cookieOf(joined)) };
  }
  const terminalNow = () =>
    local<TerminalView | null>(app, 'terminals.get', { run_id: runId, task_id: 'readme' });

  beforeAll(async () => {
    scripts = mkdtempSync(join(tmpdir(), 'baton-terminal-roles-'));
    expect(script).not.toBe(waitingAcpAgentScript);
    writeFileSync(join(scripts, 'agent.mjs'), script);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    ({ app, host, stop } = await startOnTempDir((_d, a) => ({ people: a.people, terminals: a.terminals })));
    await local(app, 'people.setupOwner', { name: 'Ana' });
    runId = await listeningReadme(app, repo.repo, join(scripts, 'agent.mjs'));
    tree = (await local<{ dir: string }[]>(app, 'runs.sessions', { run_id: runId }))[0]!.dir;
    await eventually(() => existsSync(join(tree, 'prompts.log')), 30_000, "the agent's first turn");
    process.on('unhandledRejection', onRejection);
  }, 120_000);

  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    for (const s of sockets) s.close();
    if (tree && existsSync(tree)) writeFileSync(join(tree, 'go'), '');
    await local(app, 'runs.cancel', { run_id: runId }).catch(() => {});
    await stop?.();
    rmSync(scripts, { recursive: true, force: true });
    repo?.cleanup();
  });

  it('stops taking the keys of a member made a viewer while the terminal is open', async () => {
    const mia = await invited('Mia', 'member');
    const opened = await rpc(host.port, 'terminals.open', { run_id: runId, task_id: 'readme' }, mia.page);
    expect(opened.status, JSON.stringify(opened.result)).toBe(200);
    const terminal = (opened.result as { value: TerminalView }).value;
    const t = terminalSocket(host.port, terminal.socket_path, { cookie: mia.cookie });
    sockets.push(t);
    await t.opened;
    t.type('echo before > before.txt; echo "b=$?"');
    await eventually(() => /b=0/.test(t.output()), 30_000, 'the first command');
    expect(
      (await rpc(host.port, 'people.setRole', { person_id: mia.id, role: 'viewer' }, owner())).status,
    ).toBe(200);
    t.type('echo after > after.txt; echo "a=$?"');
    const closed = await t.closed;
    expect(closed).toEqual({ code: 4403, reason: 'a terminal needs the role member; yours is now viewer' });
    expect(t.output()).not.toMatch(/a=0/);
    expect(existsSync(join(tree, 'after.txt'))).toBe(false);
    // An admin decides the terminal of someone who may no longer: the task is not held for good.
    const ada = await invited('Ada', 'admin');
    await eventually(async () => (await terminalNow())?.state === 'closed', 30_000, 'the shell ended');
    const decided = await rpc(
      host.port,
      'terminals.commit',
      { terminal_id: terminal.terminal_id, commit: false, after: 'go_on' },
      ada.page,
    );
    expect(decided.status, JSON.stringify(decided.result)).toBe(200);
    await eventually(async () => (await terminalNow()) === null, 30_000, 'the terminal decided');
    // Its next turn, told, waits: the task is still running when Ada opens a terminal again.
    await eventually(
      () => readFileSync(join(tree, 'prompts.log'), 'utf8').includes('--- turn 2'),
      30_000,
      "the agent's next turn",
    );
    const again = await rpc(host.port, 'terminals.open', { run_id: runId, task_id: 'readme' }, ada.page);
    expect(again.status, JSON.stringify(again.result)).toBe(200);
    expect((again.result as { value: TerminalView }).value.agent_held).toBe(true);
    // A member who did not open it may still not decide it.
    const other = await invited('Noa', 'member');
    const refused = await rpc(
      host.port,
      'terminals.close',
      { terminal_id: (again.result as { value: TerminalView }).value.terminal_id },
      other.page,
    );
    expect(refused.status).toBe(403);
    expect(rejections).toEqual([]);
  });
});
