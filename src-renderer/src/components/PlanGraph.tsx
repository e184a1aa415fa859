import type { Edge, NodeTypes } from '@xyflow/react';
import { Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Plan, TaskSpec } from '../../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import type { Positions } from '../graph/layout.ts';
import { layoutAsync } from '../graph/layout-client.ts';
import type { TaskNodeType } from './TaskNode.tsx';
import { NODE_HEIGHT, NODE_WIDTH, TaskNode } from './TaskNode.tsx';

const nodeTypes: NodeTypes = { task: TaskNode };

const MINIMAP_COLORS: Partial<Record<string, string>> = {
  done: '#1f9d55',
  failed: '#d64545',
  unassigned: '#d64545',
  in_progress: '#2f7dd1',
  ready: '#c48a12',
  blocked: '#c48a12',
  awaiting_approval: '#c48a12',
};
const minimapColor = (n: { data: Record<string, unknown> }) =>
  MINIMAP_COLORS[String(n.data.status)] ?? '#8a909c';

interface Props {
  plan: Plan;
  /** Tasks a decider added to the run shown. */
  added?: TaskSpec[] | undefined;
  tasks: Record<string, TaskRun> | undefined;
  onSelectTask?: (taskId: string) => void;
}

/** The plan as a DAG; statuses of the selected run colour the nodes. */
export function PlanGraph({ plan: stored, added, tasks, onSelectTask }: Props) {
  const plan = useMemo(
    () => (added && added.length > 0 ? { ...stored, tasks: [...stored.tasks, ...added] } : stored),
    [stored, added],
  );
  const [positions, setPositions] = useState<Positions | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);

  const edges = useMemo<Edge[]>(
    () =>
      plan.tasks.flatMap((t) =>
        t.depends_on.map((d) => ({ id: `${d}->${t.task_id}`, source: d, target: t.task_id })),
      ),
    [plan],
  );

  useEffect(() => {
    let live = true;
    setPositions(null);
    layoutAsync({
      nodes: plan.tasks.map((t) => ({ id: t.task_id, width: NODE_WIDTH, height: NODE_HEIGHT })),
      edges: plan.tasks.flatMap((t) => t.depends_on.map((d) => ({ source: d, target: t.task_id }))),
    }).then(
      (p) => live && setPositions(p),
      (err: Error) => live && setLayoutError(err.message),
    );
    return () => {
      live = false;
    };
  }, [plan]);

  // Node objects are reused while their task run is unchanged, so memoised nodes skip
  // re-rendering when one task of thousands changes.
  const cache = useRef(new Map<string, { run: TaskRun | undefined; node: TaskNodeType }>());
  const nodes = useMemo<TaskNodeType[]>(() => {
    if (!positions) return [];
    const next = new Map<string, { run: TaskRun | undefined; node: TaskNodeType }>();
    const list = plan.tasks.map((t) => {
      const run = tasks?.[t.task_id];
      const position = positions[t.task_id] ?? { x: 0, y: 0 };
      const hit = cache.current.get(t.task_id);
      if (hit && hit.run === run && hit.node.position === position) {
        next.set(t.task_id, hit);
        return hit.node;
      }
      const node: TaskNodeType = {
        id: t.task_id,
        type: 'task',
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        position,
        data: {
          taskId: t.task_id,
          description: t.description,
          skills: t.required_skills,
          priority: t.priority,
          status: run?.status ?? null,
          agentId: run?.agent_id ?? null,
          progress: run?.progress ?? null,
          reason:
            run?.reason ??
            run?.error ??
            ((t.inputs as { reasoning?: string } | undefined)?.reasoning
              ? `Added by the decider: ${(t.inputs as { reasoning: string }).reasoning}`
              : null),
          added:
            (t.inputs as { orchestrator_decision?: boolean; baton_gate?: boolean } | undefined)
              ?.orchestrator_decision === true ||
            (t.inputs as { baton_gate?: boolean } | undefined)?.baton_gate === true,
        },
      };
      next.set(t.task_id, { run, node });
      return node;
    });
    cache.current = next;
    return list;
  }, [plan, tasks, positions]);

  if (layoutError) return <p role="alert">Could not lay out the plan: {layoutError}</p>;
  return (
    <section className="graph" aria-label="Plan graph">
      {positions ? (
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
          nodesConnectable={false}
          onlyRenderVisibleElements
          onNodeClick={(_e, node) => onSelectTask?.(node.id)}
          colorMode="system"
          minZoom={0.05}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          {/* The minimap redraws every node on each pan or zoom: too costly for very large plans. */}
          {plan.tasks.length <= 1_000 && (
            <MiniMap pannable zoomable ariaLabel="Plan overview" nodeColor={minimapColor} />
          )}
          <Controls />
        </ReactFlow>
      ) : (
        <p className="muted centered">Laying out {plan.tasks.length} tasks…</p>
      )}
    </section>
  );
}
