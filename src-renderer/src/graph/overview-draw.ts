import type { TaskStatus } from '../../../src-shared/schemas/run.ts';

/** One task as the overview draws it: its box in flow coordinates. */
export interface OverviewBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface OverviewScene {
  boxes: OverviewBox[];
  /** Indexes into `boxes`: [source, target]. */
  links: [number, number][];
}

export type OverviewPalette = Record<
  'idle' | 'done' | 'failed' | 'running' | 'waiting' | 'panel' | 'border' | 'accent',
  string
>;

/** The colour family of a status, shared by the overview and the minimap. */
export type Tone = Exclude<keyof OverviewPalette, 'panel' | 'border' | 'accent'>;

export const TONE: Record<TaskStatus, Tone> = {
  pending: 'idle',
  blocked: 'waiting',
  ready: 'waiting',
  awaiting_approval: 'waiting',
  in_progress: 'running',
  done: 'done',
  failed: 'failed',
  unassigned: 'failed',
  cancelled: 'idle',
  skipped: 'idle',
};
const TONES: Tone[] = ['idle', 'waiting', 'running', 'done', 'failed'];

/** The task whose box contains the flow point, if any. */
export function boxAt(scene: OverviewScene, x: number, y: number): OverviewBox | undefined {
  return scene.boxes.find((b) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
}

/**
 * Draws every task on screen as a box coloured by its status, and each dependency as a straight
 * line: one path per colour, so thousands of tasks cost a few milliseconds per frame.
 */
export function drawOverview(
  ctx: CanvasRenderingContext2D,
  scene: OverviewScene,
  view: { x: number; y: number; zoom: number; width: number; height: number; ratio: number },
  status: (id: string) => TaskStatus | undefined,
  palette: OverviewPalette,
  selected: string | null,
): void {
  const { x: tx, y: ty, zoom, width, height, ratio } = view;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width * ratio, height * ratio);
  ctx.setTransform(ratio * zoom, 0, 0, ratio * zoom, ratio * tx, ratio * ty);
  // The part of the flow on screen, to skip what is off it.
  const left = -tx / zoom;
  const top = -ty / zoom;
  const right = left + width / zoom;
  const bottom = top + height / zoom;
  const onScreen = (b: OverviewBox) =>
    b.x + b.width >= left && b.x <= right && b.y + b.height >= top && b.y <= bottom;

  ctx.beginPath();
  for (const [s, t] of scene.links) {
    const a = scene.boxes[s]!;
    const b = scene.boxes[t]!;
    const x1 = a.x + a.width;
    const y1 = a.y + a.height / 2;
    const x2 = b.x;
    const y2 = b.y + b.height / 2;
    if (
      Math.max(x1, x2) < left ||
      Math.min(x1, x2) > right ||
      Math.max(y1, y2) < top ||
      Math.min(y1, y2) > bottom
    )
      continue;
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
  }
  ctx.lineWidth = 1 / zoom;
  ctx.strokeStyle = palette.border;
  ctx.stroke();

  const byTone = new Map<Tone, OverviewBox[]>(TONES.map((t) => [t, []]));
  for (const b of scene.boxes) {
    if (!onScreen(b)) continue;
    const s = status(b.id);
    byTone.get(s ? TONE[s] : 'idle')!.push(b);
  }
  for (const tone of TONES) {
    const boxes = byTone.get(tone)!;
    if (boxes.length === 0) continue;
    ctx.beginPath();
    for (const b of boxes) ctx.rect(b.x, b.y, b.width, b.height);
    ctx.fillStyle = palette[tone];
    ctx.globalAlpha = tone === 'idle' ? 0.45 : 0.85;
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  const sel = selected === null ? undefined : scene.boxes.find((b) => b.id === selected);
  if (sel) {
    ctx.lineWidth = 3 / zoom;
    ctx.strokeStyle = palette.accent;
    ctx.strokeRect(sel.x, sel.y, sel.width, sel.height);
  }
}
