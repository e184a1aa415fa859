import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import { pathCovers } from '../../../../src-shared/schemas/sandbox.ts';
import type { CodingContext, TaskContext } from '../../../engine/executor.ts';
import type { Confinement, Guarded } from '../../../sandbox/index.ts';
import { confine } from '../../../sandbox/index.ts';
import type { Invocation, OwnLogin } from '../clis/definition.ts';
import type { Ready } from './ready.ts';

/**
 * The config a CLI keeps in `home` (its definition's `ownLogin`) that stays read-only (only what
 * lies in one of its state folders that exist: the rest of the home is read-only anyway), each
 * with the stand-in the sandbox puts in its place while it is not there (a folder for a folder,
 * an empty file for a file).
 */
export function ownConfig(ownLogin: OwnLogin, home: string): Guarded[] {
  const { state, config } = ownLogin;
  const roots = state.map((p) => join(home, p)).filter((p) => existsSync(p));
  return config.flatMap((p): Guarded[] => {
    const path = join(home, p.replace(/\/$/, ''));
    if (!roots.some((r) => pathCovers(r, path))) return [];
    return [{ path, standIn: p.endsWith('/') ? 'folder' : 'file' }];
  });
}

/** A URL's host as the sandbox lists it: `127.0.0.1:4123`, `[::1]:3000`, `example.com` (its scheme's own port). */
export const hostOf = (url: string): string => new URL(url).host;

export interface CliSandboxInput {
  /** The agent's policy, narrowed by the plan. */
  policy: SandboxPolicy;
  /** What the CLI keeps in the person's home and the hosts it reaches on their login (its definition's). */
  ownLogin: OwnLogin;
  /** Where its model calls go: Baton's metering endpoint (`http://127.0.0.1:PORT/…`), else null. */
  endpoint: string | null;
  /** Baton's MCP server for this attempt (tool calls approved in the inbox), else null. */
  mcp: string | null;
  /** Whether Baton gave it a provider (its state then lives in `home`, Baton's folder for the task). */
  provider: boolean;
  /** The CLI's HOME: the task's home from Baton with a provider, else the person's own. */
  home: string;
  worktree: string;
  /** The task's CLI home Baton keeps (`coding.home`) and the attempt's own folder. */
  stateFolder: string;
  tmp: string;
}

/**
 * What a coding CLI's sandbox allows: writes to its worktree, its state folder and the attempt's
 * folder (on the person's login: the CLI's own state folders in their home, those that exist,
 * but its config there, `readOnly`: what the person's next session of the CLI runs); the
 * network to its model endpoint (the metering endpoint on loopback, as an IP literal with its
 * port, which the sandbox's filter lets through only when listed so), Baton's MCP server when it
 * asks there, its vendor's hosts on the person's login, and what the agent lists.
 */
export function cliSandbox(i: CliSandboxInput): {
  policy: SandboxPolicy;
  folders: string[];
  readOnly: Guarded[];
} {
  const hosts = [...i.policy.network.allow];
  const add = (h: string) => {
    if (!hosts.includes(h)) hosts.push(h);
  };
  if (i.endpoint) add(hostOf(i.endpoint));
  else if (!i.provider) for (const h of i.ownLogin.hosts) add(h);
  if (i.mcp) add(hostOf(i.mcp));
  const own = i.provider ? [] : i.ownLogin.state.map((p) => join(i.home, p));
  const folders = [i.worktree, i.stateFolder, i.tmp, ...own].filter(
    (f, n, all) => existsSync(f) && all.indexOf(f) === n,
  );
  const readOnly = i.provider ? [] : ownConfig(i.ownLogin, i.home);
  return { policy: { ...i.policy, network: { ...i.policy.network, allow: hosts } }, folders, readOnly };
}

/**
 * The worktree's ports its agent's servers are reached on from this machine, when its workspace
 * asks for it (`forward_ports`: off by default, since the forwarder costs every attempt two Node
 * processes); never a best-of candidate's: the candidates share the task's block, and only one
 * sandbox can hold it.
 */
export function forwardedPorts(coding: CodingContext): { first: number; count: number } | undefined {
  if (!coding.workspace.forward_ports || coding.candidate !== undefined) return undefined;
  return coding.ports ?? undefined;
}

/**
 * A coding agent's program (a CLI on its event stream, or an ACP agent) confined as `cliSandbox`
 * says, under its agent's name; `where` says in words what it writes and reaches, for its log.
 */
export async function confineCli(o: {
  ctx: TaskContext<CodingAgent>;
  coding: CodingContext;
  r: Ready;
  inv: Invocation;
  ownLogin: OwnLogin;
  env: Record<string, string>;
  endpoint: string | null;
  mcp: string | null;
}): Promise<{ confined: Confinement; where: string }> {
  const { ctx, coding, r, inv } = o;
  const box = cliSandbox({
    policy: r.sandbox.policy,
    ownLogin: o.ownLogin,
    endpoint: o.endpoint,
    mcp: o.mcp,
    provider: r.provider !== null,
    home: inv.home,
    worktree: r.worktree.dir,
    stateFolder: coding.home,
    tmp: r.tmp,
  });
  const confined = await confine({
    policy: box.policy,
    command: inv.command,
    args: inv.args,
    cwd: r.worktree.dir,
    env: o.env,
    folders: box.folders,
    readOnly: box.readOnly,
    mayWrite: r.sandbox.mayWrite,
    hide: r.sandbox.hide,
    owner: `agent "${ctx.agent.id}"`,
    askHost: ctx.sandboxHosts?.ask,
    inbound: forwardedPorts(coding),
  });
  const config =
    box.readOnly.length > 0
      ? `, its config there read-only (${box.readOnly.map((g) => g.path.replace(`${inv.home}/`, '~/')).join(', ')}),`
      : '';
  const where = `it writes only ${box.folders.join(', ')}${config} and reaches only ${box.policy.network.allow.join(', ') || 'no host'}`;
  return { confined, where };
}
