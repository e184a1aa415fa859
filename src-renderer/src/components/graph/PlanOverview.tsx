import { useStoreApi } from '@xyflow/react';
import { useContext, useEffect, useRef } from 'react';
import type { OverviewPalette, OverviewScene, Tone } from '../../graph/overview-draw.ts';
import { drawOverview, inkOn, toneAlpha } from '../../graph/overview-draw.ts';
import { useBaton } from '../../store/index.ts';
import { ShownRun } from './RunTaskNode.tsx';

function readPalette(el: Element): OverviewPalette {
  const css = getComputedStyle(el);
  // Custom properties as `#rrggbb`, whatever form they are written in (a canvas normalises them).
  const probe = document.createElement('canvas').getContext('2d')!;
  const v = (name: string) => {
    probe.fillStyle = '#8a909c';
    probe.fillStyle = css.getPropertyValue(`--${name}`).trim() || '#8a909c';
    return String(probe.fillStyle);
  };
  const tones = {
    idle: v('idle'),
    done: v('done'),
    failed: v('failed'),
    running: v('running'),
    waiting: v('waiting'),
    you: v('you'),
  };
  const bg = v('bg');
  const ink = Object.fromEntries(
    Object.entries(tones).map(([tone, fill]) => [tone, inkOn(fill, bg, toneAlpha(tone as Tone))]),
  ) as Record<Tone, string>;
  return { ...tones, panel: v('panel'), border: v('border'), accent: v('accent'), ink };
}

/**
 * A zoomed-out plan drawn on one canvas instead of thousands of task cards, redrawn at most
 * once a frame when the viewport moves or task statuses change. Clicks reach the pane below,
 * which selects the task under the pointer.
 */
export function PlanOverview({ scene, designer = false }: { scene: OverviewScene; designer?: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const flow = useStoreApi();
  const runId = useContext(ShownRun);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    let palette = readPalette(el);
    let frame = 0;
    const draw = () => {
      frame = 0;
      const { transform, width, height } = flow.getState();
      const ratio = window.devicePixelRatio || 1;
      const w = Math.round(width * ratio);
      const h = Math.round(height * ratio);
      if (el.width !== w || el.height !== h) {
        el.width = w;
        el.height = h;
      }
      const s = useBaton.getState();
      const tasks = runId ? s.runTasks[runId] : undefined;
      // The designer's selection, or the task selected in the run shown.
      const selected = designer
        ? s.selectedTaskId
        : s.selectedTask && s.selectedTask.runId === runId
          ? s.selectedTask.taskId
          : null;
      drawOverview(
        ctx,
        scene,
        { x: transform[0], y: transform[1], zoom: transform[2], width, height, ratio },
        (id) => tasks?.[id]?.status,
        palette,
        selected,
      );
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    draw();
    const offFlow = flow.subscribe((s, prev) => {
      if (s.transform !== prev.transform || s.width !== prev.width || s.height !== prev.height) schedule();
    });
    const offRuns = useBaton.subscribe((s, prev) => {
      if (
        s.runTasks !== prev.runTasks ||
        s.selectedTask !== prev.selectedTask ||
        s.selectedTaskId !== prev.selectedTaskId
      )
        schedule();
    });
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const onScheme = () => {
      palette = readPalette(el);
      schedule();
    };
    scheme.addEventListener('change', onScheme);
    return () => {
      cancelAnimationFrame(frame);
      offFlow();
      offRuns();
      scheme.removeEventListener('change', onScheme);
    };
  }, [scene, runId, flow, designer]);
  return (
    <canvas
      ref={canvas}
      className="plan-overview"
      role="img"
      aria-label={`Overview of ${scene.boxes.length} tasks, coloured by status. Zoom in to read them; click one to see its details.`}
    />
  );
}
