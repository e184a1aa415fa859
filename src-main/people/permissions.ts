import type { CallContext } from '../../src-shared/contract/caller.ts';
import type { MethodName } from '../../src-shared/contract/index.ts';
import type { Role } from '../../src-shared/schemas/plain/people.ts';
import { roleAtLeast } from '../../src-shared/schemas/plain/people.ts';
import { AppError } from '../base/errors.ts';

/**
 * The least role each contract method needs, one entry per method (the compiler asks for a new
 * method's): `viewer` reads, `member` runs and decides work, `admin` changes what Baton is set up
 * with (agents, workspaces, secrets, reach, people, worker tokens), `owner` what only the
 * machine's owner may. A decision is checked again against the approval's own deciders
 * (`approvals.decide`); a personal token is held to the lesser of its role and its person's.
 */
export const LEAST_ROLE: { readonly [M in MethodName]: Role } = {
  'projects.list': 'viewer',
  'projects.save': 'member',
  'spend.report': 'viewer',
  'spend.budgets': 'viewer',
  'spend.prices.list': 'viewer',
  // What every later model call costs: a setting of the Baton, as an agent's or workspace's is.
  'spend.prices.set': 'admin',
  'plans.list': 'viewer',
  'plans.get': 'viewer',
  'plans.versions': 'viewer',
  'plans.restore': 'member',
  'plans.import': 'member',
  'plans.validate': 'viewer',
  'plans.delete': 'member',
  'plans.archive': 'member',
  'plans.spend': 'viewer',
  'runs.start': 'member',
  'runs.list': 'viewer',
  'runs.get': 'viewer',
  'runs.cancel': 'member',
  'runs.rerun': 'member',
  'runs.retryTask': 'member',
  'runs.cancelTask': 'member',
  // Words a person sends into a running agent's session: work, as deciding is.
  'runs.say': 'member',
  'runs.interrupt': 'member',
  'runs.pause': 'member',
  'runs.resume': 'member',
  'runs.listening': 'viewer',
  // A shell in a task's worktree (its agent's sandbox): work, as telling the agent is.
  'terminals.open': 'member',
  'terminals.get': 'viewer',
  'terminals.close': 'member',
  'terminals.commit': 'member',
  'terminals.attach': 'member',
  'terminals.input': 'member',
  'runs.turns': 'viewer',
  'runs.taskLogs': 'viewer',
  'runs.taskProgress': 'viewer',
  'runs.taskArtifacts': 'viewer',
  'runs.taskAttempts': 'viewer',
  'runs.readArtifact': 'viewer',
  'runs.waiting': 'viewer',
  'runs.addTask': 'member',
  'runs.spend': 'viewer',
  'runs.steps': 'viewer',
  'runs.sessions': 'viewer',
  'runs.keepWorktree': 'member',
  'runs.checkpoints': 'viewer',
  'runs.checkpointDiff': 'viewer',
  // Undoes an agent's turns in its worktree: work, as deciding is.
  'runs.revertToTurn': 'member',
  'runs.keptWork': 'viewer',
  'runs.resumeWork': 'member',
  'runs.discardWork': 'member',
  'runs.mergeBranches': 'member',
  'runs.landings': 'viewer',
  'runs.land': 'member',
  // Agents run programs on this machine: setting them up is an admin's.
  'agents.list': 'viewer',
  'agents.limits': 'viewer',
  'agents.import': 'admin',
  'agents.create': 'admin',
  'agents.save': 'admin',
  'agents.remove': 'admin',
  'agents.sandbox': 'viewer',
  'agents.detectAcp': 'admin',
  'agents.routeFacts': 'viewer',
  'agents.allowedHosts': 'viewer',
  'agents.forgetHost': 'admin',
  'agents.toolGrants': 'viewer',
  'agents.forgetToolGrant': 'admin',
  'agents.leaderboard': 'viewer',
  'agents.probe': 'member',
  'agents.test': 'admin',
  'memory.read': 'viewer',
  'memory.search': 'viewer',
  'memory.write': 'member',
  'audit.list': 'viewer',
  'approvals.list': 'viewer',
  'approvals.decide': 'member',
  'approvals.diffSinceReview': 'viewer',
  'approvals.pickCandidate': 'member',
  'inbox.ask': 'member',
  'inbox.wait': 'member',
  'inbox.expire': 'member',
  'work.selectNext': 'member',
  'work.context': 'viewer',
  'work.execute': 'member',
  'work.progress': 'member',
  'work.complete': 'member',
  'work.inbox': 'viewer',
  'work.team': 'viewer',
  'work.reassign': 'member',
  'work.giveBack': 'member',
  'work.stats': 'viewer',
  // The worker protocol (WORKER_PROTOCOL below): a remote worker's own calls, which its worker token
  // makes. A person making them registers agents and acts as a worker: an admin's right.
  'workers.register': 'admin',
  'workers.heartbeat': 'admin',
  'workers.report': 'admin',
  'workers.leave': 'admin',
  'workers.claim': 'admin',
  'workers.list': 'viewer',
  'workers.tokens.create': 'admin',
  'workers.tokens.list': 'admin',
  'workers.tokens.revoke': 'admin',
  'scope.draft': 'member',
  'secrets.list': 'admin',
  'secrets.set': 'admin',
  'secrets.delete': 'admin',
  'toolCalls.preview': 'viewer',
  'workspaces.list': 'viewer',
  'workspaces.add': 'admin',
  'workspaces.update': 'admin',
  'workspaces.allowedHosts': 'viewer',
  'workspaces.forgetHost': 'admin',
  'workspaces.remove': 'admin',
  'workspaces.prune': 'admin',
  'workspaces.branches': 'viewer',
  'workspaces.deleteBranches': 'member',
  'workspaces.detectClis': 'admin',
  // What a folder of this machine holds (names, a repository's branch and origin): the machine's to show.
  'workspaces.browse': 'admin',
  'workspaces.inspect': 'admin',
  // Which node and PATH a workspace's checks get: the machine's programs, asked to say their version.
  'workspaces.checkEnv': 'member',
  'webhooks.list': 'admin',
  'webhooks.add': 'admin',
  'webhooks.update': 'admin',
  'webhooks.remove': 'admin',
  'webhooks.deliveries': 'admin',
  'webhooks.redeliver': 'admin',
  'schedules.list': 'viewer',
  'schedules.add': 'admin',
  'schedules.remove': 'admin',
  'schedules.setEnabled': 'admin',
  'schedules.preview': 'viewer',
  'triggers.list': 'admin',
  'triggers.add': 'admin',
  'triggers.addGithubIssues': 'admin',
  'triggers.issues': 'viewer',
  'triggers.remove': 'admin',
  'notifications.settings': 'viewer',
  // One setting for everyone (every window, every person's push): a member's choice turned an
  // admin's approvals off too.
  'notifications.configure': 'admin',
  // Each person's own browsers: a viewer hears how runs end too.
  'push.key': 'viewer',
  'push.subscribe': 'viewer',
  'push.unsubscribe': 'viewer',
  'push.list': 'viewer',
  'push.test': 'viewer',
  'slack.settings': 'admin',
  'slack.configure': 'admin',
  'slack.check': 'admin',
  'slack.people': 'admin',
  'slack.linkPerson': 'admin',
  // Each person's own (their password, passkeys, tokens, sessions) needs no more than viewer.
  'people.me': 'viewer',
  'people.setupOwner': 'owner',
  'people.list': 'viewer',
  'people.invite': 'admin',
  'people.invites': 'admin',
  'people.revokeInvite': 'admin',
  'people.setRole': 'admin',
  'people.remove': 'admin',
  'people.setPassword': 'viewer',
  'people.signOutEverywhere': 'viewer',
  'people.passkeys': 'viewer',
  'people.removePasskey': 'viewer',
  'people.tokens': 'viewer',
  'people.createToken': 'viewer',
  'people.revokeToken': 'viewer',
  'worktrees.editors': 'viewer',
  // The editor and the command Open in editor runs on this machine: a setting of the Baton.
  'worktrees.saveSettings': 'admin',
  'worktrees.place': 'viewer',
  'worktrees.ports': 'viewer',
  // Starts the editor Settings names (never a program the caller names) on a worktree Baton owns.
  'worktrees.open': 'member',
  'worktrees.list': 'viewer',
  'worktrees.archive': 'member',
};

/**
 * The calls a remote worker makes as itself. A worker token reaches them (and nothing else but its
 * agents' pull routes), each held by the host to the one worker the token is bound to
 * (`host/rest/worker-scope.ts`); anyone else needs their least role above.
 */
const WORKER_PROTOCOL: ReadonlySet<MethodName> = new Set([
  'workers.register',
  'workers.heartbeat',
  'workers.report',
  'workers.leave',
  'workers.claim',
]);

/** Refuses a call the caller's role does not reach, saying which role it needs. */
export function authorize(method: MethodName, call: CallContext): void {
  if (call.via === 'worker' && WORKER_PROTOCOL.has(method)) return;
  const least = LEAST_ROLE[method];
  if (roleAtLeast(call.role, least)) return;
  const who = call.person ? `${call.person.name} is a ${call.role}` : `this caller is a ${call.role}`;
  throw new AppError('forbidden', `${method} needs the ${least} role; ${who}`);
}
