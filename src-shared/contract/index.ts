import { agentMethods } from './domains/agents.ts';
import { approvalMethods } from './domains/approvals.ts';
import { auditMethods } from './domains/audit.ts';
import { inboxMethods } from './domains/inbox.ts';
import { memoryMethods } from './domains/memory.ts';
import { notificationMethods } from './domains/notifications.ts';
import { peopleMethods } from './domains/people.ts';
import { planMethods } from './domains/plans.ts';
import { projectMethods } from './domains/projects.ts';
import { pushMethods } from './domains/push.ts';
import { runMethods } from './domains/runs.ts';
import { scheduleMethods } from './domains/schedules.ts';
import { scopeMethods } from './domains/scope.ts';
import { secretMethods } from './domains/secrets.ts';
import { slackMethods } from './domains/slack.ts';
import { spendMethods } from './domains/spend.ts';
import { terminalMethods } from './domains/terminals.ts';
import { toolCallMethods } from './domains/tool-calls.ts';
import { triggerMethods } from './domains/triggers.ts';
import { webhookMethods } from './domains/webhooks.ts';
import { workMethods } from './domains/work.ts';
import { workerMethods } from './domains/workers.ts';
import { workspaceMethods } from './domains/workspaces.ts';
import { worktreeMethods } from './domains/worktrees.ts';
import type { HandlersOf, InputOf, OutputOf } from './method.ts';
import { mergeDomains } from './method.ts';

/** The whole contract: every domain's methods (one file each under `domains/`), merged once. */
export const contract = mergeDomains({
  projects: projectMethods,
  plans: planMethods,
  runs: runMethods,
  agents: agentMethods,
  memory: memoryMethods,
  audit: auditMethods,
  approvals: approvalMethods,
  inbox: inboxMethods,
  work: workMethods,
  workers: workerMethods,
  scope: scopeMethods,
  secrets: secretMethods,
  toolCalls: toolCallMethods,
  workspaces: workspaceMethods,
  webhooks: webhookMethods,
  schedules: scheduleMethods,
  triggers: triggerMethods,
  notifications: notificationMethods,
  push: pushMethods,
  slack: slackMethods,
  people: peopleMethods,
  spend: spendMethods,
  worktrees: worktreeMethods,
  terminals: terminalMethods,
});

export type Contract = typeof contract;
export type MethodName = keyof Contract & string;
export type BatonHandlers = HandlersOf<Contract>;
export type MethodInput<K extends MethodName> = InputOf<Contract[K]>;
export type MethodOutput<K extends MethodName> = OutputOf<Contract[K]>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(contract, name);
}

export * from './domains/agents.ts';
export * from './domains/approvals.ts';
export * from './domains/audit.ts';
export * from './domains/inbox.ts';
export * from './domains/memory.ts';
export * from './domains/notifications.ts';
export * from './domains/people.ts';
export * from './domains/plans.ts';
export * from './domains/projects.ts';
export * from './domains/push.ts';
export * from './domains/runs.ts';
export * from './domains/schedules.ts';
export * from './domains/scope.ts';
export * from './domains/secrets.ts';
export * from './domains/slack.ts';
export * from './domains/spend.ts';
export * from './domains/terminals.ts';
export * from './domains/tool-calls.ts';
export * from './domains/triggers.ts';
export * from './domains/webhooks.ts';
export * from './domains/work.ts';
export * from './domains/workers.ts';
export * from './domains/workspaces.ts';
export * from './errors.ts';
export * from './events.ts';
