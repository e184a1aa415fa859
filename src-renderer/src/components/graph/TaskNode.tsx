import type { Node, NodeHandle, NodeProps, ReactFlowState } from '@xyflow/react';
import { Handle, Position, useStore } from '@xyflow/react';
import { memo } from 'react';
import type { TaskStatus } from '../../../../src-shared/schemas/plain/run.ts';
import type { Priority } from '../../../../src-shared/schemas/plan.ts';
import type { CardBadge } from '../../designer/card-badges.ts';
import { FOR_PERSON_LABEL, STATUS_LABEL } from '../shared/status-label.ts';

export interface TaskNodeData extends Record<string, unknown> {
  taskId: string;
  description: string;
  skills: string[];
  priority: Priority;
  status: TaskStatus | null;
  agentId: string | null;
  reason: string | null;
  /** Added while the run went on (by a decider). */
  added?: boolean;
  /** 0–100 while the agent reports progress. */
  progress?: number | null;
  /** How the task differs in the version it is compared with (the version history's graph). */
  mark?: VersionMark | undefined;
  /** Settings worth seeing without opening the task (the designer): approval, cost, retries… */
  badges?: readonly CardBadge[] | undefined;
  /** Laid out top to bottom (a small run graph in a tall pane): arrows enter at the top, leave at the bottom. */
  vertical?: boolean | undefined;
  /** Waits for a person (awaiting approval, or ready for a human agent): drawn in its own colour. */
  forPerson?: boolean | undefined;
}

/** A task in one version compared with another: new in it, changed, or gone from the other. */
export type VersionMark = 'new' | 'changed' | 'removed';
const MARK_LABEL: Record<VersionMark, string> = {
  new: 'new in this version',
  changed: 'changed',
  removed: 'removed since',
};
export type TaskNodeType = Node<TaskNodeData, 'task'>;

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 104;
/**
 * A card's size, given to React Flow as already measured: it waits for every card to be
 * measured before a queued Fit view runs, and with only the cards on screen drawn, cards never
 * drawn yet would keep Fit view from doing anything. Every card is this size (styles/graph.css).
 */
export const CARD_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT } as const;
/** The card's 6 px handles, centred on its left and right edges (React Flow's handle CSS). */
const HANDLE = 6;
/**
 * Where a card's handles are, known in advance: React Flow then draws edges at once and does
 * not measure each card as it appears (a ResizeObserver pass and a re-render for every card
 * that comes into view: the hitch when zooming in from the overview).
 */
export const CARD_HANDLES: NodeHandle[] = [
  {
    type: 'target',
    position: Position.Left,
    x: -HANDLE / 2,
    y: (NODE_HEIGHT - HANDLE) / 2,
    width: HANDLE,
    height: HANDLE,
  },
  {
    type: 'source',
    position: Position.Right,
    x: NODE_WIDTH - HANDLE / 2,
    y: (NODE_HEIGHT - HANDLE) / 2,
    width: HANDLE,
    height: HANDLE,
  },
];

/** The handles of a card laid out top to bottom: centred on its top and bottom edges. */
export const CARD_HANDLES_VERTICAL: NodeHandle[] = [
  {
    type: 'target',
    position: Position.Top,
    x: (NODE_WIDTH - HANDLE) / 2,
    y: -HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  },
  {
    type: 'source',
    position: Position.Bottom,
    x: (NODE_WIDTH - HANDLE) / 2,
    y: NODE_HEIGHT - HANDLE / 2,
    width: HANDLE,
    height: HANDLE,
  },
];

/** Below this zoom a node is drawn as a coloured box with its id: thousands stay smooth. */
const DETAIL_ZOOM = 0.45;
const zoomedOut = (s: ReactFlowState) => s.transform[2] < DETAIL_ZOOM;

/** A task as a card; below DETAIL_ZOOM, a coloured box with its id. */
export function TaskCard({ data }: { data: TaskNodeData }) {
  const status = data.status;
  const small = useStore(zoomedOut);
  const mark = data.mark;
  // A task ready for a person says so: it is not just any ready task.
  const person = status === 'ready' && data.forPerson === true;
  const words = status ? (person ? FOR_PERSON_LABEL : STATUS_LABEL[status]) : null;
  const label = `Task ${data.taskId}${words ? `: ${words}` : ''}${mark ? `, ${MARK_LABEL[mark]}` : ''}`;
  const marked = `${mark ? ` mark-${mark}` : ''}${data.forPerson ? ' for-person' : ''}`;
  const into = data.vertical ? Position.Top : Position.Left;
  const out = data.vertical ? Position.Bottom : Position.Right;
  if (small) {
    return (
      <article className={`task-node mini node-${status ?? 'none'}${marked}`} aria-label={label}>
        <Handle type="target" position={into} />
        <span className="task-id">{data.taskId}</span>
        <Handle type="source" position={out} />
      </article>
    );
  }
  const badges = data.badges && data.badges.length > 0 ? data.badges : null;
  return (
    <article
      className={`task-node node-${status ?? 'none'}${marked}${badges ? ' has-badges' : ''}`}
      aria-label={label}
      title={data.reason ?? data.description}
    >
      <Handle type="target" position={into} />
      <header>
        <span className="task-id">
          {data.added && (
            <span className="added-mark" title="Added by the decider">
              ✦{' '}
            </span>
          )}
          {data.taskId}
        </span>
        {status && <span className={`pill ${person ? 'status-person' : `status-${status}`}`}>{words}</span>}
        {mark && <span className={`pill version-${mark}`}>{MARK_LABEL[mark]}</span>}
      </header>
      <p className="task-desc">{data.description || <em>No description</em>}</p>
      {badges && (
        <ul className="card-badges" aria-label={`Settings of ${data.taskId}`}>
          {badges.map((b) => (
            <li key={b.kind} className={`card-badge badge-${b.kind}`} title={b.title} aria-label={b.title}>
              {b.text}
            </li>
          ))}
        </ul>
      )}
      {status === 'in_progress' && typeof data.progress === 'number' && (
        <div
          className="node-progress"
          role="progressbar"
          aria-label={`${data.taskId} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={data.progress}
        >
          <div style={{ transform: `scaleX(${data.progress / 100})` }} />
        </div>
      )}
      <footer>
        {data.agentId ? (
          <span className="agent">→ {data.agentId}</span>
        ) : (
          <span className="skills">{data.skills.join(' · ') || 'no skills required'}</span>
        )}
        {data.priority !== 'MEDIUM' && <span className={`prio prio-${data.priority}`}>{data.priority}</span>}
      </footer>
      <Handle type="source" position={out} />
    </article>
  );
}

/** The designer's node: everything it shows is in its data. */
export const TaskNode = memo(function TaskNode({ data }: NodeProps<TaskNodeType>) {
  return <TaskCard data={data} />;
});
