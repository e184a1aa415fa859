import type { Edge, EdgeProps } from '@xyflow/react';
import { BaseEdge, getBezierPath, Position } from '@xyflow/react';
import { memo } from 'react';
import type { Point, Routes } from '../../graph/layout.ts';
import { routePath } from '../../graph/route-path.ts';

/** An arrow with the route the layout gave it, if it skips a level of cards. */
export type RoutedEdgeType = Edge<{ route?: readonly Point[] | undefined }, 'routed'>;

/**
 * A dependency's arrow. One that skips levels of cards goes through the room the layout kept
 * for it in each level (its route), so it never passes under a card; one between neighbouring
 * levels, or with no route (a task moved by hand), is React Flow's usual curve.
 */
export const RoutedEdge = memo(function RoutedEdge({
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  data,
  markerEnd,
  style,
}: EdgeProps<RoutedEdgeType>) {
  const route = data?.route;
  const path =
    route && route.length > 0
      ? routePath(
          { x: sourceX, y: sourceY },
          { x: targetX, y: targetY },
          route,
          sourcePosition === Position.Bottom,
        )
      : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition })[0];
  return <BaseEdge path={path} markerEnd={markerEnd} style={style} />;
});

/** The dependencies' arrows, each with its route from the layout (`routes`, by edge id). */
export function routedEdges(edges: readonly Edge[], routes: Routes | undefined): RoutedEdgeType[] {
  return edges.map((e) => ({ ...e, type: 'routed', data: { route: routes?.[e.id] } }));
}
