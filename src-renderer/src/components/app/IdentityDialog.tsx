import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Identity } from '../../store/identity.ts';
import { useBaton } from '../../store/index.ts';
import { Modal, useModal } from '../shared/Modal.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';

/** "Other" in the choice of who you are: a name that is none of the human agents. */
const SOMEONE_ELSE = '';

/**
 * Who you are, asked once (the first time something is recorded in your name) and changed from
 * the sidebar: a human agent (My tasks then lists its tasks) or just a name. The name is what
 * the audit log records for your approvals, rejections and cancels.
 */
export function IdentityDialog() {
  const prompt = useBaton((s) => s.identityPrompt);
  return prompt ? <IdentityAsk why={prompt.why} /> : null;
}

/** The dialog while it asks: opened when drawn, the form filled in with who you are now. */
function IdentityAsk({ why }: { why: string }) {
  const answer = useBaton((s) => s.answerIdentity);
  const id = useId();
  const humans = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'human')));
  const current = useBaton((s) => s.identity);
  // Nothing picked for a newcomer: being someone is a choice, not a default to click through.
  const [choice, setChoice] = useState<string | null>(
    current?.agentId ?? (current || humans.length === 0 ? SOMEONE_ELSE : null),
  );
  const [name, setName] = useState(current && !current.agentId ? current.name : '');
  const [start] = useState({ choice, name });
  const modal = useModal({
    changed: choice !== start.choice || name !== start.name,
    // Escape, or Cancel: no answer; whatever waited for one does not happen.
    onClose: () => {
      if (useBaton.getState().identityPrompt) answer(null);
    },
  });
  const agent = humans.find((h) => h.id === choice);
  const chosen: Identity | null = agent
    ? { name: agent.name ?? agent.id, agentId: agent.id }
    : name.trim()
      ? { name: name.trim(), agentId: null }
      : null;
  return (
    <Modal modal={modal} label="Who are you?">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) answer(chosen);
        }}
      >
        <h2>Who are you?</h2>
        {why && <p className="small">{why}: Baton records who does it.</p>}
        <p className="muted small">
          Your name goes into the audit log with your approvals, rejections and cancels; when you are one of
          the human agents, My tasks lists the tasks waiting for you. Kept in this browser; change it at the
          bottom of the sidebar.
        </p>
        <fieldset className="identity-choices">
          <legend className="visually-hidden">Who you are</legend>
          {humans.map((h) => (
            <label key={h.id} className="check">
              <input
                type="radio"
                name={`${id}-who`}
                value={h.id}
                checked={choice === h.id}
                onChange={() => setChoice(h.id)}
              />
              {h.name ?? h.id}
              <span className="muted small"> · human agent {h.id}</span>
            </label>
          ))}
          {humans.length > 0 && (
            <label className="check">
              <input
                type="radio"
                name={`${id}-who`}
                value={SOMEONE_ELSE}
                checked={choice === SOMEONE_ELSE}
                onChange={() => setChoice(SOMEONE_ELSE)}
              />
              Someone else
            </label>
          )}
          {choice === SOMEONE_ELSE && (
            <label>
              Your name
              <input
                type="text"
                value={name}
                // biome-ignore lint/a11y/noAutofocus: the dialog opens to ask this one thing
                autoFocus
                maxLength={200}
                onChange={(e) => setName(e.target.value)}
              />
            </label>
          )}
        </fieldset>
        <div className="actions">
          <button type="button" onClick={modal.requestClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!chosen}>
            {chosen ? `I am ${chosen.name}` : 'Choose who you are'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The sidebar's line that says who you are, and the one place to change it. */
export function IdentityLine() {
  const identity = useBaton((s) => s.identity);
  const change = useBaton((s) => s.changeIdentity);
  const me = useBaton((s) => s.me);
  // A proven person: who is signed in, never a name typed here.
  if (me?.person)
    return (
      <div className="identity-line">
        <span className="small">
          Signed in as <strong>{me.person.name}</strong> <span className="muted">({me.role})</span>
        </span>
        <RouteLink to={{ screen: 'settings', tab: 'people' }} className="link small">
          You
        </RouteLink>
      </div>
    );
  return (
    <div className="identity-line">
      <span className="small">
        {identity ? (
          <>
            You are <strong>{identity.name}</strong>
          </>
        ) : (
          <span className="muted">You have not said who you are</span>
        )}
      </span>
      <button
        type="button"
        className="link small"
        onClick={change}
        aria-label={identity ? `Change who you are (${identity.name})` : 'Say who you are'}
      >
        {identity ? 'Change' : 'Say who'}
      </button>
    </div>
  );
}
