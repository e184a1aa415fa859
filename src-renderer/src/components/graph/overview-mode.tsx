import type {
  DefaultEdgeOptions,
  Edge,
  FitViewOptions,
  Node,
  ReactFlowInstance,
  Viewport,
} from '@xyflow/react';
import { getViewportForBounds, MarkerType, useStore } from '@xyflow/react';
import type { KeyboardEvent, RefObject } from 'react';
import { useLayoutEffect, useMemo } from 'react';
import type { Positions } from '../../graph/layout.ts';
import type { OverviewBox, OverviewScene } from '../../graph/overview-draw.ts';
import { boxAt } from '../../graph/overview-draw.ts';
import { roomAbove } from './StatusLegend.tsx';
import { NODE_HEIGHT, NODE_WIDTH } from './TaskNode.tsx';

// What the plan graph and the designer share to draw a large plan, zoomed out, as one canvas
// (PlanOverview) instead of thousands of task cards.

/** A plan larger than this is drawn on one canvas when zoomed out below OVERVIEW_ZOOM. */
export const OVERVIEW_MIN_TASKS = 300;
/** Below this zoom a large plan is drawn on one canvas instead (PlanOverview). */
const OVERVIEW_ZOOM = 0.3;
/** The minimap redraws every node on each pan or zoom: left out for plans larger than this. */
export const MINIMAP_MAX_TASKS = 1_000;
export const MIN_ZOOM = 0.05;
export const FIT = { maxZoom: 1, padding: 0.2, includeHiddenNodes: true };
/**
 * How far from the pane's left edge React Flow's zoom buttons reach (15 px in, 26 px wide) and a
 * gap after them: a fitted plan starts right of them, so no card is under a button (on a phone
 * the plan is wider than the pane and would start at its left edge).
 */
export const CONTROLS_ROOM = 48;

/** React Flow's padding of a side, in px, for a fraction of a pane's size (its parsePadding). */
const sidePx = (size: number, padding: number) => Math.floor((size - size / (1 + padding)) * 0.5);

/**
 * FIT for React Flow's own fits (its Fit View button) over `box`: the room the run's legend takes
 * at the top is added to the top padding, measured as each fit runs; with `clearLeft` (the zoom
 * buttons' room), the left padding is at least that.
 */
export function fitBelowLegend(box: RefObject<HTMLElement | null>, clearLeft = 0): FitViewOptions {
  return {
    ...FIT,
    get padding(): FitViewOptions['padding'] {
      const el = box.current;
      const top = roomAbove(el);
      if (!el || (top === 0 && clearLeft === 0)) return FIT.padding;
      const rect = el.getBoundingClientRect();
      const left = `${Math.max(clearLeft, sidePx(rect.width, FIT.padding))}px` as const;
      if (top === 0) return { y: FIT.padding, right: FIT.padding, left };
      return {
        right: FIT.padding,
        left,
        bottom: FIT.padding,
        top: `${top + sidePx(rect.height - top, FIT.padding)}px` as const,
      };
    },
  };
}
export const NO_EDGES: Edge[] = [];
/** Every dependency is drawn as an arrow into the task that waits for it. */
export const EDGE_OPTIONS: DefaultEdgeOptions = {
  markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: 'var(--idle)' },
};

/** One arrow per dependency, from the task waited for into the task that waits. */
export function dependencyEdges(
  tasks: readonly { task_id: string; depends_on?: readonly string[] | undefined }[],
): Edge[] {
  return tasks.flatMap((t) =>
    (t.depends_on ?? []).map((d) => ({ id: `${d}->${t.task_id}`, source: d, target: t.task_id })),
  );
}

