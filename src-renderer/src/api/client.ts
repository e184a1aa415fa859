import type { BatonClient, Transport } from '../../../src-shared/contract/client.ts';
import { createClient } from '../../../src-shared/contract/client.ts';
import type { WireError } from '../../../src-shared/contract/errors.ts';
import type { EventBatch } from '../../../src-shared/contract/events.ts';
import type { ExampleBundle } from '../../../src-shared/contract/example-bundle.ts';
import { loadExampleBundle } from '../../../src-shared/contract/example-bundle.ts';
import type { MethodInput } from '../../../src-shared/contract/index.ts';
import type { LineComment, ToolCallScope } from '../../../src-shared/schemas/approval.ts';
import type { LandRequest } from '../../../src-shared/schemas/landing.ts';
import type { TurnControl } from '../../../src-shared/steering.ts';

let client: BatonClient | undefined;

/**
 * Connects once; every call in the UI goes through the `api` object below. `onStorageFull`
 * hears every call that failed because the host's disk is full (the banner), whatever else
 * the caller does with the error. `actor`: who this person said they are, read at each call,
 * which the host records as who made each change (undefined until they said).
 */
export function connect(
  transport: Transport,
  onEvents: (b: EventBatch) => void,
  onStorageFull: (error: WireError) => void = () => {},
  actor: () => string | undefined = () => undefined,
): void {
  client = createClient(
    {
      ...transport,
      async invoke(method, input, caller) {
        const result = await transport.invoke(method, input, caller);
        if (!result.ok && result.error.code === 'storage_full') onStorageFull(result.error);
        return result;
      },
    },
    () => {
      const name = actor();
      return name === undefined ? undefined : { actor: name };
    },
  );
  client.onBatch(onEvents);
}

/** The typed client, for the calls a screen makes through its own module (`api/people.ts`). */
export const client$ = (): BatonClient => c();

function c(): BatonClient {
  if (!client) throw new Error('Baton client used before connect()');
  return client;
}

/** The most entries the Build logs lists load (the newest first). */
export const MEMORY_LIST_LIMIT = 1_000;
export const AUDIT_LIST_LIMIT = 500;

/** A file a person hands in with a task (`work.complete`'s files). */
export type HandedFile = NonNullable<MethodInput<'work.complete'>['files']>[number];

