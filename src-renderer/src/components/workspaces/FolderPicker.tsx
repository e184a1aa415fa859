import { useEffect, useState } from 'react';
import type { FolderListing } from '../../../../src-shared/contract/domains/workspaces.ts';
import { api } from '../../api/client.ts';
import { Modal, useModal } from '../shared/Modal.tsx';

/**
 * Picks a repository folder on this machine inside the app (`workspaces.browse`: folder names
 * only, hidden ones left out), as Conductor's repository picker does: start at home (or at what
 * was typed), go into a folder or up, and choose a git repository, marked as one.
 */
export function FolderPicker({
  start,
  onPick,
  onClose,
}: {
  /** Where to start (what the field holds); home when empty. */
  start: string;
  onPick(path: string): void;
  onClose(): void;
}) {
  const modal = useModal({ onClose });
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const open = (path?: string) => {
    setError(null);
    api.browseFolders(path).then(setListing, (err: unknown) => {
      setError(err instanceof Error ? err.message : String(err));
      // A folder typed that is not there: start at home instead.
      if (path !== undefined && listing === null) open();
    });
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: read once, where the field points
  useEffect(() => open(start.trim().startsWith('/') ? start.trim() : undefined), []);
  const choose = (path: string) => {
    onPick(path);
    modal.close();
  };
  const here = listing?.path ?? '';
  return (
    <Modal modal={modal} label="Choose a repository folder" className="dialog folder-picker">
      <h2>Choose a repository folder</h2>
      <p className="small folder-here">
        <code title={here}>{here || '…'}</code>
      </p>
      <div className="actions folder-moves">
        <button
          type="button"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && open(listing.parent)}
        >
          Up
        </button>
        <button type="button" disabled={!listing} onClick={() => listing && open(listing.home)}>
          Home
        </button>
        <button type="button" className="primary" disabled={!listing} onClick={() => choose(here)}>
          Choose this folder
        </button>
      </div>
      {error && (
        <p className="notice" role="alert">
          {error}
        </p>
      )}
      {listing && listing.folders.length === 0 && <p className="muted small">No folders here.</p>}
      {listing && listing.folders.length > 0 && (
        <ul className="folder-list" aria-label={`Folders in ${here}`}>
          {listing.folders.map((f) => {
            const path = `${here.replace(/\/$/, '')}/${f.name}`;
            return (
              <li key={f.name}>
                <button
                  type="button"
                  className="folder-open"
                  onClick={() => open(path)}
                  title={`Open ${path}`}
                >
                  {f.name}/
                </button>
                {f.repo && (
                  <>
                    <span className="pill folder-git">git</span>
                    <button type="button" className="link-button" onClick={() => choose(path)}>
                      Use {f.name}
                    </button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {listing?.truncated && <p className="muted small">Only the first 500 folders are listed.</p>}
      <div className="actions">
        <button type="button" onClick={modal.close}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
