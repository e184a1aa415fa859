import type { TaskStatus } from '../../../src-shared/schemas/plain/run.ts';

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

/** The colour family of a status, shared by the overview and the minimap. */
export type Tone = 'idle' | 'done' | 'failed' | 'running' | 'waiting' | 'you';

export type OverviewPalette = Record<Tone | 'panel' | 'border' | 'accent', string> & {
  /** The colour task ids are written in on each tone's boxes (dark or light, whichever reads). */
  ink: Record<Tone, string>;
};

/** How opaque each tone's boxes are drawn. */
export const toneAlpha = (tone: Tone): number => (tone === 'idle' ? 0.45 : 0.85);

const DARK_INK = '#0b0c0e';
const LIGHT_INK = '#ffffff';

/**
 * The ink that reads best on a box of `fill` drawn at `alpha` over `background` (both
 * `#rrggbb`): near-black or white, whichever has the higher WCAG contrast.
 */
export function inkOn(fill: string, background: string, alpha: number): string {
  const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  const lum = (c: number[]) =>
    c
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
  const bg = rgb(background);
  const box = lum(rgb(fill).map((v, i) => v * alpha + bg[i]! * (1 - alpha)));
  const contrast = (ink: string) => {
    const l = lum(rgb(ink));
    return (Math.max(l, box) + 0.05) / (Math.min(l, box) + 0.05);
  };
  return contrast(DARK_INK) >= contrast(LIGHT_INK) ? DARK_INK : LIGHT_INK;
}

/** Task ids are written on their boxes once a box is this wide on screen (px)… */
const LABEL_MIN_WIDTH = 34;
/** …and while no more than this many boxes are on screen (text is the costly part of a frame). */
const LABEL_MAX_BOXES = 600;
/** The label's size on screen (px). */
const LABEL_PX = 11;

export const TONE: Record<TaskStatus, Tone> = {
  pending: 'idle',
  blocked: 'waiting',
  ready: 'waiting',
  awaiting_approval: 'you',
  in_progress: 'running',
  done: 'done',
  failed: 'failed',
  unassigned: 'failed',
  cancelled: 'idle',
  skipped: 'idle',
};
const TONES: Tone[] = ['idle', 'waiting', 'you', 'running', 'done', 'failed'];

/** The task whose box contains the flow point, if any. */
export function boxAt(scene: OverviewScene, x: number, y: number): OverviewBox | undefined {
  return scene.boxes.find((b) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
}

/**
 * Draws every task on screen as a box coloured by its status, and each dependency as a straight
 * line: one path per colour, so thousands of tasks cost a few milliseconds per frame. Zoomed in
 * far enough for them to be read, with not too many on screen, boxes carry their task ids.
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
  let shown = 0;
  let wide = false;
  for (const b of scene.boxes) {
    if (!onScreen(b)) continue;
    const s = status(b.id);
    byTone.get(s ? TONE[s] : 'idle')!.push(b);
    shown++;
    wide ||= b.width * zoom >= LABEL_MIN_WIDTH;
  }
  for (const tone of TONES) {
    const boxes = byTone.get(tone)!;
    if (boxes.length === 0) continue;
    ctx.beginPath();
    for (const b of boxes) ctx.rect(b.x, b.y, b.width, b.height);
    ctx.fillStyle = palette[tone];
    ctx.globalAlpha = toneAlpha(tone);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  if (wide && shown <= LABEL_MAX_BOXES) {
    ctx.font = `${LABEL_PX / zoom}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    const pad = 4 / zoom;
    for (const tone of TONES) {
      ctx.fillStyle = palette.ink[tone];
      for (const b of byTone.get(tone)!) {
        if (b.width * zoom < LABEL_MIN_WIDTH) continue;
        ctx.fillText(b.id, b.x + pad, b.y + b.height / 2, b.width - 2 * pad);
      }
    }
  }
  const sel = selected === null ? undefined : scene.boxes.find((b) => b.id === selected);
  if (sel) {
    ctx.lineWidth = 3 / zoom;
    ctx.strokeStyle = palette.accent;
    ctx.strokeRect(sel.x, sel.y, sel.width, sel.height);
  }
}
