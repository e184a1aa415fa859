import { useBaton } from '../../store/index.ts';

/** Browser mode's word on the host: gone for now (retrying), or gone for good (a new launch). */
export function ConnectionNotice() {
  const connection = useBaton((s) => s.connection);
  if (connection === 'closed') {
    return (
      <p className="notice" role="alert">
        Lost the connection to Baton. Reconnecting… If you restarted <code>baton serve</code>, open the
        address it printed.
      </p>
    );
  }
  if (connection === 'ended') {
    return (
      <div className="notice" role="alert">
        <p>
          <strong>This Baton session has ended</strong> (the host was restarted or the link is old). Open the
          address <code>baton serve</code> printed.
        </p>
        <button type="button" onClick={() => location.reload()}>
          Reload this tab
        </button>
      </div>
    );
  }
  return null;
}
