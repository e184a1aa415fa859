import type { EventBatch } from '../../../src-shared/contract/events.ts';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { TaskLogLine, TaskRun } from '../../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../../src-shared/schemas/step.ts';
import { terminalOutput } from '../api/terminal-socket.ts';
import { terminalChanged } from '../api/terminal-watch.ts';
import { openNotification, showInBrowser } from '../notify/notifications.ts';
import { useBaton } from './index.ts';

/**
 * Applies pushed events, each with what it carries: nothing is listed again because of one
 * (but for the two counts the host makes, below). main.tsx calls it with everything that
 * arrived, at most every 100 ms while events keep coming (every 150 ms under a flood).
 */
export function applyEvents(batch: EventBatch): void {
  const s = useBaton.getState();
  const tasks: TaskRun[] = [];
  const logs: TaskLogLine[] = [];
  const steps: StoredStep[] = [];
  const approvals: ApprovalView[] = [];
  // What the Workspaces list counts (worktrees, plans naming each) moved.
  let workspaceUseChanged = false;
  for (const ev of batch) {
    switch (ev.name) {
      case 'task.updated':
        tasks.push(ev.payload);
        break;
      case 'task.log':
        logs.push(ev.payload);
        break;
      case 'run.updated':
        s.upsertRun(ev.payload);
        break;
      case 'memory.written':
        s.upsertMemory(ev.payload);
        break;
      case 'plan.updated':
        s.upsertPlanSummary(ev.payload);
        workspaceUseChanged = true;
        break;
      case 'plan.removed':
        s.dropPlan(ev.payload.id);
        workspaceUseChanged = true;
        break;
      case 'agent.updated':
        s.upsertAgent(ev.payload);
        break;
      case 'agent.removed':
        s.dropAgent(ev.payload.id);
        break;
      case 'agent.limited':
        s.applyAgentLimit(ev.payload.limit, ev.payload.agent_ids, true);
        break;
      case 'agent.available':
        s.applyAgentLimit(ev.payload.limit, ev.payload.agent_ids, false);
        break;
      case 'approval.changed':
        approvals.push(ev.payload);
        break;
      case 'task.step':
        steps.push(ev.payload);
        break;
      case 'session.updated':
        s.upsertSession(ev.payload);
        workspaceUseChanged = true;
        break;
      case 'landing.updated':
        s.upsertLanding(ev.payload);
        break;
      case 'workspace.updated':
        s.upsertWorkspace(ev.payload);
        break;
      case 'workspace.removed':
        s.dropWorkspace(ev.payload.id);
        break;
      case 'webhook.updated':
        s.upsertReach('webhooks', ev.payload);
        break;
      case 'webhook.removed':
        s.dropReach('webhooks', ev.payload.id);
        break;
      case 'delivery.updated':
        s.upsertReach('deliveries', ev.payload);
        break;
      case 'schedule.updated':
        s.upsertReach('schedules', ev.payload);
        break;
      case 'schedule.removed':
        s.dropReach('schedules', ev.payload.id);
        break;
      case 'trigger.updated':
        s.upsertReach('triggers', ev.payload);
        break;
      case 'trigger.removed':
        s.dropReach('triggers', ev.payload.id);
        break;
      case 'workerToken.updated':
        s.upsertReach('workerTokens', ev.payload);
        break;
      case 'notification':
        showInBrowser(ev.payload);
        break;
      case 'notification.opened':
        void openNotification(ev.payload);
        break;
      case 'terminal.output':
        terminalOutput(ev.payload);
        break;
      case 'terminal.changed':
        terminalChanged(ev.payload);
        break;
    }
  }
  s.upsertTaskRuns(tasks);
  s.appendLogs(logs);
  s.applySteps(steps);
  s.applyApprovals(approvals);
  // Counts the host makes, which no event carries: what the Workspaces list counts, read again
  // when sessions or plans moved; a person's tasks (and their count in the sidebar), read again
  // when tasks moved (which tasks a person may take is the host's matching).
  if (workspaceUseChanged) s.refreshWorkspaces();
  if (tasks.length > 0 && s.humanAgentId) s.refreshInbox();
  if (tasks.length > 0) s.refreshTeam();
}
