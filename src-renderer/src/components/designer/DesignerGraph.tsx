import type {
  Connection,
  EdgeChange,
  EdgeTypes,
  NodeChange,
  NodeTypes,
  OnDelete,
  ReactFlowInstance,
  Viewport,
} from '@xyflow/react';
import { Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CardContext } from '../../designer/card-badges.ts';
import { cardBadges, cardContext, cardContextKey } from '../../designer/card-badges.ts';
import type { TaskDraft } from '../../designer/plan-edit.ts';
import { connect, removeElements } from '../../designer/plan-edit.ts';
import { plural } from '../../format/plural.ts';
import type { Positions, Routes } from '../../graph/layout.ts';
import { layoutAsync } from '../../graph/layout-client.ts';
import { useBaton } from '../../store/index.ts';
import {
  dependencyEdges,
  EDGE_OPTIONS,
  FIT,
  fittedViewport,
  fitZoom,
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
} from '../graph/overview-mode.tsx';
import { PlanOverview } from '../graph/PlanOverview.tsx';
import { RoutedEdge, routedEdges } from '../graph/RoutedEdge.tsx';
import type { TaskNodeType } from '../graph/TaskNode.tsx';
import {
  CARD_HANDLES,
  CARD_HANDLES_VERTICAL,
  CARD_SIZE,
  NODE_HEIGHT,
  NODE_WIDTH,
  TaskNode,
} from '../graph/TaskNode.tsx';
import { useRefitOnResize } from '../graph/use-refit-on-resize.ts';
import { FindTask } from './FindTask.tsx';

const nodeTypes: NodeTypes = { task: TaskNode };
const edgeTypes: EdgeTypes = { routed: RoutedEdge };
const NO_ROUTES: Routes = {};

/**
 * What is selected in the graph: tasks and arrows (several with Ctrl+click or a Shift+drag box),
 * as picked when the panel's task was `task`. The panel shows the task picked last.
 */
interface Picked {
  task: string | null;
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}
const NOTHING: ReadonlySet<string> = new Set();
/** The selection when the panel's task was chosen elsewhere (added, picked in the checks, deleted): that task alone. */
const onlyTask = (task: string | null): Picked => ({
  task,
  nodes: task === null ? NOTHING : new Set([task]),
  edges: NOTHING,
});

/** A task's card as drawn in the designer, at `position`; arrows enter at its top when `vertical`. */
const taskNode = (
  t: TaskDraft,
  position: { x: number; y: number },
  vertical: boolean,
  ctx: CardContext,
): TaskNodeType => ({
  id: t.task_id,
  type: 'task',
  width: NODE_WIDTH,
  height: NODE_HEIGHT,
  measured: CARD_SIZE,
  handles: vertical ? CARD_HANDLES_VERTICAL : CARD_HANDLES,
  position,
  data: {
    taskId: t.task_id,
    description: t.description,
    skills: t.required_skills ?? [],
    priority: t.priority ?? 'MEDIUM',
    status: null,
    agentId: t.agent ?? null,
    reason: null,
    badges: cardBadges(t, ctx),
    vertical,
  },
});
/** A task's node and the task (and card context) it was built from. */
interface BuiltNode {
  task: TaskDraft;
  ctx: string;
  node: TaskNodeType;
}

