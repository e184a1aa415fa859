import type { Edge, Viewport } from '@xyflow/react';
import { getViewportForBounds, useStore } from '@xyflow/react';
import { useLayoutEffect } from 'react';
import type { Positions } from '../graph/layout.ts';
import type { OverviewScene } from '../graph/overview-draw.ts';
import { NODE_HEIGHT, NODE_WIDTH, OVERVIEW_ZOOM } from './TaskNode.tsx';

// What the plan graph and the designer share to draw a large plan, zoomed out, as one canvas
// (PlanOverview) instead of thousands of task cards.

/** A plan larger than this is drawn on one canvas when zoomed out below OVERVIEW_ZOOM. */
export const OVERVIEW_MIN_TASKS = 300;
export const MIN_ZOOM = 0.05;
export const FIT = { maxZoom: 1, padding: 0.2, includeHiddenNodes: true };
export const NO_EDGES: Edge[] = [];

/** The boxes and links the overview draws, from the graph's nodes and edges. */
export function overviewScene(
  nodes: readonly { id: string; position: { x: number; y: number } }[],
  edges: readonly Edge[],
): OverviewScene {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  return {
    boxes: nodes.map((n) => ({ id: n.id, ...n.position, width: NODE_WIDTH, height: NODE_HEIGHT })),
    links: edges.flatMap((e) => {
      const s = index.get(e.source);
      const t = index.get(e.target);
      return s === undefined || t === undefined ? [] : [[s, t] as [number, number]];
    }),
  };
}

/** Switches between task cards and the overview canvas as the zoom crosses OVERVIEW_ZOOM. */
export function OverviewSwitch({ onChange }: { onChange: (overview: boolean) => void }) {
  const below = useStore((s) => s.transform[2] < OVERVIEW_ZOOM);
  useLayoutEffect(() => onChange(below), [below, onChange]);
  return null;
}

/** The viewport React Flow's fitView would choose, or undefined before the box has a size. */
export function fittedViewport(positions: Positions, box: HTMLElement | null): Viewport | undefined {
  const rect = box?.getBoundingClientRect();
  const all = Object.values(positions);
  if (!rect || rect.width === 0 || rect.height === 0 || all.length === 0) return undefined;
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return getViewportForBounds(
    { x, y, width: Math.max(...xs) + NODE_WIDTH - x, height: Math.max(...ys) + NODE_HEIGHT - y },
    rect.width,
    rect.height,
    MIN_ZOOM,
    FIT.maxZoom,
    FIT.padding,
  );
}
