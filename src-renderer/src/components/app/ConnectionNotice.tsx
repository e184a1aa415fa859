import { useBaton } from '../../store/index.ts';

/**
 * Browser mode's word on the host: gone for now (retrying: a restart keeps the token, so the tab
 * goes on by itself), or gone for good (its token was replaced).
 */
export function ConnectionNotice() {
  const connection = useBaton((s) => s.connection);
  if (connection === 'closed') {
    return (
      <p className="notice" role="alert">
        Lost the connection to Baton. Reconnecting… (a restarted <code>baton serve</code> takes this tab back
        by itself).
      </p>
    );
  }
  if (connection === 'ended') {
    return (
      <div className="notice" role="alert">
        <p>
          <strong>This Baton session has ended</strong>: Baton's access token was replaced (
          <code>baton serve --new-token</code>) or this link is old. Open the address <code>baton serve</code>{' '}
          printed last.
        </p>
        <button type="button" onClick={() => location.reload()}>
          Reload this tab
        </button>
      </div>
    );
  }
  return null;
}
