import { useCallback, useEffect, useState } from 'react';
import type { PushSubscriptionInfo } from '../../../../src-shared/schemas/push.ts';
import { pushApi } from '../../api/off-desk.ts';
import { currentSubscription, pushHere, subscribePush, unsubscribePush } from '../../notify/push.ts';
import { useBaton } from '../../store/index.ts';
import { whenIn } from '../reach/field-errors.ts';
import { RemoveRowButton, RowName, RowsTable } from '../shared/RowsTable.tsx';

/**
 * Push notifications to your browsers (a phone's above all), which show while no page of Baton
 * is open: this browser subscribed or not, the browsers you subscribed, and a test. An approval
 * you may decide comes with a link that opens it once; deciding it needs you signed in there.
 */
export function PushPanel() {
  const me = useBaton((s) => s.me);
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [mine, setMine] = useState<PushSubscriptionInfo[] | null>(null);
  const [here, setHere] = useState<string | null | 'unknown'>('unknown');
  const [busy, setBusy] = useState(false);
  const person = me?.person ?? null;
  const reload = useCallback(async () => {
    if (!person) return;
    try {
      setMine(await pushApi.list());
      setHere((await currentSubscription())?.endpoint ?? null);
    } catch (e) {
      fail('Your browsers could not be listed', e);
    }
  }, [person, fail]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const act = async (what: string, step: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await step();
      await reload();
    } catch (e) {
      fail(what, e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="form-panel push-panel" aria-label="Push notifications">
      <h2>Push to your phone</h2>
      {!person ? (
        <p className="small">
          Push notifications go to a person: make the owner account (Settings → People), or sign in, to get
          them.
        </p>
      ) : !pushHere() ? (
        <p className="small">
          This page cannot take push notifications: a browser takes them at an https address (Baton’s public
          URL) or at localhost. Open Baton there on your phone, sign in, and turn them on from this page.
        </p>
      ) : (
        <>
          <p className="small">
            Approvals you may decide reach this browser even when Baton is closed, with a link that opens the
            approval (once). Deciding still needs you signed in here.
          </p>
          <div className="actions">
            {here ? (
              <button
                type="button"
                disabled={busy}
                onClick={() => void act('Push was not turned off', unsubscribePush)}
              >
                Stop push on this browser
              </button>
            ) : (
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => void act('Push was not turned on', subscribePush)}
              >
                Get push notifications on this browser
              </button>
            )}
            {mine && mine.length > 0 && (
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  void act('The test was not sent', async () => {
                    const { queued } = await pushApi.test();
                    notify(
                      'info',
                      `A test notification is on its way to ${queued} browser${queued === 1 ? '' : 's'}`,
                    );
                  })
                }
              >
                Send a test
              </button>
            )}
          </div>
        </>
      )}
      {person && (
        <RowsTable
          label="Your browsers"
          className="push-browsers"
          columns={['Browser', 'Added', 'Last sent']}
          rows={mine}
          empty="No browser of yours takes push notifications yet."
          rowKey={(s) => s.id}
          row={(s) => (
            <tr>
              <RowName name={s.label} detail={s.service} />
              <td className="small">{whenIn(s.created_at)}</td>
              <td className="small">
                {s.last_error ? (
                  <span className="field-error">{s.last_error}</span>
                ) : s.last_sent_at ? (
                  whenIn(s.last_sent_at)
                ) : (
                  <span className="muted">nothing yet</span>
                )}
              </td>
              <td className="row-actions">
                <RemoveRowButton
                  what="browser"
                  name={s.label}
                  detail="It gets no more push notifications from Baton."
                  onConfirm={() =>
                    void act('The browser was not removed', () => pushApi.unsubscribe({ id: s.id }))
                  }
                />
              </td>
            </tr>
          )}
        />
      )}
    </section>
  );
}
