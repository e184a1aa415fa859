import type { MiniMapNodeProps, Node, NodeProps } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import type { Priority } from '../../../../src-shared/schemas/plan.ts';
import type { CardBadge } from '../../designer/card-badges.ts';
import { TONE } from '../../graph/overview-draw.ts';
import { useBaton } from '../../store/index.ts';
import { waitsForPerson } from '../shared/status-label.ts';
import type { VersionMark } from './TaskNode.tsx';
import { TaskCard } from './TaskNode.tsx';

/** The run whose statuses colour the plan graph; undefined before the plan has run. */
export const ShownRun = createContext<string | undefined>(undefined);
/** The human agents' ids: a task ready for one of them waits for a person. */
export const HumanAgents = createContext<ReadonlySet<string>>(new Set());

/** What a run-view node knows from the plan; its status comes from the store, per task. */
export interface PlanTaskData extends Record<string, unknown> {
  taskId: string;
  description: string;
  skills: string[];
  priority: Priority;
  /** Added while the run went on (by a decider or an approval gate). */
  added: boolean;
  /** The decider's reasoning, for a task it added. */
  reasoning: string | null;
  /** In the version history: how the task differs in the version compared. */
  mark?: VersionMark | undefined;
  /** Laid out top to bottom. */
  vertical?: boolean | undefined;
  /** The task's settings worth seeing on its card: approval, cost, retries, a pinned agent… */
  badges?: readonly CardBadge[] | undefined;
}
export type PlanTaskNodeType = Node<PlanTaskData, 'planTask'>;

/**
 * A node of the run view. Each node subscribes to its own task run, so a streaming run
 * re-renders only the nodes on screen whose task changed, and React Flow's node list stays
 * the same object for the whole run.
 */
export const RunTaskNode = memo(function RunTaskNode({ data }: NodeProps<PlanTaskNodeType>) {
  const runId = useContext(ShownRun);
  const run = useBaton((s) => (runId ? s.runTasks[runId]?.[data.taskId] : undefined));
  const humans = useContext(HumanAgents);
  return (
    <TaskCard
      data={{
        taskId: data.taskId,
        description: data.description,
        skills: data.skills,
        priority: data.priority,
        status: run?.status ?? null,
        agentId: run?.agent_id ?? null,
        progress: run?.progress ?? null,
        reason:
          run?.reason ?? run?.error ?? (data.reasoning ? `Added by the decider: ${data.reasoning}` : null),
        added: data.added,
        mark: data.mark,
        vertical: data.vertical,
        badges: data.badges,
        forPerson: waitsForPerson(run, humans),
      }}
    />
  );
});

/** A task in the minimap, coloured by its own status in the run shown (the theme's status colours). */
export function MiniMapTask({ id, x, y, width, height, borderRadius }: MiniMapNodeProps) {
  const runId = useContext(ShownRun);
  const status = useBaton((s) => (runId ? s.runTasks[runId]?.[id]?.status : undefined));
  return (
    <rect
      className="react-flow__minimap-node"
      x={x}
      y={y}
      rx={borderRadius}
      width={width}
      height={height}
      style={{ fill: `var(--${status ? TONE[status] : 'idle'})` }}
    />
  );
}
