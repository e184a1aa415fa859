import type {
  Connection,
  Edge,
  EdgeChange,
  NodeChange,
  NodeTypes,
  ReactFlowInstance,
  Viewport,
} from '@xyflow/react';
import { Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { connect, disconnect, removeTask } from '../designer/plan-edit.ts';
import type { Positions } from '../graph/layout.ts';
import { layoutAsync } from '../graph/layout-client.ts';
import { useBaton } from '../store/index.ts';
import {
  EDGE_OPTIONS,
  FIT,
  fittedViewport,
  MIN_ZOOM,
  MINIMAP_MAX_TASKS,
  NO_EDGES,
  OVERVIEW_MIN_TASKS,
  OverviewSwitch,
  overviewPick,
  overviewScene,
  revealTask,
  startsAsOverview,
} from './overview-mode.tsx';
import { PlanOverview } from './PlanOverview.tsx';
import type { TaskNodeType } from './TaskNode.tsx';
import { CARD_HANDLES, NODE_HEIGHT, NODE_WIDTH, TaskNode } from './TaskNode.tsx';

const nodeTypes: NodeTypes = { task: TaskNode };

/** The draft as an editable DAG: drag from a task's right handle to another's left to add a dependency. */
export function DesignerGraph() {
  const draft = useBaton((s) => s.draft)!;
  const manual = useBaton((s) => s.manualPositions);
  const selected = useBaton((s) => s.selectedTaskId);
  const edit = useBaton((s) => s.edit);
  const selectTask = useBaton((s) => s.selectTask);
  const moveTask = useBaton((s) => s.moveTask);
  const say = useBaton((s) => s.sayInDesigner);
  const [auto, setAuto] = useState<Positions | null>(null);

  // Lay out again only when tasks or dependencies change, off the main thread.
  const shape = useMemo(
    () => draft.tasks.map((t) => `${t.task_id}:${(t.depends_on ?? []).join(',')}`).join('|'),
    [draft],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shape` is what the layout depends on
  useEffect(() => {
    let live = true;
    layoutAsync({
      nodes: draft.tasks.map((t) => ({ id: t.task_id, width: NODE_WIDTH, height: NODE_HEIGHT })),
      edges: draft.tasks.flatMap((t) => (t.depends_on ?? []).map((d) => ({ source: d, target: t.task_id }))),
    }).then((p) => live && setAuto(p));
    return () => {
      live = false;
    };
  }, [shape]);

  // The nodes without the selection: selecting a task replaces one node object, not all of them.
  const plain = useMemo<TaskNodeType[]>(
    () =>
      draft.tasks.map((t) => ({
        id: t.task_id,
        type: 'task',
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        handles: CARD_HANDLES,
        position: manual[t.task_id] ?? auto?.[t.task_id] ?? { x: 0, y: 0 },
        data: {
          taskId: t.task_id,
          description: t.description,
          skills: t.required_skills ?? [],
          priority: t.priority ?? 'MEDIUM',
          status: null,
          agentId: t.agent ?? null,
          reason: null,
        },
      })),
    [draft, manual, auto],
  );
  const nodes = useMemo(
    () => plain.map((n) => (n.id === selected ? { ...n, selected: true } : n)),
    [plain, selected],
  );
  const edges = useMemo<Edge[]>(
    () =>
      draft.tasks.flatMap((t) =>
        (t.depends_on ?? []).map((d) => ({ id: `${d}->${t.task_id}`, source: d, target: t.task_id })),
      ),
    [draft],
  );

  const onNodesChange = (changes: NodeChange<TaskNodeType>[]) => {
    for (const c of changes) {
      if (c.type === 'position' && c.position) moveTask(c.id, c.position.x, c.position.y);
      if (c.type === 'select' && c.selected) selectTask(c.id);
      if (c.type === 'remove') edit((p) => removeTask(p, c.id), null);
    }
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    for (const c of changes) {
      if (c.type !== 'remove') continue;
      const [from, to] = c.id.split('->') as [string, string];
      edit((p) => disconnect(p, from, to));
    }
  };
  const onConnect = (c: Connection) => {
    const r = connect(draft, c.source, c.target);
    if (r.ok) edit(() => r.plan);
    else say(`Not connected: ${r.reason}.`);
  };

  // A large draft, zoomed out, is drawn on one canvas (as in the run view); cards when zoomed in.
  const large = draft.tasks.length > OVERVIEW_MIN_TASKS;
  const box = useRef<HTMLElement>(null);
  const flow = useRef<ReactFlowInstance<TaskNodeType> | null>(null);
  const [start, setStart] = useState<{ viewport: Viewport | undefined } | null>(null);
  const [overview, setOverview] = useState(false);
  // Fit the view to the first layout, not to tasks still piled at the origin.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first layout only decides where to start
  useLayoutEffect(() => {
    if (!auto || start) return;
    const viewport = fittedViewport({ ...auto, ...manual }, box.current);
    setOverview(startsAsOverview(draft.tasks.length, viewport));
    setStart({ viewport });
  }, [auto]);
  // Only a large draft (or one still shown as the overview) needs these: dragging a task in a
  // small one does not rebuild them.
  const drawable = large || overview;
  const hidden = useMemo(
    () => (drawable ? plain.map((n) => ({ ...n, hidden: true })) : plain),
    [drawable, plain],
  );
  const scene = useMemo(() => (drawable ? overviewScene(plain, edges) : null), [drawable, plain, edges]);

  // A newly selected task (a new one, or one picked in the checks list) is brought into view
  // when it is off screen or under the side panel, once it has a place in the layout; the view
  // does not move for one already in sight, nor while a task is dragged.
  const reveal = useRef<string | null>(null);
  useEffect(() => {
    reveal.current = selected;
  }, [selected]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new selection (held in `reveal`) is what this runs for
  useEffect(() => {
    const id = reveal.current;
    if (!id || overview) return;
    if (revealTask(flow.current, box.current, manual[id] ?? auto?.[id])) reveal.current = null;
  }, [selected, manual, auto, overview]);

  return (
    <section className="graph" aria-label="Plan designer graph" ref={box}>
      {!auto || !start ? (
        <p className="muted centered">Laying out {draft.tasks.length} tasks…</p>
      ) : (
        <ReactFlow
          nodes={overview ? hidden : nodes}
          edges={overview ? NO_EDGES : edges}
          defaultEdgeOptions={EDGE_OPTIONS}
          nodeTypes={nodeTypes}
          onInit={(instance) => {
            flow.current = instance;
          }}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onPaneClick={(e) =>
            selectTask(overview ? (overviewPick(flow.current, scene, e)?.id ?? null) : null)
          }
          deleteKeyCode={['Delete', 'Backspace']}
          {...(start.viewport ? { defaultViewport: start.viewport } : { fitView: true })}
          fitViewOptions={FIT}
          minZoom={MIN_ZOOM}
          onlyRenderVisibleElements
          colorMode="system"
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          {overview && scene && <PlanOverview scene={scene} designer />}
          {large && <OverviewSwitch onChange={setOverview} />}
          {draft.tasks.length <= MINIMAP_MAX_TASKS && !overview && (
            <MiniMap pannable zoomable ariaLabel="Plan overview" />
          )}
          <Controls fitViewOptions={FIT} />
        </ReactFlow>
      )}
    </section>
  );
}
