import type { RouteFacts } from '../../../../src-shared/coding-route.ts';
import { codingRoute, routeLabel } from '../../../../src-shared/coding-route.ts';
import type { DetectedAcpAgent } from '../../../../src-shared/schemas/acp-agent.ts';
import type { Agent, AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import { ACP_ONLY_CLIS, CODING_CLIS } from '../../../../src-shared/schemas/agent.ts';
import type { DetectedCli } from '../../../../src-shared/schemas/workspace.ts';
import { joinArgs } from '../../format/argv.ts';
import type { AgentDraft } from './agent-form.ts';
import { EMPTY_DRAFT } from './agent-form.ts';

/** Each coding CLI by the name people know it by. */
export const CLI_NAMES: Record<AnyCodingCli, string> = {
  claude: 'Claude Code',
  codex: 'Codex',
  opencode: 'opencode',
  qwen: 'qwen-code',
  gemini: 'Gemini CLI',
  acp: 'ACP agent',
};

/** The form for a coding agent of a detected CLI: its suggested id and skills, and where it was found. */
export function draftForCli(d: DetectedCli): AgentDraft {
  return {
    ...EMPTY_DRAFT,
    kind: 'coding',
    id: d.suggested_agent.id,
    skills: [...d.suggested_agent.skills],
    cli: d.cli,
    executable: d.path ?? '',
  };
}

/**
 * The coding agent "Add" registers for a CLI found on PATH, in one click: its suggested id (made
 * free when taken), its name, the skill coding tasks ask for, on the person's own login (no
 * provider: the CLI's own sign-in and model), its default route (no protocol), its program found
 * on PATH when it runs (no executable), each attempt's diff reviewed by a person, in the required
 * OS sandbox. Anything else is a change on its page.
 */
export function quickAgentFor(
  d: DetectedCli,
  agents: readonly { id: string }[],
): { id: string; name: string; kind: 'coding'; cli: DetectedCli['cli']; skills: string[]; review: 'diff' } {
  const taken = new Set(agents.map((a) => a.id));
  const base = d.suggested_agent.id;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return {
    id,
    name: CLI_NAMES[d.cli],
    kind: 'coding',
    cli: d.cli,
    skills: [...d.suggested_agent.skills],
    review: 'diff',
  };
}

/** The `cli` a detected ACP agent is registered as: its launch's, else `acp` (started by program and arguments). */
function acpCliOf(a: DetectedAcpAgent): AnyCodingCli {
  const known: readonly string[] = [...CODING_CLIS, ...ACP_ONLY_CLIS];
  return a.launch !== null && known.includes(a.launch) ? (a.launch as AnyCodingCli) : 'acp';
}

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/**
 * The registered coding agents that are this detected ACP agent: over ACP with its cli, or, for
 * one Baton has no launch for, of cli `acp` starting the same program.
 */
export function registeredAs(a: DetectedAcpAgent, agents: readonly Agent[]): string[] {
  const cli = acpCliOf(a);
  return agents
    .filter(
      (g) =>
        g.kind === 'coding' &&
        g.protocol === 'acp' &&
        g.cli === cli &&
        (cli !== 'acp' || (g.executable !== undefined && baseName(g.executable) === baseName(a.path))),
    )
    .map((g) => g.id);
}

/**
 * The form for a coding agent over ACP of a detected ACP agent: its cli (Baton's launch adds the
 * ACP arguments), or cli `acp` with its program and ACP arguments; an id not taken yet; no skills.
 */
export function draftForAcp(a: DetectedAcpAgent, agents: readonly Agent[]): AgentDraft {
  const cli = acpCliOf(a);
  const taken = new Set(agents.map((g) => g.id));
  const base = `${a.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}-acp`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return {
    ...EMPTY_DRAFT,
    kind: 'coding',
    id,
    name: a.title,
    protocol: 'acp',
    cli,
    executable: a.path,
    cli_args: cli === 'acp' ? joinArgs(a.args) : '',
  };
}

/**
 * What runs a coding agent, as its row in the Agents list says it: "Gemini CLI · ACP", "goose ·
 * ACP", "Claude Code" (on its stream), by its route here (its protocol, else the default).
 */
export function codingRunsAs(a: Agent, facts: RouteFacts | null = null): string | null {
  if (a.kind !== 'coding') return null;
  const name = a.cli === 'acp' && a.executable ? baseName(a.executable) : CLI_NAMES[a.cli];
  return codingRoute(a, facts ?? { claudeAcp: false }).protocol === 'acp' ? `${name} · ACP` : name;
}

/** A coding agent's route as its page says it: "ACP", "stream", "default (ACP)". */
export function protocolOf(a: Agent, facts: RouteFacts | null): string | null {
  return a.kind === 'coding' ? routeLabel(codingRoute(a, facts ?? { claudeAcp: false })) : null;
}
