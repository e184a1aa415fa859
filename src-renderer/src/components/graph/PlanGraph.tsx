import type { EdgeTypes, NodeTypes, ReactFlowInstance, Viewport } from '@xyflow/react';
import { Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Plan, TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import { cardBadges, cardContext } from '../../designer/card-badges.ts';
import { plural } from '../../format/plural.ts';
import type { Positions, Routes } from '../../graph/layout.ts';
import { layoutAsync } from '../../graph/layout-client.ts';
import { useBaton } from '../../store/index.ts';
import { useHumanIds } from '../shared/use-human-ids.ts';
import {
  CONTROLS_ROOM,
  dependencyEdges,
  EDGE_OPTIONS,
  fitBelowLegend,
  fittedViewport,
  fitZoom,
  keyPicked,
  MIN_ZOOM,
  MINIMAP_MAX_TASKS,
  NO_EDGES,
  OVERVIEW_MIN_TASKS,
  OverviewSwitch,
  overviewPick,
  READABLE,
  revealTask,
  startsAsOverview,
  useOverview,
} from './overview-mode.tsx';
import { PlanOverview } from './PlanOverview.tsx';
import { RoutedEdge, routedEdges } from './RoutedEdge.tsx';
import type { PlanTaskNodeType } from './RunTaskNode.tsx';
import { HumanAgents, MiniMapTask, RunTaskNode, ShownRun } from './RunTaskNode.tsx';
import { StatusLegend } from './StatusLegend.tsx';
import type { VersionMark } from './TaskNode.tsx';
import { CARD_HANDLES, CARD_HANDLES_VERTICAL, CARD_SIZE, NODE_HEIGHT, NODE_WIDTH } from './TaskNode.tsx';
import { useRefitOnResize } from './use-refit-on-resize.ts';

const nodeTypes: NodeTypes = { planTask: RunTaskNode };
const edgeTypes: EdgeTypes = { routed: RoutedEdge };

interface Props {
  plan: Plan;
  /** Tasks a decider added to the run shown. */
  added?: TaskSpec[] | undefined;
  /** The run whose statuses colour the nodes. */
  runId: string | undefined;
  onSelectTask?: (taskId: string) => void;
  /** The version history's marks: tasks new, changed or removed compared with another version. */
  marks?: ReadonlyMap<string, VersionMark> | undefined;
  /** The task whose details are open: its card is outlined. */
  selectedTaskId?: string | null | undefined;
  /**
   * A small plan may be laid out top to bottom when that fills the pane better (a chain of a few
   * tasks in a tall pane, as LangGraph Studio draws one): the run view's graph.
   */
  fillPane?: boolean | undefined;
  /** A small preview (a drafted plan in a dialog): no minimap and no zoom buttons. */
  compact?: boolean | undefined;
  /**
   * Always shown whole, fitted to its pane however small that makes it, and fitted again when
   * the pane changes size (a version's preview); a plan otherwise starts at a zoom it is read at.
   */
  fitWhole?: boolean | undefined;
}

/** The plan as a DAG; statuses of the selected run colour the nodes. */
export function PlanGraph({
  plan: stored,
  added,
  runId,
  onSelectTask,
  marks,
  selectedTaskId,
  fillPane,
  compact,
  fitWhole = false,
}: Props) {
  const plan = useMemo(
    () => (added && added.length > 0 ? { ...stored, tasks: [...stored.tasks, ...added] } : stored),
    [stored, added],
  );
  const box = useRef<HTMLElement>(null);
  const flow = useRef<ReactFlowInstance<PlanTaskNodeType> | null>(null);
  // The zoom buttons over the pane's bottom left: a fitted plan starts right of them.
  const clearLeft = compact ? 0 : CONTROLS_ROOM;
  const fit = useMemo(() => fitBelowLegend(box, clearLeft), [clearLeft]);
  const [layout, setLayout] = useState<{
    positions: Positions;
    routes: Routes;
    viewport: Viewport | undefined;
    vertical: boolean;
  } | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  const humans = useHumanIds();
  // What a coding task's card says of it (best of N, its checks, how it lands) needs the agents and workspaces.
  const agents = useBaton((s) => s.agents);
  const workspaces = useBaton((s) => s.workspaces);
  const [overview, setOverview] = useState(false);
  const large = plan.tasks.length > OVERVIEW_MIN_TASKS;

  const edges = useMemo(() => dependencyEdges(plan.tasks), [plan]);

  useEffect(() => {
    let live = true;
    setLayout(null);
    const input = {
      nodes: plan.tasks.map((t) => ({ id: t.task_id, width: NODE_WIDTH, height: NODE_HEIGHT })),
      edges,
    };
    const upright = fillPane && plan.tasks.length > 1 && plan.tasks.length <= READABLE.tasks;
    Promise.all([
      layoutAsync(input),
      upright ? layoutAsync({ ...input, direction: 'TB' }) : Promise.resolve(null),
    ]).then(
      ([across, down]) => {
        if (!live) return;
        // Top to bottom only when it is clearly the larger fit: left to right stays the rule.
        const vertical =
          down !== null &&
          fitZoom(down.positions, box.current) > 1.15 * fitZoom(across.positions, box.current);
        const { positions, routes } = vertical && down ? down : across;
        // Fit here rather than with React Flow's fitView, so a large plan that fits only when
        // zoomed out starts as the overview, without first rendering thousands of cards.
        const viewport = fittedViewport(positions, box.current, fitWhole, clearLeft);
        setOverview(startsAsOverview(plan.tasks.length, viewport));
        setLayout({ positions, routes, viewport, vertical });
      },
      (err: Error) => live && setLayoutError(err.message),
    );
    return () => {
      live = false;
    };
  }, [plan, edges, fillPane, fitWhole, clearLeft]);

  // One node object per task for the whole run: statuses are read by each node from the store.
  const nodes = useMemo<PlanTaskNodeType[]>(() => {
    if (!layout) return [];
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
        measured: CARD_SIZE,
        handles: layout.vertical ? CARD_HANDLES_VERTICAL : CARD_HANDLES,
        position: layout.positions[t.task_id] ?? { x: 0, y: 0 },
        data: {
          taskId: t.task_id,
          description: t.description,
          skills: t.required_skills,
          priority: t.priority,
          added: inputs?.orchestrator_decision === true || inputs?.baton_gate === true,
          reasoning: inputs?.reasoning ?? null,
          mark: marks?.get(t.task_id),
          vertical: layout.vertical,
          badges: cardBadges(t, cardContext(t, plan, agents, workspaces)),
        },
      };
    });
  }, [plan, layout, marks, agents, workspaces]);
  // Selecting a task replaces one node object, not all of them.
  const shown = useMemo(
    () =>
      selectedTaskId ? nodes.map((n) => (n.id === selectedTaskId ? { ...n, selected: true } : n)) : nodes,
    [nodes, selectedTaskId],
  );
  // The arrows through the routes the layout gave them: none passes under a card.
  const arrows = useMemo(() => routedEdges(edges, layout?.routes), [edges, layout]);
  // The overview canvas: the nodes hidden and its scene, while it is shown.
  const canvas = useOverview(overview, nodes, edges);
  useRefitOnResize(box, flow, layout?.viewport, () => layout?.positions, fitWhole, clearLeft);
  // A task selected elsewhere (the task table, a search) is brought into view when it is off
  // screen; the view does not move for one in sight (a click on the graph itself).
  useEffect(() => {
    if (selectedTaskId) revealTask(flow.current, box.current, layout?.positions[selectedTaskId]);
  }, [selectedTaskId, layout]);

  if (layoutError) return <p role="alert">Could not lay out the plan: {layoutError}</p>;
  return (
    <section
      className="graph"
      aria-label="Plan graph"
      ref={box}
      onKeyDown={(e) => {
        const id = keyPicked(e);
        if (id) onSelectTask?.(id);
      }}
    >
      {runId && !compact && <StatusLegend />}
      {layout ? (
        <ShownRun.Provider value={runId}>
          <HumanAgents.Provider value={humans}>
            <ReactFlow
              nodes={canvas ? canvas.nodes : shown}
              edges={overview ? NO_EDGES : arrows}
              defaultEdgeOptions={EDGE_OPTIONS}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              onInit={(instance) => {
                flow.current = instance;
              }}
              {...(layout.viewport ? { defaultViewport: layout.viewport } : { fitView: true })}
              fitViewOptions={fit}
              nodesConnectable={false}
              // Nothing can be done with an edge here: Tab goes from task to task, not through every edge first.
              edgesFocusable={false}
              onlyRenderVisibleElements
              onNodeClick={(_e, node) => onSelectTask?.(node.id)}
              onPaneClick={(e) => {
                if (!canvas) return;
                const hit = overviewPick(flow.current, canvas.scene, e);
                if (hit) onSelectTask?.(hit.id);
              }}
              colorMode="system"
              minZoom={MIN_ZOOM}
              proOptions={{ hideAttribution: true }}
            >
              <Background />
              {canvas && <PlanOverview scene={canvas.scene} />}
              {large && <OverviewSwitch onChange={setOverview} />}
              {/* The minimap redraws every node on each pan or zoom: too costly for very large plans.
                It is left out while the overview is shown: it leaves hidden nodes out, and the
                overview is a map itself. */}
              {plan.tasks.length <= MINIMAP_MAX_TASKS && !overview && !compact && !fitWhole && (
                <MiniMap pannable zoomable ariaLabel="Plan overview" nodeComponent={MiniMapTask} />
              )}
              {!compact && <Controls fitViewOptions={fit} />}
            </ReactFlow>
          </HumanAgents.Provider>
        </ShownRun.Provider>
      ) : (
        <p className="muted centered">Laying out {plural(plan.tasks.length, 'task')}…</p>
      )}
    </section>
  );
}
