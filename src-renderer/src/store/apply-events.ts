import type { EventBatch } from '../../../src-shared/contract/events.ts';
import type { TaskLogLine, TaskRun } from '../../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../../src-shared/schemas/step.ts';
import { openNotification, showInBrowser } from '../notify/notifications.ts';
import { useBaton } from './index.ts';

/**
 * Applies pushed events. main.tsx calls it with everything that arrived, at most every 100 ms
 * while events keep coming (every 150 ms under a flood).
 */
export function applyEvents(batch: EventBatch): void {
  const s = useBaton.getState();
  const tasks: TaskRun[] = [];
  const logs: TaskLogLine[] = [];
  const steps: StoredStep[] = [];
  let approvalsChanged = false;
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
      case 'agent.updated':
        s.upsertAgent(ev.payload);
        break;
      case 'agent.removed':
        s.dropAgent(ev.payload.id);
        break;
      case 'approval.changed':
        approvalsChanged = true;
        break;
      case 'task.step':
        steps.push(ev.payload);
        break;
      case 'session.updated':
        s.upsertSession(ev.payload);
        workspaceUseChanged = true;
        break;
      case 'workspace.updated':
        s.upsertWorkspace(ev.payload);
        break;
      case 'workspace.removed':
        s.dropWorkspace(ev.payload.id);
        break;
      case 'notification':
        showInBrowser(ev.payload);
        break;
      case 'notification.opened':
        void openNotification(ev.payload);
        break;
    }
  }
  s.upsertTaskRuns(tasks);
  s.appendLogs(logs);
  s.applySteps(steps);
  if (approvalsChanged) void s.loadApprovals();
  if (workspaceUseChanged) s.refreshWorkspaces();
  // A person's inbox (and its count in the sidebar) follows the runs: read again when tasks moved.
  if (tasks.length > 0 && s.humanAgentId) s.refreshInbox();
}