export const api = {
  listPlans: () => c().invoke('plans.list', {}),
  getPlan: (plan_id: string) => c().invoke('plans.get', { plan_id }),
  getPlanVersion: (plan_id: string, version: number) => c().invoke('plans.get', { plan_id, version }),
  listPlanVersions: (plan_id: string) => c().invoke('plans.versions', { plan_id }),
  restorePlanVersion: (plan_id: string, version: number) => c().invoke('plans.restore', { plan_id, version }),
  importPlan: (plan: unknown) => c().invoke('plans.import', { plan }),
  /** Saves a plan that must be new: refused when a plan has its id already. */
  createPlan: (plan: unknown) => c().invoke('plans.import', { plan, new_only: true }),
  /** What the host says would go wrong with a plan (its workspaces, its patterns…); stores nothing. */
  validatePlan: (plan: unknown) => c().invoke('plans.validate', { plan }),
  // Who asks goes with every call (connect's `actor`): these record it as who deleted, archived or started.
  deletePlan: (plan_id: string) => c().invoke('plans.delete', { plan_id }),
  archivePlan: (plan_id: string, archived: boolean) => c().invoke('plans.archive', { plan_id, archived }),
  startRun: (plan_id: string) => c().invoke('runs.start', { plan_id }),
  listRuns: (plan_id?: string) => c().invoke('runs.list', plan_id ? { plan_id } : {}),
  getRun: (run_id: string) => c().invoke('runs.get', { run_id }),
  cancelRun: (run_id: string, actor: string) => c().invoke('runs.cancel', { run_id, actor }),
  /** How a task's running agent takes a person's message now, or null when it takes none (`runs.listening`). */
  listening: (run_id: string, task_id: string) => c().invoke('runs.listening', { run_id, task_id }),
  /** A person's words to a task's running agent, recorded as a step with their name (`runs.say`). */
  say: (run_id: string, task_id: string, text: string, actor: string) =>
    c().invoke('runs.say', { run_id, task_id, text, actor }),
  /** A terminal in a coding task's worktree, in its agent's sandbox (`terminals.*`, docs/take-over.md). */
  openTerminal: (run_id: string, task_id: string) => c().invoke('terminals.open', { run_id, task_id }),
  taskTerminal: (run_id: string, task_id: string) => c().invoke('terminals.get', { run_id, task_id }),
  closeTerminal: (terminal_id: string) => c().invoke('terminals.close', { terminal_id }),
  commitTerminal: (input: MethodInput<'terminals.commit'>) => c().invoke('terminals.commit', input),
  /** The desktop window's way to a terminal: its output comes as `terminal.output` events. */
  attachTerminal: (terminal_id: string, cols: number, rows: number) =>
    c().invoke('terminals.attach', { terminal_id, cols, rows }),
  terminalInput: (input: MethodInput<'terminals.input'>) => c().invoke('terminals.input', input),
  /** How a task's agent is held now and whether its turn can be stopped (`runs.turns`). */
  turns: (run_id: string, task_id: string) => c().invoke('runs.turns', { run_id, task_id }),
  /** Stop this turn, Pause, Resume of a task's running agent, in the person's name. */
  controlTurn: (control: TurnControl, run_id: string, task_id: string, actor: string) =>
    c().invoke(
      control === 'interrupt' ? 'runs.interrupt' : control === 'pause' ? 'runs.pause' : 'runs.resume',
      { run_id, task_id, actor },
    ),
  listAgents: () => c().invoke('agents.list', {}),
  listProjects: () => c().invoke('projects.list', {}),
  saveProject: (p: { id: string; name: string; goal?: string; phase?: string; budget?: number | null }) =>
    c().invoke('projects.save', p),
  spend: (scope: 'run' | 'plan' | 'project', id: string) => c().invoke('runs.spend', { scope, id }),
  planSpend: (plan_id: string) => c().invoke('plans.spend', { plan_id }),
  /** Model calls' spend grouped, in a range, filtered (the Spend screen). */
  spendReport: (query: MethodInput<'spend.report'>) => c().invoke('spend.report', query),
  spendBudgets: (only: MethodInput<'spend.budgets'>) => c().invoke('spend.budgets', only),
  spendPrices: () => c().invoke('spend.prices.list', {}),
  /** Who sets it goes with the call (connect's `actor`), recorded in the audit log. */
  setSpendPrice: (price: MethodInput<'spend.prices.set'>) => c().invoke('spend.prices.set', price),
  listSecrets: () => c().invoke('secrets.list', {}),
  setSecret: (name: string, value: string) => c().invoke('secrets.set', { name, value }),
  deleteSecret: (name: string) => c().invoke('secrets.delete', { name }),
  saveAgent: (agent: import('../../../src-shared/schemas/agent.ts').AgentInput) =>
    c().invoke('agents.save', agent),
  /** Adds an agent; an id already taken fails with a conflict on `id` (never replaces). */
  createAgent: (agent: import('../../../src-shared/schemas/agent.ts').AgentInput) =>
    c().invoke('agents.create', agent),
  removeAgent: (agent_id: string) => c().invoke('agents.remove', { agent_id }),
  /** Whether this host can run the OS sandbox agents' processes run in, and if not, why. */
  sandboxStatus: () => c().invoke('agents.sandbox', {}),
  detectAcp: () => c().invoke('agents.detectAcp', {}),
  routeFacts: () => c().invoke('agents.routeFacts', {}),
  probeAgents: () => c().invoke('agents.probe', {}),
  /** The accounts limited now, with their agents (`agents.limits`). */
  agentLimits: () => c().invoke('agents.limits', {}),
  /** Runs a command agent's program once with a sample task (`agents.test`). */
  testAgent: (agent_id: string, description?: string) =>
    c().invoke('agents.test', description ? { agent_id, description } : { agent_id }),
  agentStats: (agent_id: string, start?: string) =>
    c().invoke('work.stats', start ? { agent_id, start } : { agent_id }),
  /** Who does best at a skill, best first (since `start`, else ever). */
  leaderboard: (skill: string, start?: string) =>
    c().invoke('agents.leaderboard', start ? { skill, start } : { skill }),
  importAgents: (agents: unknown) => c().invoke('agents.import', { agents }),
  /** An example Baton ships: its agents, notes and plans (example-bundle.ts). */
  loadExample: (bundle: ExampleBundle) => loadExampleBundle(c(), bundle),
  readMemory: (memory_id: string) => c().invoke('memory.read', { memory_id }),
  searchMemory: (query: string, filter: Record<string, string | undefined> = {}) =>
    c().invoke('memory.search', {
      ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)),
      ...(query ? { query } : {}),
      limit: MEMORY_LIST_LIMIT,
    }),
  listAudit: (query: string, filter: Omit<MethodInput<'audit.list'>, 'query' | 'limit'> = {}) =>
    c().invoke('audit.list', { ...filter, ...(query ? { query } : {}), limit: AUDIT_LIST_LIMIT }),
  /** A task's audit entries in a run, and its approvals', oldest first. */
  taskHistory: (run_id: string, task_id: string) => c().invoke('audit.list', { run_id, task_id, limit: 500 }),
  draftPlan: (goal: string) => c().invoke('scope.draft', { goal }),
  listApprovals: () => c().invoke('approvals.list', { status: 'pending' }),
  /** Every approval of a run, decided or not, oldest first (the timeline draws the waits for a person). */
  runApprovals: (run_id: string) => c().invoke('approvals.list', { run_id }),
  /** Approvals nobody answered before their asker stopped waiting (a tool call whose CLI gave up). */
  listExpiredApprovals: () => c().invoke('approvals.list', { status: 'expired' }),
  /** The latest decisions (approved, rejected, changes requested), the latest first. */
  listDecidedApprovals: (limit: number) => c().invoke('approvals.list', { status: 'decided', limit }),
  /** `input`: a tool call approved with the arguments a person edited. */
  decideApproval: (
    approval_id: string,
    decision: 'approve' | 'reject',
    actor: string,
    comment?: string,
    input?: Record<string, unknown>,
    /** An approved tool call: also for the rest of its task, or always for its agent. */
    scope?: ToolCallScope,
  ) =>
    c().invoke('approvals.decide', {
      approval_id,
      decision,
      actor,
      ...(comment ? { comment } : {}),
      ...(input ? { input } : {}),
      ...(scope && scope !== 'once' ? { scope } : {}),
    }),
  /** What a tool call that writes a file would change, with the agent's arguments or `input` as edited. */
  /** A best-of task's diff review: another candidate made the winner, in `actor`'s name. */
  pickCandidate: (approval_id: string, candidate: number, actor: string) =>
    c().invoke('approvals.pickCandidate', { approval_id, candidate, actor }),
  /** What a diff review's branch changed since the commit the task's earlier review saw. */
  diffSinceReview: (approval_id: string) => c().invoke('approvals.diffSinceReview', { approval_id }),
  previewToolCall: (approval_id: string, input?: Record<string, unknown>) =>
    c().invoke('toolCalls.preview', input ? { approval_id, input } : { approval_id }),
  /** Asks for changes to a diff under review: a comment, and comments on lines of the diff. */
  requestChanges: (approval_id: string, actor: string, comment: string, line_comments: LineComment[]) =>
    c().invoke('approvals.decide', {
      approval_id,
      decision: 'request_changes',
      actor,
      comment,
      line_comments,
    }),
  inbox: (agent_id: string) => c().invoke('work.inbox', { agent_id }),
  taskContext: (agent_id: string, run_id: string, task_id: string) =>
    c().invoke('work.context', { agent_id, run_id, task_id }),
  takeTask: (agent_id: string, run_id: string, task_id: string) =>
    c().invoke('work.execute', { agent_id, run_id, task_id }),
  finishTask: (
    agent_id: string,
    run_id: string,
    task_id: string,
    ok: boolean,
    text: string,
    files: HandedFile[] = [],
  ) =>
    c().invoke('work.complete', {
      agent_id,
      run_id,
      task_id,
      status: ok ? 'completed' : 'failed',
      ...(ok ? { output: { text } } : { error: text || 'failed by a person' }),
      ...(ok && files.length > 0 ? { files } : {}),
    }),
  /** Everyone's tasks: every task waiting for a person, and every task a person holds. */
  teamTasks: () => c().invoke('work.team', {}),
  /** Hands a waiting or held task to another person; `actor` is who does it (the audit log's). */
  reassignTask: (run_id: string, task_id: string, to_agent_id: string, actor: string, note: string) =>
    c().invoke('work.reassign', { run_id, task_id, to_agent_id, actor, ...(note.trim() ? { note } : {}) }),
  /** A task the person holds goes back to the queue, its attempt given back (not failed). */
  giveBackTask: (agent_id: string, run_id: string, task_id: string, actor: string, note: string) =>
    c().invoke('work.giveBack', { agent_id, run_id, task_id, actor, ...(note.trim() ? { note } : {}) }),
  taskLogs: (run_id: string, task_id: string) => c().invoke('runs.taskLogs', { run_id, task_id }),
  taskProgress: (run_id: string, task_id: string) => c().invoke('runs.taskProgress', { run_id, task_id }),
  taskArtifacts: (run_id: string, task_id: string) => c().invoke('runs.taskArtifacts', { run_id, task_id }),
  taskAttempts: (run_id: string, task_id: string) => c().invoke('runs.taskAttempts', { run_id, task_id }),
  /** Up to 1 MB of an artifact from `offset`; in base64 when asked (reading it whole, part by part). */
  readArtifact: (artifact_id: number, offset = 0, encoding: 'auto' | 'base64' = 'auto') =>
    c().invoke('runs.readArtifact', { artifact_id, offset, encoding }),
  cancelTask: (run_id: string, task_id: string, actor: string) =>
    c().invoke('runs.cancelTask', { run_id, task_id, actor }),
  rerun: (run_id: string, task_id: string) => c().invoke('runs.rerun', { run_id, task_id }),
  /** Retries a failed task inside its run while the run executes (`runs.retryTask`); a coding task from its start with `start_clean`. */
  retryTask: (run_id: string, task_id: string, actor: string, start_clean = false) =>
    c().invoke('runs.retryTask', { run_id, task_id, actor, start_clean }),
  listWorkspaces: () => c().invoke('workspaces.list', {}),
  addWorkspace: (input: MethodInput<'workspaces.add'>) => c().invoke('workspaces.add', input),
  updateWorkspace: (input: MethodInput<'workspaces.update'>) => c().invoke('workspaces.update', input),
  /** The folders in a folder of this machine (the folder picker). */
  browseFolders: (path?: string) => c().invoke('workspaces.browse', path === undefined ? {} : { path }),
  /** A folder about to be registered: its top folder, branch and origin. */
  inspectFolder: (path: string) => c().invoke('workspaces.inspect', { path }),
  /** What the workspace's checks find: their PATH, the node it gives, sh. */
  checkEnv: (workspace_id: string) => c().invoke('workspaces.checkEnv', { workspace_id }),
  agentAllowedHosts: (agent_id: string) => c().invoke('agents.allowedHosts', { agent_id }),
  forgetAgentHost: (agent_id: string, host: string) => c().invoke('agents.forgetHost', { agent_id, host }),
  /** The tools a person allowed "always for this agent" on its tool-call approvals. */
  agentToolGrants: (agent_id: string) => c().invoke('agents.toolGrants', { agent_id }),
  forgetAgentToolGrant: (agent_id: string, tool: string) =>
    c().invoke('agents.forgetToolGrant', { agent_id, tool }),
  workspaceAllowedHosts: (workspace_id: string) => c().invoke('workspaces.allowedHosts', { workspace_id }),
  forgetWorkspaceHost: (workspace_id: string, host: string) =>
    c().invoke('workspaces.forgetHost', { workspace_id, host }),
  removeWorkspace: (workspace_id: string) => c().invoke('workspaces.remove', { workspace_id }),
  pruneWorkspace: (workspace_id: string, include_kept: boolean) =>
    c().invoke('workspaces.prune', { workspace_id, include_kept }),
  detectClis: () => c().invoke('workspaces.detectClis', {}),
  /** A task's steps (an agent that thinks in turns), every attempt, in order. */
  taskSteps: (run_id: string, task_id: string) => c().invoke('runs.steps', { run_id, task_id }),
  runSessions: (run_id: string) => c().invoke('runs.sessions', { run_id }),
  runLandings: (run_id: string) => c().invoke('runs.landings', { run_id }),
  allLandings: () => c().invoke('runs.landings', {}),
  /** Lands a run as its plan says (again after a failure), or now as asked (`how`: push or a pull request, of one done task or the run). */
  landRun: (input: LandRequest) => c().invoke('runs.land', input),
  /** A coding task's checkpoints: its worktree after each turn that changed files (docs/checkpoints.md). */
  checkpoints: (run_id: string, task_id: string) => c().invoke('runs.checkpoints', { run_id, task_id }),
  /** One turn's changes against the checkpoint before. */
  checkpointDiff: (run_id: string, task_id: string, attempt: number, turn: number) =>
    c().invoke('runs.checkpointDiff', { run_id, task_id, attempt, turn }),
  /** The task's worktree put back at a turn, in `actor`'s name (only while no attempt of it runs). */
  revertToTurn: (run_id: string, task_id: string, attempt: number, turn: number, actor: string) =>
    c().invoke('runs.revertToTurn', { run_id, task_id, attempt, turn, actor }),
  keepWorktree: (run_id: string, task_id: string, keep: boolean) =>
    c().invoke('runs.keepWorktree', { run_id, task_id, keep }),
  /** `create`: the target is a new branch, made from each workspace's base branch. */
  mergeBranches: (run_id: string, target: string, mode: 'ff' | 'merge', create: boolean) =>
    c().invoke('runs.mergeBranches', { run_id, target, mode, create }),
  /** A coding task's kept work in progress: its commit message, files and diff; resumed in a new run, or discarded. */
  keptWork: (run_id: string, task_id: string) => c().invoke('runs.keptWork', { run_id, task_id }),
  resumeWork: (run_id: string, task_id: string) => c().invoke('runs.resumeWork', { run_id, task_id }),
  discardWork: (run_id: string, task_id: string) => c().invoke('runs.discardWork', { run_id, task_id }),
  /** Baton's task branches of a workspace, and deleting those a person chose. */
  workspaceBranches: (workspace_id: string) => c().invoke('workspaces.branches', { workspace_id }),
  deleteBranches: (input: MethodInput<'workspaces.deleteBranches'>) =>
    c().invoke('workspaces.deleteBranches', input),
  // Reach: webhooks out, schedules, triggers in, notifications.
  listWebhooks: () => c().invoke('webhooks.list', {}),
  addWebhook: (input: MethodInput<'webhooks.add'>) => c().invoke('webhooks.add', input),
  updateWebhook: (input: MethodInput<'webhooks.update'>) => c().invoke('webhooks.update', input),
  removeWebhook: (webhook_id: string) => c().invoke('webhooks.remove', { webhook_id }),
  webhookDeliveries: (webhook_id?: string) =>
    c().invoke('webhooks.deliveries', webhook_id ? { webhook_id, limit: 100 } : { limit: 100 }),
  redeliver: (delivery_id: string) => c().invoke('webhooks.redeliver', { delivery_id }),
  /** A plan's schedules, or every plan's. */
  listSchedules: (plan_id?: string) => c().invoke('schedules.list', plan_id ? { plan_id } : {}),
  addSchedule: (input: MethodInput<'schedules.add'>) => c().invoke('schedules.add', input),
  removeSchedule: (schedule_id: string) => c().invoke('schedules.remove', { schedule_id }),
  setScheduleEnabled: (schedule_id: string, enabled: boolean) =>
    c().invoke('schedules.setEnabled', { schedule_id, enabled }),
  previewSchedule: (cron: string, timezone: string) =>
    c().invoke('schedules.preview', { cron, timezone, count: 5 }),
  listTriggers: () => c().invoke('triggers.list', {}),
  addTrigger: (input: MethodInput<'triggers.add'>) => c().invoke('triggers.add', input),
  addGithubIssuesTrigger: (input: MethodInput<'triggers.addGithubIssues'>) =>
    c().invoke('triggers.addGithubIssues', input),
  removeTrigger: (trigger_id: string) => c().invoke('triggers.remove', { trigger_id }),
  listWorkerTokens: () => c().invoke('workers.tokens.list', {}),
  createWorkerToken: (input: MethodInput<'workers.tokens.create'>) =>
    c().invoke('workers.tokens.create', input),
  revokeWorkerToken: (token_id: string) => c().invoke('workers.tokens.revoke', { token_id }),
  notificationSettings: () => c().invoke('notifications.settings', {}),
  configureNotification: (kind: MethodInput<'notifications.configure'>['kind'], enabled: boolean) =>
    c().invoke('notifications.configure', { kind, enabled }),
};
