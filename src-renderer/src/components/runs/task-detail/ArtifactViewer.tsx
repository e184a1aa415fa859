import type { ComponentType } from 'react';
import { useEffect, useState } from 'react';
import type { Artifact } from '../../../../../src-shared/schemas/run.ts';
import { api } from '../../../api/client.ts';
import type { ArtifactContent, ArtifactKind } from '../../../artifacts/artifact-view.ts';
import {
  artifactKind,
  byteSize,
  diffCounts,
  diffLines,
  imageType,
  prettyJson,
} from '../../../artifacts/artifact-view.ts';
import { dataUrl, downloadArtifact } from '../../../artifacts/download-artifact.ts';
import { useBaton } from '../../../store/index.ts';
import { Modal, useModal } from '../../shared/Modal.tsx';

type Read = ArtifactContent & { truncated: boolean };
interface ViewProps {
  artifact: Artifact;
  read: Read;
}

/** One view per kind of artifact; a new kind (a table, a notebook) is one entry here. */
const VIEWS: Record<ArtifactKind, ComponentType<ViewProps>> = {
  image: ({ artifact, read }) => (
    <img
      className="artifact-image"
      src={dataUrl(imageType(artifact.name)!, read.content)}
      alt={artifact.name}
    />
  ),
  json: ({ read }) => <pre className="artifact-text wrap">{prettyJson(read.content)}</pre>,
  diff: DiffView,
  text: ({ read }) => <pre className="artifact-text wrap">{read.content}</pre>,
  binary: ({ artifact }) => (
    <p className="muted">
      {artifact.name} is not text ({byteSize(artifact.size)}): download it to open it with another program.
    </p>
  ),
};

function DiffView({ read }: ViewProps) {
  const lines = diffLines(read.content);
  const { added, removed } = diffCounts(lines);
  return (
    <>
      <p className="small">
        <span className="diff-added">+{added}</span> <span className="diff-removed">−{removed}</span> lines
      </p>
      <section aria-label="Diff">
        <pre className="artifact-text diff">
          {lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one fixed text
            <span key={i} className={`diff-line diff-${l.kind}`}>
              {l.text || ' '}
              {'\n'}
            </span>
          ))}
        </pre>
      </section>
    </>
  );
}

/** An artifact opened: read from the host (its first 1 MB) and shown by its kind, with a download. */
export function ArtifactViewer({ artifact, onClose }: { artifact: Artifact; onClose(): void }) {
  const modal = useModal({ onClose });
  const fail = useBaton((s) => s.fail);
  const [read, setRead] = useState<Read | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.readArtifact(artifact.id).then(
      (r) => live && setRead(r),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [artifact.id]);
  const kind = read ? artifactKind(artifact.name, read) : null;
  const View = kind ? VIEWS[kind] : null;
  return (
    <Modal modal={modal} label={`Artifact ${artifact.name}`} className="dialog artifact-viewer">
      <header className="artifact-head">
        <div>
          <h2>
            <code>{artifact.name}</code>
          </h2>
          <p className="muted small">
            {byteSize(artifact.size)} · attempt {artifact.attempt} · sha256{' '}
            <code title={artifact.sha256}>{artifact.sha256.slice(0, 16)}…</code>
          </p>
        </div>
        <div className="actions">
          <button
            type="button"
            onClick={() =>
              downloadArtifact(artifact).catch((err) => fail(`Could not download ${artifact.name}`, err))
            }
          >
            Download
          </button>
          <button type="button" onClick={() => modal.close()}>
            Close
          </button>
        </div>
      </header>
      <div className="artifact-body">
        {error ? (
          <p className="field-error">Could not read it: {error}</p>
        ) : !read || !View ? (
          <p className="muted">Reading…</p>
        ) : (
          <>
            {read.truncated && (
              <p className="notice small">
                The first 1 MB of {byteSize(artifact.size)} is shown; Download saves the whole file.
              </p>
            )}
            <View artifact={artifact} read={read} />
          </>
        )}
      </div>
    </Modal>
  );
}
