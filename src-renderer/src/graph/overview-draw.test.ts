import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../../src-shared/schemas/run.ts';
import type { OverviewPalette, OverviewScene } from './overview-draw.ts';
import { boxAt, drawOverview } from './overview-draw.ts';

const scene: OverviewScene = {
  boxes: [
    { id: 'a', x: 0, y: 0, width: 100, height: 40 },
    { id: 'b', x: 200, y: 0, width: 100, height: 40 },
    { id: 'far', x: 10_000, y: 10_000, width: 100, height: 40 },
  ],
  links: [[0, 1]],
};
const palette: OverviewPalette = {
  idle: 'grey',
  done: 'green',
  failed: 'red',
  running: 'blue',
  waiting: 'amber',
  panel: 'white',
  border: 'line',
  accent: 'accent',
};

/** Records what a 2D context was asked to draw: each fill's colour and its rectangles. */
function recorder() {
  const fills: { color: string; rects: number }[] = [];
  const strokes: { color: string; rects: number }[] = [];
  let rects = 0;
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    globalAlpha: 1,
    setTransform() {},
    clearRect() {},
    beginPath() {
      rects = 0;
    },
    moveTo() {},
    lineTo() {},
    rect() {
      rects++;
    },
    fill() {
      fills.push({ color: ctx.fillStyle, rects });
    },
    stroke() {
      strokes.push({ color: ctx.strokeStyle, rects });
    },
    strokeRect() {
      strokes.push({ color: ctx.strokeStyle, rects: 1 });
    },
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, fills, strokes };
}

describe('the plan overview', () => {
  it('finds the task under a point, and none between tasks', () => {
    expect(boxAt(scene, 50, 20)?.id).toBe('a');
    expect(boxAt(scene, 250, 39)?.id).toBe('b');
    expect(boxAt(scene, 150, 20)).toBeUndefined();
  });

  it('fills one path per status colour, skipping tasks off screen, and outlines the selected task', () => {
    const { ctx, fills, strokes } = recorder();
    const status: Record<string, TaskStatus> = { a: 'done', far: 'failed' };
    drawOverview(
      ctx,
      scene,
      { x: 0, y: 0, zoom: 1, width: 800, height: 600, ratio: 1 },
      (id) => status[id],
      palette,
      'b',
    );
    expect(fills).toEqual([
      { color: 'grey', rects: 1 },
      { color: 'green', rects: 1 },
    ]);
    expect(strokes).toEqual([
      { color: 'line', rects: 0 },
      { color: 'accent', rects: 1 },
    ]);
  });
});
