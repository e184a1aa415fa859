import { useEffect, useState } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { Modal, useModal } from '../shared/Modal.tsx';

type Check =
  | { kind: 'checking' }
  | { kind: 'free' }
  | { kind: 'busy'; tasks: string[] }
  | { kind: 'error'; message: string };

/**
 * Asks before removing an agent, and says what follows. An agent working on tasks is not
 * removed (the main process refuses too): the dialog names those tasks instead.
 */
export function RemoveAgentDialog({ agent, onClose }: { agent: Agent; onClose(): void }) {
  const loadAgents = useBaton((s) => s.loadAgents);
  const notify = useBaton((s) => s.notify);
  const modal = useModal({ onClose });
  const [check, setCheck] = useState<Check>({ kind: 'checking' });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.inbox(agent.id).then(
      ({ in_progress }) => {
        if (!live) return;
        setCheck(
          in_progress.length === 0
            ? { kind: 'free' }
            : { kind: 'busy', tasks: in_progress.map((t) => t.task_id) },
        );
      },
      (err: unknown) => live && setCheck({ kind: 'error', message: String((err as Error).message ?? err) }),
    );
    return () => {
      live = false;
    };
  }, [agent.id]);

  const remove = async () => {
    setBusy(true);
    try {
      const { removed } = await api.removeAgent(agent.id);
      notify('info', removed ? `Removed agent ${agent.id}` : `${agent.id} was already gone`);
      await loadAgents();
      modal.close();
    } catch (err) {
      setCheck({ kind: 'error', message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const who = agent.name ? `${agent.name} (${agent.id})` : agent.id;
  return (
    <Modal modal={modal} label={`Remove agent ${agent.id}`}>
      <h2>Remove {who}?</h2>
      {check.kind === 'checking' && <p className="muted">Checking whether it is working on anything…</p>}
      {check.kind === 'busy' && (
        <p role="alert" className="notice">
          {agent.id} is working on {check.tasks.length === 1 ? '1 task' : `${check.tasks.length} tasks`} (
          {check.tasks.join(', ')}) and cannot be removed now. Wait for{' '}
          {check.tasks.length === 1 ? 'it to end or cancel it' : 'them to end or cancel them'}, then remove{' '}
          {agent.id}; set it OFFLINE meanwhile so it takes no new work.
        </p>
      )}
      {check.kind === 'error' && (
        <p role="alert" className="notice">
          {check.message}
        </p>
      )}
      {check.kind !== 'busy' && (
        <p>
          Its past attempts stay in run history and statistics. Tasks still to run that only it can take (by
          its skills, or pinned to it) will end unassigned.
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => modal.close()}>
          Keep agent
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy || check.kind === 'checking' || check.kind === 'busy'}
          onClick={() => void remove()}
        >
          Remove agent
        </button>
      </div>
    </Modal>
  );
}
