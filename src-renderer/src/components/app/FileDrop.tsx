import { useEffect, useState } from 'react';
import { planImportHint } from '../../store/import-hint.ts';
import { useBaton } from '../../store/index.ts';

/** Whether a drag carries files (not text or a link dragged from the page). */
const carriesFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;

/**
 * A JSON file dropped anywhere on the window is imported: an agents file (agents, no tasks) as
 * agents, on the Agents screen; anything else as a plan (which says what is wrong with it). While
 * a file is dragged over the window, a notice says what dropping it does.
 */
export function FileDrop() {
  const [over, setOver] = useState(false);
  useEffect(() => {
    // dragenter and dragleave fire for every element crossed: count them to know when the drag left the window.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    // Without preventDefault on dragover the browser opens the file instead of dropping it here.
    const overWindow = (e: DragEvent) => {
      if (carriesFiles(e)) e.preventDefault();
    };
    const drop = async (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      const text = await file.text();
      const s = useBaton.getState();
      if (await agentsFile(text)) {
        s.setView('agents');
        await s.importAgents(text, file.name);
      } else await s.importPlan(text, file.name);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overWindow);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overWindow);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!over) return null;
  return (
    <div className="file-drop" role="status">
      <p>Drop a JSON file to import it: a plan, or an agents file.</p>
    </div>
  );
}

/** Whether the text is an agents file rather than a plan. */
async function agentsFile(text: string): Promise<boolean> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  return (await planImportHint(value)) !== null;
}
