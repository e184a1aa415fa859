import type { Connection, Edge, EdgeChange, NodeChange, NodeTypes } from '@xyflow/react';
import { Background, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import { connect, disconnect, removeTask } from '../designer/plan-edit.ts';
import type { Positions } from '../graph/layout.ts';
import { layoutAsync } from '../graph/layout-client.ts';
import { useBaton } from '../store/index.ts';
import type { TaskNodeType } from './TaskNode.tsx';
import { NODE_HEIGHT, NODE_WIDTH, TaskNode } from './TaskNode.tsx';

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

  const nodes = useMemo<TaskNodeType[]>(
    () =>
      draft.tasks.map((t) => ({
        id: t.task_id,
        type: 'task',
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        position: manual[t.task_id] ?? auto?.[t.task_id] ?? { x: 0, y: 0 },
        selected: t.task_id === selected,
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
    [draft, manual, auto, selected],
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

  // Fit the view to the first layout, not to tasks still piled at the origin.
  if (!auto) return <p className="muted centered">Laying out {draft.tasks.length} tasks…</p>;
  return (
    <section className="graph" aria-label="Plan designer graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onPaneClick={() => selectTask(null)}
        deleteKeyCode={['Delete', 'Backspace']}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
        minZoom={0.05}
        colorMode="system"
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <MiniMap pannable zoomable ariaLabel="Plan overview" />
        <Controls />
      </ReactFlow>
    </section>
  );
}
