import { useState } from 'react';
import type { Artifact } from '../../../../../src-shared/schemas/run.ts';
import { byteSize } from '../../../artifacts/artifact-view.ts';
import { downloadArtifact } from '../../../artifacts/download-artifact.ts';
import { useBaton } from '../../../store/index.ts';
import { ArtifactViewer } from './ArtifactViewer.tsx';

/** The files the task left: each opens in a viewer (by its kind) or downloads. */
export function TaskArtifacts({ taskId, artifacts }: { taskId: string; artifacts: readonly Artifact[] }) {
  const fail = useBaton((s) => s.fail);
  const [open, setOpen] = useState<Artifact | null>(null);
  if (artifacts.length === 0) return null;
  return (
    <div className="task-files">
      <h3>Files ({artifacts.length})</h3>
      <ul className="artifact-list" aria-label={`Artifacts of ${taskId}`}>
        {artifacts.map((a) => (
          <li key={a.id}>
            <button
              type="button"
              className="link artifact-name"
              title={`Open ${a.name} (sha256 ${a.sha256})`}
              aria-label={`Open ${a.name}`}
              onClick={() => setOpen(a)}
            >
              {a.name}
            </button>
            <span className="muted small">{byteSize(a.size)}</span>
            <button
              type="button"
              className="small"
              aria-label={`Download ${a.name}`}
              onClick={() => downloadArtifact(a).catch((err) => fail(`Could not download ${a.name}`, err))}
            >
              Download
            </button>
          </li>
        ))}
      </ul>
      {open && <ArtifactViewer artifact={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
