import { useBaton } from '../../store/index.ts';
import { RouteLink } from '../shared/RouteLink.tsx';
import { UndoToasts } from './UndoToasts.tsx';

export function Toasts() {
  const toasts = useBaton((s) => s.toasts);
  const dismiss = useBaton((s) => s.dismiss);
  return (
    <div className="toasts" aria-live="polite">
      <UndoToasts />
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <div className="toast-head">
            <strong>{t.title}</strong>
            <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
          {t.lines.length > 0 && (
            <ul>
              {t.lines.slice(0, 12).map((l) => (
                <li key={l}>{l}</li>
              ))}
              {t.lines.length > 12 && <li>…and {t.lines.length - 12} more</li>}
            </ul>
          )}
          {t.link && (
            <RouteLink to={t.link.to} className="link toast-link" onClick={() => dismiss(t.id)}>
              {t.link.label}
            </RouteLink>
          )}
        </div>
      ))}
    </div>
  );
}
