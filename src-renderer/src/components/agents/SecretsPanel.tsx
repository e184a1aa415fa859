import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';

/** Secrets agents name as {secret:NAME}: set or delete them; their values are never shown. */
export function SecretsPanel() {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [state, setState] = useState<{ names: string[]; writable: boolean }>({ names: [], writable: false });
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const load = useCallback(
    () => api.listSecrets().then(setState, (err) => fail('Could not list secrets', err)),
    [fail],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const save = async () => {
    try {
      await api.setSecret(name, value);
      setValue('');
      notify('info', `Stored secret ${name}`);
      await load();
    } catch (err) {
      fail('The secret was not stored', err);
    }
  };
  return (
    <form
      className="form-panel"
      aria-label="Secrets"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>Secrets</h2>
      <p className="muted small">
        {state.writable
          ? 'Kept encrypted with your OS keychain. Agents refer to them as {secret:NAME}; values are never shown again.'
          : 'In browser mode secrets come from environment variables: start Baton with BATON_SECRET_<NAME> set, and agents refer to it as {secret:NAME}. The desktop app keeps them in the OS keychain, and can set them here.'}
      </p>
      {state.names.length > 0 && (
        <ul className="chips" aria-label="Stored secrets">
          {state.names.map((n) => (
            <li key={n} className="chip">
              {n}{' '}
              {state.writable && (
                <button
                  type="button"
                  className="icon"
                  aria-label={`Delete secret ${n}`}
                  onClick={() => api.deleteSecret(n).then(load, (err) => fail('Not deleted', err))}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {/* Only where they can be stored: browser mode reads them from the environment. */}
      {state.writable && (
        <div className="row">
          <label>
            Name
            <input type="text" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Value
            <input
              type="password"
              autoComplete="off"
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          </label>
          <button type="submit" disabled={!name || !value}>
            Store secret
          </button>
        </div>
      )}
    </form>
  );
}
