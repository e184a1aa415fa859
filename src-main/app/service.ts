import type { BatonHandlers } from '../../src-shared/contract/index.ts';
import { workspaceHandlers, worktreeHandlers } from '../agents/coding/index.ts';
import { terminalHandlers } from '../agents/coding/terminal/index.ts';
import { scopeHandlers, toolCallHandlers } from '../agents/index.ts';
import { peopleHandlers } from '../people/index.ts';
import { agentHandlers } from './agents.ts';
import { approvalHandlers } from './approvals.ts';
import { auditHandlers } from './audit.ts';
import type { AppContext } from './context.ts';
import { inboxHandlers } from './inbox.ts';
import { memoryHandlers } from './memory.ts';
import { planHandlers } from './plans.ts';
import { projectHandlers } from './projects.ts';
import { runHandlers } from './runs.ts';
import { secretHandlers } from './secrets.ts';
import { spendHandlers } from './spend.ts';
import { workHandlers } from './work.ts';

/** The application service: every contract method, implemented once over engine and store. */
export function createHandlers(ctx: AppContext): BatonHandlers {
  return {
    ...projectHandlers(ctx),
    ...planHandlers(ctx),
    ...runHandlers(ctx),
    ...agentHandlers(ctx),
    ...memoryHandlers(ctx),
    ...auditHandlers(ctx),
    ...approvalHandlers(ctx),
    ...inboxHandlers(ctx),
    ...workHandlers(ctx),
    ...ctx.workers.handlers(),
    ...scopeHandlers(ctx),
    ...secretHandlers(ctx),
    ...spendHandlers(ctx),
    ...toolCallHandlers(ctx),
    ...workspaceHandlers(ctx),
    ...worktreeHandlers(ctx),
    ...ctx.reach.handlers(),
    ...peopleHandlers(ctx.people),
    ...terminalHandlers(ctx.terminals),
  };
}
