import type { Edge, NodeTypes } from '@xyflow/react';
import { Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import type { Plan, TaskSpec } from '../../../src-shared/schemas/plan.ts';
import type { Positions } from '../graph/layout.ts';
import { layoutAsync } from '../graph/layout-client.ts';
import type { PlanTaskNodeType } from './RunTaskNode.tsx';
import { MiniMapTask, RunTaskNode, ShownRun } from './RunTaskNode.tsx';
import { NODE_HEIGHT, NODE_WIDTH } from './TaskNode.tsx';

const nodeTypes: NodeTypes = { planTask: RunTaskNode };

interface Props {
  plan: Plan;
  /** Tasks a decider added to the run shown. */
  added?: TaskSpec[] | undefined;
  /** The run whose statuses colour the nodes. */
  runId: string | undefined;
  onSelectTask?: (taskId: string) => void;
}

/** The plan as a DAG; statuses of the selected run colour the nodes. */
export function PlanGraph({ plan: stored, added, runId, onSelectTask }: Props) {
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

  // One node object per task for the whole run: statuses are read by each node from the store.
  const nodes = useMemo<PlanTaskNodeType[]>(() => {
    if (!positions) return [];
    return plan.tasks.map((t) => {
      const inputs = t.inputs as {
        reasoning?: string;
        orchestrator_decision?: boolean;
        baton_gate?: boolean;
      };
      return {
        id: t.task_id,
        type: 'planTask',
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        position: positions[t.task_id] ?? { x: 0, y: 0 },
        data: {
          taskId: t.task_id,
          description: t.description,
          skills: t.required_skills,
          priority: t.priority,
          added: inputs?.orchestrator_decision === true || inputs?.baton_gate === true,
          reasoning: inputs?.reasoning ?? null,
        },
      };
    });
  }, [plan, positions]);

  if (layoutError) return <p role="alert">Could not lay out the plan: {layoutError}</p>;
  return (
    <section className="graph" aria-label="Plan graph">
      {positions ? (
        <ShownRun.Provider value={runId}>
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
              <MiniMap pannable zoomable ariaLabel="Plan overview" nodeComponent={MiniMapTask} />
            )}
            <Controls />
          </ReactFlow>
        </ShownRun.Provider>
      ) : (
        <p className="muted centered">Laying out {plan.tasks.length} tasks…</p>
      )}
    </section>
  );
}
