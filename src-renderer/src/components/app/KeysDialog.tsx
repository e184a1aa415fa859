import { INBOX_KEYS } from '../../approvals/inbox-keys.ts';
import { useBaton } from '../../store/index.ts';
import { Modal, useModal } from '../shared/Modal.tsx';

/** The keys everywhere. */
const GLOBAL_KEYS = [
  { keys: ['Ctrl', 'K'], what: 'Command palette: any screen, plan, run, agent or action (⌘K on a Mac)' },
  { keys: ['?'], what: 'These keys' },
  { keys: ['Esc'], what: 'Close a dialog, or leave a field' },
] as const;

/** The keys, opened with ? anywhere (not while typing) or from the inbox's hint and the palette. */
export function KeysDialog() {
  const open = useBaton((s) => s.overlay === 'keys');
  const setOverlay = useBaton((s) => s.setOverlay);
  const modal = useModal({ open, onClose: () => setOverlay(null) });
  return (
    <Modal modal={modal} label="Keyboard shortcuts" className="dialog keys-dialog">
      <h2>Keyboard shortcuts</h2>
      <table className="keys-table small">
        <caption className="muted">Everywhere</caption>
        <tbody>
          {GLOBAL_KEYS.map((k) => (
            <tr key={k.what}>
              <th scope="row">
                {k.keys.map((key) => (
                  <kbd key={key}>{key}</kbd>
                ))}
              </th>
              <td>{k.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="keys-table small">
        <caption className="muted">Approvals (the current card has a bar at its left)</caption>
        <tbody>
          {INBOX_KEYS.map((k) => (
            <tr key={k.key}>
              <th scope="row">
                <kbd>{k.key}</kbd>
              </th>
              <td>{k.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="primary" onClick={modal.close}>
          Close
        </button>
      </div>
    </Modal>
  );
}
