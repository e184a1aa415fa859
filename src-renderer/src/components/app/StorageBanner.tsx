import { useBaton } from '../../store/index.ts';

/** The host's disk is full: say so until dismissed, and what to free. */
export function StorageBanner() {
  const full = useBaton((s) => s.storageFull);
  const dismiss = useBaton((s) => s.dismissStorageFull);
  if (!full) return null;
  return (
    <div className="notice" role="alert" aria-label="Disk full">
      <p>
        <strong>The disk is full: Baton could not save.</strong>{' '}
        {full.dataDir ? (
          <>
            Free some space on the disk that holds Baton's data (<code>{full.dataDir}</code>), then try again.
          </>
        ) : (
          full.message
        )}
      </p>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
