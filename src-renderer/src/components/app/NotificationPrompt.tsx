import { askPermission, dontAsk } from '../../notify/notifications.ts';
import { useBaton } from '../../store/index.ts';

/**
 * Browser mode, the first time Baton has something to tell (an approval waiting, a run ended):
 * what notifications are for, and the choice to let the browser ask. Asked once; either answer
 * is remembered, and Settings → Notifications can ask again. At the foot of the sidebar, so it
 * moves nothing on the screen.
 */
export function NotificationPrompt() {
  const ask = useBaton((s) => s.askNotifications);
  const setAsk = useBaton((s) => s.setAskNotifications);
  if (!ask) return null;
  return (
    <section className="notification-prompt" aria-label="Notifications">
      <p>
        <strong>Be told when Baton needs you?</strong> With your browser’s permission, Baton shows a
        notification when an approval or a task waits for you, a run ends or a budget is passed, while you are
        in another tab or window. Choose the kinds in Settings.
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            setAsk(false);
            void askPermission();
          }}
        >
          Allow notifications…
        </button>
        <button
          type="button"
          onClick={() => {
            dontAsk();
            setAsk(false);
          }}
        >
          Not now
        </button>
      </div>
    </section>
  );
}
