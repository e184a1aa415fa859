import { useEffect, useState } from 'react';
import type { SecretListing } from '../../../../src-shared/contract/domains/secrets.ts';
import { PROTECTION_WORDS, sourceWords, usedByWords } from '../../../../src-shared/secret-words.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { useRowAction } from '../reach/reach-parts.tsx';
import { RemoveRowButton, RowsTable } from '../shared/RowsTable.tsx';
import { SecretForm } from './SecretForm.tsx';

/**
 * Settings → Secrets: every secret name Baton knows of (stored here, in a `BATON_SECRET_*`
 * variable, or named by an agent or webhook), where its value comes from and who uses it, never
 * a value; how a secret set here is kept; a form to set one, and delete with a confirm.
 */
export function SecretsPanel() {
  const overview = useBaton((s) => s.secrets);
  const load = useBaton((s) => s.loadSecrets);
  const act = useRowAction();
  // The name the form sets: a row's "Set it" puts one in, and the value field is focused (`asked`).
  const [name, setName] = useState('');
  const [asked, setAsked] = useState(0);
  const pick = (n: string) => {
    setName(n);
    setAsked((k) => k + 1);
  };
  useEffect(() => {
    void load();
  }, [load]);
  const remove = async (s: SecretListing) => {
    await act(() => api.deleteSecret(s.name), `Secret ${s.name} was not deleted`, {
      title: `Deleted secret ${s.name}`,
    });
    await load();
  };
  return (
    <>
      <p className="muted small intro">
        API keys and tokens that agents and webhooks name (an agent’s <code>{'{secret:NAME}'}</code> or key
        field, a webhook’s signing secret), never hold. Baton looks a name up in this order: the value stored
        here, then the environment variable <code>BATON_SECRET_&lt;NAME&gt;</code>, then{' '}
        <code>&lt;NAME&gt;</code>. A value set here is used at once, and never shown again: not here, not in
        logs or outputs.
      </p>
      {overview && (
        <p
          role="note"
          aria-label="Where secrets are kept"
          className={`intro small storage-note ${overview.storage.protection}`}
        >
          Secrets set here are {PROTECTION_WORDS[overview.storage.protection]} (
          <code>{overview.storage.file}</code>).
        </p>
      )}
      <RowsTable
        label="Secrets"
        className="secrets"
        columns={['Secret', 'Where its value comes from', 'Used by']}
        rows={overview?.secrets ?? null}
        empty={
          <>
            No secrets yet. Set one below, or start Baton with <code>BATON_SECRET_&lt;NAME&gt;</code> set.
          </>
        }
        rowKey={(s) => s.name}
        row={(s) => (
          <tr>
            <th scope="row">
              <code>{s.name}</code>
            </th>
            <td className={`small ${s.source === 'missing' ? 'secret-missing' : ''}`}>{sourceWords(s)}</td>
            <td className="small">{usedByWords(s) || <span className="muted">nobody yet</span>}</td>
            <td className="row-actions">
              {s.source === 'missing' && (
                <button type="button" onClick={() => pick(s.name)} aria-label={`Set ${s.name}`}>
                  Set it
                </button>
              )}
              {s.stored && (
                <RemoveRowButton
                  verb="Delete"
                  what="secret"
                  name={s.name}
                  detail={
                    s.env_var
                      ? `The stored value is removed; ${s.name} then comes from ${s.env_var}.`
                      : `The stored value is removed.${usedByWords(s) ? ` ${usedByWords(s)} will fail until it is set again.` : ''}`
                  }
                  onConfirm={() => void remove(s)}
                />
              )}
            </td>
          </tr>
        )}
      />
      <SecretForm name={name} onName={setName} asked={asked} />
    </>
  );
}