/** The task whose card has the keyboard focus when Enter or Space is pressed, if any. */
export function keyPicked(event: KeyboardEvent<HTMLElement>): string | undefined {
  if (event.key !== 'Enter' && event.key !== ' ') return undefined;
  const node = (event.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
  return node?.dataset.id;
}

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

/**
 * What the graph draws while the overview is shown (`shown`): its nodes hidden, and the scene
 * the overview canvas draws; null while the task cards are shown. Only the overview needs these:
 * they are built when it is shown, not for every plan nor on each drag among the cards.
 */
export function useOverview<N extends Node>(
  shown: boolean,
  nodes: N[],
  edges: readonly Edge[],
): { nodes: N[]; scene: OverviewScene } | null {
  return useMemo(
    () =>
      shown
        ? { nodes: nodes.map((n) => ({ ...n, hidden: true })), scene: overviewScene(nodes, edges) }
        : null,
    [shown, nodes, edges],
  );
}

/** Whether a plan of this many tasks, first shown at this viewport, starts as the overview. */
export function startsAsOverview(tasks: number, viewport: Viewport | undefined): boolean {
  return tasks > OVERVIEW_MIN_TASKS && viewport !== undefined && viewport.zoom < OVERVIEW_ZOOM;
}

/** The overview box under a pointer event on the pane, if any. */
export function overviewPick(
  flow: Pick<ReactFlowInstance, 'screenToFlowPosition'> | null,
  scene: OverviewScene | null,
  event: { clientX: number; clientY: number },
): OverviewBox | undefined {
  if (!flow || !scene) return undefined;
  const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
  return boxAt(scene, p.x, p.y);
}

/** Switches between task cards and the overview canvas as the zoom crosses OVERVIEW_ZOOM. */
export function OverviewSwitch({ onChange }: { onChange: (overview: boolean) => void }) {
  const below = useStore((s) => s.transform[2] < OVERVIEW_ZOOM);
  useLayoutEffect(() => onChange(below), [below, onChange]);
  return null;
}

/**
 * A small plan is first shown at a zoom its cards can be read at: fitted with little padding
 * (at READABLE.least or more), and when even that is too small to read, at READABLE.zoom from
 * its first tasks (Fit view and the minimap show the rest). A large plan is fitted whole (its
 * overview).
 */
export const READABLE = { tasks: 25, zoom: 0.8, padding: 0.08, margin: 16, least: 0.6 };

/**
 * The zoom at which a layout fits the box whole (at most FIT.maxZoom); 0 before the box has a
 * size. Two layouts of one plan compare by it: the larger fills the pane better.
 */
export function fitZoom(positions: Positions, box: HTMLElement | null): number {
  const rect = box?.getBoundingClientRect();
  const all = Object.values(positions);
  if (!rect || rect.width === 0 || rect.height === 0 || all.length === 0) return 0;
  let right = Number.NEGATIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  let x = Number.POSITIVE_INFINITY;
  let y = Number.POSITIVE_INFINITY;
  for (const p of all) {
    x = Math.min(x, p.x);
    y = Math.min(y, p.y);
    right = Math.max(right, p.x);
    bottom = Math.max(bottom, p.y);
  }
  const width = right + NODE_WIDTH - x;
  const height = bottom + NODE_HEIGHT - y;
  const room = 1 - 2 * READABLE.padding;
  return Math.min(FIT.maxZoom, (rect.width * room) / width, (rect.height * room) / height);
}

/**
 * Where a plan is first shown: fitted as React Flow's fitView would (with less padding and a
 * readable zoom for a small plan); undefined before the box has a size. `whole`: always fitted
 * whole, however small that makes it (a preview, as of a version). `clearLeft`: the room at the
 * left the zoom buttons take (CONTROLS_ROOM); a plan that would start under them is fitted in the
 * room right of them.
 */
export function fittedViewport(
  positions: Positions,
  box: HTMLElement | null,
  whole = false,
  clearLeft = 0,
): Viewport | undefined {
  const rect = box?.getBoundingClientRect();
  const all = Object.values(positions);
  if (!rect || rect.width === 0 || rect.height === 0 || all.length === 0) return undefined;
  // A loop, not Math.min(...xs): spreading a very large array overflows the call stack.
  let x = Number.POSITIVE_INFINITY;
  let y = Number.POSITIVE_INFINITY;
  let right = Number.NEGATIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  for (const p of all) {
    if (p.x < x) x = p.x;
    if (p.y < y) y = p.y;
    if (p.x > right) right = p.x;
    if (p.y > bottom) bottom = p.y;
  }
  const bounds = { x, y, width: right + NODE_WIDTH - x, height: bottom + NODE_HEIGHT - y };
  const small = all.length <= READABLE.tasks;
  // A run's legend over the top edge: the plan is fitted in the room below it.
  const top = roomAbove(box, rect);
  const height = rect.height - top;
  const fitIn = (width: number): Viewport => {
    const fitted = getViewportForBounds(
      bounds,
      width,
      height,
      MIN_ZOOM,
      FIT.maxZoom,
      small ? READABLE.padding : FIT.padding,
    );
    const fit = { ...fitted, y: fitted.y + top };
    // Whole at a zoom still read (a small plan in a narrow window, 1024 px with the designer's
    // panel): fitted whole rather than cut at the right edge at READABLE.zoom.
    if (whole || !small || fit.zoom >= READABLE.least) return fit;
    // Centred along an axis it fits in; from its start (left, top) along one it does not.
    const zoom = READABLE.zoom;
    const place = (start: number, size: number, room: number) =>
      size * zoom + 2 * READABLE.margin <= room
        ? (room - size * zoom) / 2 - start * zoom
        : READABLE.margin - start * zoom;
    return {
      x: place(bounds.x, bounds.width, width),
      y: top + place(bounds.y, bounds.height, height),
      zoom,
    };
  };
  const fit = fitIn(rect.width);
  if (clearLeft === 0 || fit.x + bounds.x * fit.zoom >= clearLeft) return fit;
  const beside = fitIn(rect.width - clearLeft);
  return { ...beside, x: beside.x + clearLeft };
}

/**
 * Brings a task's card into view (centred, at the same zoom) when it is not wholly on screen;
 * true when the task could be placed. The view does not move for a card already in sight.
 */
export function revealTask(
  flow: Pick<ReactFlowInstance, 'getViewport' | 'setCenter'> | null,
  box: HTMLElement | null,
  at: { x: number; y: number } | undefined,
): boolean {
  const rect = box?.getBoundingClientRect();
  if (!flow || !rect || !at) return false;
  const { x, y, zoom } = flow.getViewport();
  const left = at.x * zoom + x;
  const top = at.y * zoom + y;
  const inside =
    left >= 0 &&
    top >= 0 &&
    left + NODE_WIDTH * zoom <= rect.width &&
    top + NODE_HEIGHT * zoom <= rect.height;
  if (!inside) void flow.setCenter(at.x + NODE_WIDTH / 2, at.y + NODE_HEIGHT / 2, { zoom, duration: 200 });
  return true;
}
