import type { StateCreator } from 'zustand';
import type { RouteFacts } from '../../../src-shared/coding-route.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { AgentTestResult } from '../../../src-shared/schemas/agent-test-result.ts';
import type { SandboxStatus } from '../../../src-shared/schemas/sandbox.ts';
import type { AgentLimit } from '../../../src-shared/schemas/usage-limit.ts';
import { api } from '../api/client.ts';
import { agentsImported } from './import-summary.ts';
import type { BatonState } from './index.ts';
import { parseJsonFile } from './json.ts';

export interface AgentsSlice {
  agents: Agent[];
  agentsLoaded: boolean;
  /** Whether this host can run the OS sandbox (`agents.sandbox`); null until known. */
  sandboxStatus: SandboxStatus | null;
  /** What a coding agent's default route hangs on here (`agents.routeFacts`); null until known. */
  routeFacts: RouteFacts | null;
  loadAgents(): Promise<void>;
  /**
   * Asks for `sandboxStatus` and `routeFacts` once a screen that shows them is opened (the agents,
   * an agent, the workspaces), not with the first screen: the host's first answer tries a real
   * sandbox and loads the sandbox library. Once asked, every `loadAgents` asks again.
   */
  wantAgentFacts(): void;
  importAgents(text: string, fileName: string): Promise<void>;
  upsertAgent(agent: Agent): void;
  /** An agent removed, here or in another window: it leaves the list. */
  dropAgent(agentId: string): void;
  /**
   * The agents limited now (their account hit a usage or rate limit), by agent id: read with the
   * agents (`agents.limits`), kept live by `agent.limited` and `agent.available`.
   */
  agentLimits: Record<string, AgentLimit>;
  /** An account limited (`on`) or available again: its agents' entries set or removed. */
  applyAgentLimit(limit: AgentLimit, agentIds: string[], on: boolean): void;
  /** Each command agent's latest test (`agents.test`) in this window: running, its answer, or why it could not run. */
  agentTests: Record<string, AgentTest>;
  /** Runs a command agent's program once with a sample task; a second call while one runs waits for it. */
  testAgent(agentId: string, description?: string): Promise<void>;
}

export type AgentTest =
  | { state: 'running'; description: string | undefined }
  | { state: 'answered'; result: AgentTestResult }
  | { state: 'refused'; message: string };

/** The limits now, by agent (a host that cannot say leaves them as they were). */
async function loadLimits(set: (p: Partial<BatonState>) => void): Promise<void> {
  try {
    const limits = await api.agentLimits();
    const byAgent: Record<string, AgentLimit> = {};
    for (const { limit, agent_ids } of limits) for (const id of agent_ids) byAgent[id] = limit;
    set({ agentLimits: byAgent });
  } catch {
    // The agents' limits are shown when known; the list itself loaded.
  }
}

/** Whether a screen showing the sandbox's status and the route's facts was opened in this window. */
let factsWanted = false;

async function loadFacts(set: (p: Partial<BatonState>) => void): Promise<void> {
  const [sandboxStatus, route] = await Promise.all([api.sandboxStatus(), api.routeFacts()]);
  set({ sandboxStatus, routeFacts: { claudeAcp: route.claude_acp } });
}

/** Agents added, changed or removed in this window so far: a list asked before the last one is stale. */
let agentChanges = 0;

export const createAgentsSlice: StateCreator<BatonState, [], [], AgentsSlice> = (set, get) => ({
  agents: [],
  agentsLoaded: false,
  sandboxStatus: null,
  routeFacts: null,
  agentLimits: {},
  applyAgentLimit(limit, agentIds, on) {
    set((s) => {
      const next = { ...s.agentLimits };
      for (const id of agentIds)
        if (on) next[id] = limit;
        // A later limit of the same account (a longer one) stays.
        else if (next[id]?.account === limit.account && next[id]?.until === limit.until) delete next[id];
      return { agentLimits: next };
    });
  },
  async loadAgents() {
    try {
      // The list is set as soon as it comes: the sandbox's status and the default route's facts
      // can take seconds (a real sandbox tried, npm asked), and a list held back that long would
      // undo agents added meanwhile (the first open's example, loaded at once).
      const facts = factsWanted ? loadFacts(set) : null;
      facts?.catch(() => undefined);
      // A list asked before an agent reached this window (an import answered first) may not hold
      // it: asked again, so a late answer never undoes it.
      let agents: Agent[];
      for (let tries = 1; ; tries++) {
        const seen = agentChanges;
        agents = await api.listAgents();
        if (seen === agentChanges || tries === 3) break;
      }
      set({ agents, agentsLoaded: true });
      forgetRemovedHuman(get, agents);
      void loadLimits(set);
      await facts;
    } catch (err) {
      get().fail('Could not load agents', err);
    }
  },
  wantAgentFacts() {
    if (factsWanted) return;
    factsWanted = true;
    loadFacts(set).catch((err: unknown) => {
      // Asked again by the next screen that shows them.
      factsWanted = false;
      get().fail('Could not read what this host can run', err);
    });
  },
  async importAgents(text, fileName) {
    const parsed = parseJsonFile(text, fileName);
    if (!parsed.ok) return get().fail(parsed.title, parsed.error);
    try {
      const saved = await api.importAgents(parsed.value);
      const before = get().agents;
      for (const a of saved) get().upsertAgent(a);
      get().notify('info', agentsImported(saved, before));
    } catch (err) {
      get().fail(`Could not import ${fileName}`, err);
    }
  },
  upsertAgent(agent) {
    agentChanges++;
    set((s) => {
      const i = s.agents.findIndex((a) => a.id === agent.id);
      const agents = i === -1 ? [...s.agents, agent] : s.agents.map((a) => (a.id === agent.id ? agent : a));
      return { agents: agents.sort((a, b) => a.id.localeCompare(b.id)) };
    });
  },
  agentTests: {},
  async testAgent(agentId, description) {
    if (get().agentTests[agentId]?.state === 'running') return;
    const put = (test: AgentTest) => set((s) => ({ agentTests: { ...s.agentTests, [agentId]: test } }));
    put({ state: 'running', description });
    try {
      put({ state: 'answered', result: await api.testAgent(agentId, description) });
    } catch (err) {
      put({ state: 'refused', message: err instanceof Error ? err.message : String(err) });
    }
  },
  dropAgent(agentId) {
    agentChanges++;
    set((s) =>
      s.agents.some((a) => a.id === agentId) ? { agents: s.agents.filter((a) => a.id !== agentId) } : s,
    );
    forgetRemovedHuman(get, get().agents);
  },
});

/**
 * Who you are may name a person's agent (My tasks lists its tasks): once it is removed, here or
 * in another window, you keep your name but are no longer that agent, rather than asking for the
 * tasks of an agent that no longer exists.
 */
function forgetRemovedHuman(get: () => BatonState, agents: readonly Agent[]): void {
  const me = get().identity;
  if (me?.agentId && !agents.some((a) => a.id === me.agentId)) get().setIdentity({ ...me, agentId: null });
}
