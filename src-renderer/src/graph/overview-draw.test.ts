import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../../src-shared/schemas/plain/run.ts';
import type { OverviewPalette, OverviewScene } from './overview-draw.ts';
import { boxAt, drawOverview, inkOn } from './overview-draw.ts';

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
  you: 'purple',
  panel: 'white',
  border: 'line',
  accent: 'accent',
  ink: {
    idle: 'ink-idle',
    done: 'ink-done',
    failed: 'ink-failed',
    running: 'ink-running',
    waiting: 'ink-waiting',
    you: 'ink-you',
  },
};

/** Records what a 2D context was asked to draw: each fill's colour and its rectangles. */
function recorder() {
  const fills: { color: string; rects: number }[] = [];
  const labels: string[] = [];
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
    font: '',
    textBaseline: '',
    fillText(text: string) {
      labels.push(`${ctx.fillStyle}:${text}`);
    },
  };
  return { ctx: ctx as unknown as CanvasRenderingContext2D, fills, strokes, labels };
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

  it('writes task ids on the boxes on screen once they are wide enough to read, not when zoomed far out', () => {
    const view = { x: 0, y: 0, width: 800, height: 600, ratio: 1 };
    const near = recorder();
    drawOverview(near.ctx, scene, { ...view, zoom: 0.5 }, () => undefined, palette, null);
    expect(near.labels).toEqual(['ink-idle:a', 'ink-idle:b']); // 'far' is off screen
    const far = recorder();
    drawOverview(far.ctx, scene, { ...view, zoom: 0.2 }, () => undefined, palette, null);
    expect(far.labels).toEqual([]); // a 100-wide box is 20 px on screen
  });

  it('writes ids in whichever of near-black and white reads better on the box', () => {
    // Light theme: a red box at 85% over the light background takes dark ink (4.8:1, white 4.1).
    expect(inkOn('#c93b3b', '#f7f7f9', 0.85)).toBe('#0b0c0e');
    // Dark theme: a grey box at 45% over the dark background takes white (9.2:1, dark 2.1).
    expect(inkOn('#7d8390', '#15171c', 0.45)).toBe('#ffffff');
    expect(inkOn('#3cc47c', '#15171c', 0.85)).toBe('#0b0c0e');
  });
});