/** The draft as an editable DAG: drag from a task's right handle to another's left to add a dependency. */
export function DesignerGraph() {
  const draft = useBaton((s) => s.draft)!;
  const manual = useBaton((s) => s.manualPositions);
  const agents = useBaton((s) => s.agents);
  const workspaces = useBaton((s) => s.workspaces);
  const selected = useBaton((s) => s.selectedTaskId);
  const edit = useBaton((s) => s.edit);
  const tryEdit = useBaton((s) => s.tryEdit);
  const selectTask = useBaton((s) => s.selectTask);
  const moveTask = useBaton((s) => s.moveTask);
  const say = useBaton((s) => s.sayInDesigner);
  const [auto, setAuto] = useState<Positions | null>(null);
  const [routes, setRoutes] = useState<Routes>(NO_ROUTES);
  const [vertical, setVertical] = useState(false);
  // Left to right, or top to bottom: decided once, at the first layout, and kept while the plan is
  // edited (adding a task never turns the graph). A small plan opened in a pane it would fill only
  // at a small zoom across (a chain of three beside the panel at 1024 px: 0.6) stands upright when
  // that is clearly the larger fit, as the run view does; never once tasks were dragged somewhere.
  const direction = useRef<'LR' | 'TB' | null>(null);
  const box = useRef<HTMLElement>(null);

  // Lay out again only when tasks or dependencies change, off the main thread.
  const shape = useMemo(
    () => draft.tasks.map((t) => `${t.task_id}:${(t.depends_on ?? []).join(',')}`).join('|'),
    [draft],
  );
  // The arrows, too, change only with the tasks' ids and dependencies, not with other edits.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shape` is what the arrows depend on
  const links = useMemo(() => dependencyEdges(draft.tasks), [shape]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shape` is what the layout depends on
  useEffect(() => {
    let live = true;
    const input = {
      nodes: draft.tasks.map((t) => ({ id: t.task_id, width: NODE_WIDTH, height: NODE_HEIGHT })),
      edges: links,
    };
    const small = draft.tasks.length > 1 && draft.tasks.length <= READABLE.tasks;
    const undecided = direction.current === null;
    const mayStand = undecided && small && Object.keys(manual).length === 0;
    const down = direction.current === 'TB' && small;
    Promise.all([
      layoutAsync(down ? { ...input, direction: 'TB' } : input),
      mayStand ? layoutAsync({ ...input, direction: 'TB' }) : Promise.resolve(null),
    ]).then(([first, upright]) => {
      if (!live) return;
      if (undecided) {
        const stands =
          upright !== null &&
          fitZoom(upright.positions, box.current) > 1.15 * fitZoom(first.positions, box.current);
        direction.current = stands ? 'TB' : 'LR';
        const chosen = stands && upright ? upright : first;
        setVertical(stands);
        setAuto(chosen.positions);
        setRoutes(chosen.routes);
        return;
      }
      setVertical(down);
      setAuto(first.positions);
      setRoutes(first.routes);
    });
    return () => {
      live = false;
    };
  }, [shape]);

  // The nodes without the selection: selecting a task replaces one node object, not all of them.
  // A task's node is kept while the task and its place stay the same, so dragging a task (or
  // editing one) replaces that task's node alone, not every node on each frame.
  const built = useRef<ReadonlyMap<string, BuiltNode>>(new Map());
  const plain = useMemo<TaskNodeType[]>(() => {
    const was = built.current;
    const now = new Map<string, BuiltNode>();
    const all = draft.tasks.map((t) => {
      const position = manual[t.task_id] ?? auto?.[t.task_id] ?? { x: 0, y: 0 };
      const old = was.get(t.task_id);
      const ctx = cardContext(t, draft, agents, workspaces);
      const key = cardContextKey(ctx);
      const node =
        old?.task === t &&
        old.ctx === key &&
        old.node.data.vertical === vertical &&
        Object.is(old.node.position.x, position.x) &&
        Object.is(old.node.position.y, position.y)
          ? old.node
          : taskNode(t, position, vertical, ctx);
      now.set(t.task_id, { task: t, ctx: key, node });
      return node;
    });
    built.current = now;
    return all;
  }, [draft, manual, auto, vertical, agents, workspaces]);
  // The selection is React Flow's to change (clicks, Ctrl+click, a selection box); the panel's
  // task, when chosen elsewhere, starts a new one.
  const [pickedState, setPicked] = useState<Picked>(() => onlyTask(selected));
  const picked = useMemo(
    () => (pickedState.task === selected ? pickedState : onlyTask(selected)),
    [pickedState, selected],
  );
  // Changes arrive in batches within one event (arrows, then tasks): each starts from the last.
  const pickedNow = useRef(picked);
  pickedNow.current = picked;
  const keepPicked = (next: Picked) => {
    pickedNow.current = next;
    setPicked(next);
  };
  const pick = (kind: 'nodes' | 'edges', changes: { id: string; selected: boolean }[]) => {
    const task = useBaton.getState().selectedTaskId;
    const was = pickedNow.current.task === task ? pickedNow.current : onlyTask(task);
    const ids = new Set(was[kind]);
    let newest: string | null = null;
    for (const c of changes) {
      if (c.selected) {
        ids.add(c.id);
        newest = c.id;
      } else ids.delete(c.id);
    }
    let next: Picked = { ...was, [kind]: ids };
    if (kind === 'nodes') {
      // The panel follows: the task just picked, or (when its task was unselected) another still picked.
      const shown = newest ?? (task !== null && ids.has(task) ? task : ([...ids].at(-1) ?? null));
      next = { ...next, task: shown };
      if (shown !== task) selectTask(shown);
    }
    keepPicked(next);
  };

  const nodes = useMemo(
    () => plain.map((n) => (picked.nodes.has(n.id) ? { ...n, selected: true } : n)),
    [plain, picked.nodes],
  );
  // While every card is where the layout put it, arrows that skip a level go through the room the
  // layout kept for them; once a card was dragged, the routes no longer fit and arrows are curves.
  const placed = Object.keys(manual).length > 0;
  const arrows = useMemo(() => routedEdges(links, placed ? undefined : routes), [links, placed, routes]);
  const edges = useMemo(
    () =>
      picked.edges.size === 0
        ? arrows
        : arrows.map((e) => (picked.edges.has(e.id) ? { ...e, selected: true } : e)),
    [arrows, picked.edges],
  );

  // Deleting (Delete or Backspace) is one edit, whatever it takes with it: React Flow reports the
  // tasks and each arrow as separate removals, so those are left alone and this applies them all.
  const onNodesChange = (changes: NodeChange<TaskNodeType>[]) => {
    const selections: { id: string; selected: boolean }[] = [];
    for (const c of changes) {
      if (c.type === 'position' && c.position) moveTask(c.id, c.position.x, c.position.y);
      if (c.type === 'select') selections.push(c);
    }
    if (selections.length > 0) pick('nodes', selections);
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    const selections = changes.filter((c) => c.type === 'select');
    if (selections.length > 0) pick('edges', selections);
  };
  const onDelete: OnDelete<TaskNodeType> = ({ nodes: gone, edges: cut }) => {
    const tasks = gone.map((n) => n.id);
    const arrows = cut.map((e) => ({ from: e.source, to: e.target }));
    // What was deleted is no longer selected (nor when an undo brings it back).
    keepPicked(onlyTask(tasks.length > 0 ? null : useBaton.getState().selectedTaskId));
    edit((p) => removeElements(p, tasks, arrows), tasks.length > 0 ? null : undefined);
  };
  // Delete and Backspace remove what is picked, when pressed in the graph (a card, an arrow, the
  // pane) and not in a field. Baton listens itself rather than through React Flow's key tracking,
  // which could keep a key it saw go down as still held and then miss the next Delete.
  const onKeyDown = (e: React.KeyboardEvent<HTMLElement>) => {
    if ((e.key !== 'Delete' && e.key !== 'Backspace') || e.ctrlKey || e.metaKey || e.altKey) return;
    if ((e.target as HTMLElement).closest('input, textarea, select, [contenteditable="true"]')) return;
    const { nodes: gone, edges: cut } = pickedNow.current;
    if (gone.size === 0 && cut.size === 0) return;
    e.preventDefault();
    void flow.current?.deleteElements({
      nodes: [...gone].map((id) => ({ id })),
      edges: [...cut].map((id) => ({ id })),
    });
  };
  const onConnect = (c: Connection) => {
    const refused = tryEdit((p) => connect(p, c.source, c.target));
    if (refused !== null) say(`Not connected: ${refused}.`);
  };

  // A large draft, zoomed out, is drawn on one canvas (as in the run view); cards when zoomed in.
  const large = draft.tasks.length > OVERVIEW_MIN_TASKS;
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
  // The overview canvas: the nodes hidden and its scene, while it is shown.
  const canvas = useOverview(overview, plain, links);
  useRefitOnResize(box, flow, start?.viewport, () => (auto ? { ...auto, ...manual } : undefined));

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
    <section className="graph" aria-label="Plan designer graph" ref={box} onKeyDown={onKeyDown}>
      {!auto || !start ? (
        <p className="muted centered">Laying out {plural(draft.tasks.length, 'task')}…</p>
      ) : (
        <ReactFlow
          nodes={canvas ? canvas.nodes : nodes}
          edges={overview ? NO_EDGES : edges}
          defaultEdgeOptions={EDGE_OPTIONS}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onInit={(instance) => {
            flow.current = instance;
          }}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onDelete={onDelete}
          onConnect={onConnect}
          onPaneClick={(e) =>
            selectTask(canvas ? (overviewPick(flow.current, canvas.scene, e)?.id ?? null) : null)
          }
          deleteKeyCode={null}
          {...(start.viewport ? { defaultViewport: start.viewport } : { fitView: true })}
          fitViewOptions={FIT}
          minZoom={MIN_ZOOM}
          onlyRenderVisibleElements
          colorMode="system"
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <FindTask />
          {canvas && <PlanOverview scene={canvas.scene} designer />}
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
