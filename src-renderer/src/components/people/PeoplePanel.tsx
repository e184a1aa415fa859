import { useCallback, useEffect, useState } from 'react';
import type { Invite, Passkey, Person, PersonalToken } from '../../../../src-shared/schemas/people.ts';
import type { Role } from '../../../../src-shared/schemas/plain/people.ts';
import { ROLES, roleAtLeast } from '../../../../src-shared/schemas/plain/people.ts';
import { addPasskey, passkeysHere, signOut } from '../../api/auth.ts';
import { peopleApi } from '../../api/people.ts';
import { useBaton } from '../../store/index.ts';
import { whenIn } from '../reach/field-errors.ts';
import { RemoveRowButton, RowName, RowsTable } from '../shared/RowsTable.tsx';
import { ShownOnce } from '../shared/ShownOnce.tsx';

/**
 * Settings → People: who you are here (the owner's account made once, at this machine), everyone
 * on this Baton with their roles, invitations (a one-time link each), and your own passkeys,
 * password and personal access tokens. What your role does not allow is shown, not offered.
 */
export function PeoplePanel() {
  const me = useBaton((s) => s.me);
  const loadMe = useBaton((s) => s.loadMe);
  const fail = useBaton((s) => s.fail);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const admin = me !== null && roleAtLeast(me.role, 'admin');
  const reload = useCallback(async () => {
    try {
      setPeople(await peopleApi.list());
      if (admin) setInvites(await peopleApi.invites());
    } catch (e) {
      fail('People could not be listed', e);
    }
  }, [admin, fail]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const act = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
      await Promise.all([reload(), loadMe()]);
    } catch (e) {
      fail(what, e);
    }
  };
  if (!me) return <p className="muted">Reading who you are…</p>;
  return (
    <>
      <p className="muted small intro">
        People sign in with a passkey or a password and hold a role: a <strong>viewer</strong> sees, a{' '}
        <strong>member</strong> runs plans and decides what waits, an <strong>admin</strong> also sets up
        agents, workspaces, secrets and people, the <strong>owner</strong> is this machine’s. Every decision
        names who made it.
      </p>
      {me.setup_needed ? (
        <OwnerSetup onDone={() => void act('The owner account was not made', loadMe)} />
      ) : (
        <You />
      )}
      <RowsTable
        label="People"
        className="people stack"
        columns={['Name', 'Role', 'Joined', 'Sign-in']}
        rows={people}
        empty="Nobody yet: make the owner account above."
        rowKey={(p) => p.id}
        row={(p) => (
          <tr>
            <RowName name={p.name} detail={p.invited_by ? `invited by ${p.invited_by}` : 'owner'} />
            <td className="small" data-label="Role">
              {admin && p.role !== 'owner' && p.id !== me.person?.id ? (
                <select
                  aria-label={`Role of ${p.name}`}
                  value={p.role}
                  onChange={(e) =>
                    void act(`${p.name}'s role was not changed`, () =>
                      peopleApi.setRole(p.id, e.target.value as Role),
                    )
                  }
                >
                  {ROLES.filter((r) => r !== 'owner' && roleAtLeast(me.role, r)).map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              ) : (
                p.role
              )}
            </td>
            <td className="small" data-label="Joined">
              {whenIn(p.created_at)}
            </td>
            <td className="small" data-label="Sign-in">
              {[
                p.passkeys > 0 ? `${p.passkeys} passkey${p.passkeys === 1 ? '' : 's'}` : null,
                p.has_password ? 'password' : null,
              ]
                .filter(Boolean)
                .join(', ') || <span className="muted">at this machine only</span>}
            </td>
            <td className="row-actions">
              {admin && p.role !== 'owner' && p.id !== me.person?.id ? (
                <RemoveRowButton
                  what="person"
                  name={p.name}
                  detail="Their sessions, tokens and passkeys end at once; what they decided stays in their name."
                  onConfirm={() => void act(`${p.name} was not removed`, () => peopleApi.remove(p.id))}
                />
              ) : (
                <span className="muted small">
                  {p.role === 'owner'
                    ? 'the owner stays'
                    : p.id === me.person?.id
                      ? 'you'
                      : 'admins change people'}
                </span>
              )}
            </td>
          </tr>
        )}
      />
      {admin ? (
        <Invites invites={invites} onChange={() => void reload()} />
      ) : (
        <p className="muted small">Only an admin or the owner invites people.</p>
      )}
    </>
  );
}

function OwnerSetup({ onDone }: { onDone(): void }) {
  const [name, setName] = useState('');
  return (
    <form
      className="form-panel people-form"
      onSubmit={(e) => {
        e.preventDefault();
        void peopleApi
          .setupOwner(name.trim())
          .then(onDone, (err) => useBaton.getState().fail('The owner account was not made', err));
      }}
    >
      <h2>Make the owner account</h2>
      <p className="small">
        You are at the machine Baton runs on, so you are its owner. Name your account: your decisions are
        recorded under it, and others join by your invitation. A password or passkey is optional here.
      </p>
      <label>
        Your name <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <button type="submit" className="primary">
        Make the owner account
      </button>
    </form>
  );
}

function Invites({ invites, onChange }: { invites: Invite[] | null; onChange(): void }) {
  const [role, setRole] = useState<Role>('member');
  const [made, setMade] = useState<{ link: string; role: Role } | null>(null);
  const fail = useBaton((s) => s.fail);
  const invite = async () => {
    try {
      const r = await peopleApi.invite(role);
      setMade({ link: `${location.origin}${r.path}`, role });
      onChange();
    } catch (e) {
      fail('The invitation was not made', e);
    }
  };
  return (
    <section className="form-panel people-form" aria-label="Invite someone">
      <h2>Invite someone</h2>
      {made && (
        <ShownOnce
          title={`Invitation for ${aRole(made.role)}`}
          warning="Send this link to one person: it works once, for 7 days, and is shown only now."
          facts={[{ label: 'Link', value: made.link, what: 'the link' }]}
          onDone={() => setMade(null)}
        />
      )}
      <div className="people-row">
        <label>
          Role{' '}
          <select
            aria-label="Role of the invited person"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
          >
            <option>viewer</option>
            <option>member</option>
            <option>admin</option>
          </select>
        </label>
        <button type="button" className="primary" onClick={() => void invite()}>
          Invite
        </button>
      </div>
      {invites && invites.length > 0 && (
        <ul className="small plain-list">
          {invites.map((i) => (
            <li key={i.id}>
              {capitalized(aRole(i.role))}, invited by {i.created_by}, open until {whenIn(i.expires_at)}{' '}
              <button
                type="button"
                className="link small"
                onClick={() => void peopleApi.revokeInvite(i.id).then(onChange)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A role with its article: "a member", "an admin". */
const aRole = (role: string) => `${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role}`;
const capitalized = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

/** Your own account: how you sign in (passkeys, password), your tokens, signing out. */
function You() {
  const me = useBaton((s) => s.me)!;
  const loadMe = useBaton((s) => s.loadMe);
  const fail = useBaton((s) => s.fail);
  const [keys, setKeys] = useState<Passkey[]>([]);
  const [tokens, setTokens] = useState<PersonalToken[]>([]);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [tokenName, setTokenName] = useState('');
  const [password, setPassword] = useState('');
  const [current, setCurrent] = useState('');
  const person = me.person;
  // A browser's cookie may be a copy: changing a password there asks for the current one.
  const askCurrent = !!person?.has_password && me.via === 'session';
  const reload = useCallback(async () => {
    if (!person) return;
    setKeys(await peopleApi.passkeys());
    setTokens(await peopleApi.tokens());
  }, [person]);
  useEffect(() => {
    void reload().catch((e) => fail('Your passkeys and tokens could not be listed', e));
  }, [reload, fail]);
  if (!person) return null;
  const act = (what: string, step: () => Promise<unknown>) =>
    step()
      .then(() => Promise.all([reload(), loadMe()]))
      .catch((e) => fail(what, e));
  return (
    <section className="form-panel people-form" aria-label="You">
      <h2>
        You are {person.name}{' '}
        <span className="muted small">
          ({me.role}
          {me.via === 'local' ? ', at this machine' : ''})
        </span>
      </h2>
      <div className="people-row">
        {passkeysHere() && (
          <button
            type="button"
            onClick={() =>
              void act('The passkey was not added', () => addPasskey(`Passkey ${keys.length + 1}`))
            }
          >
            Add a passkey
          </button>
        )}
        {keys.map((k) => (
          <span key={k.id} className="chip small">
            {k.name}{' '}
            <button
              type="button"
              className="link small"
              onClick={() => void act('The passkey was not removed', () => peopleApi.removePasskey(k.id))}
            >
              remove
            </button>
          </span>
        ))}
      </div>
      <form
        className="people-row"
        onSubmit={(e) => {
          e.preventDefault();
          void act('The password was not set', () => peopleApi.setPassword(password, current)).then(() => {
            setPassword('');
            setCurrent('');
          });
        }}
      >
        {askCurrent && (
          <label>
            Current password{' '}
            <input
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </label>
        )}
        <label>
          {person.has_password ? 'New password' : 'A password'}{' '}
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            minLength={10}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit">{person.has_password ? 'Change password' : 'Set password'}</button>
      </form>
      <h3>Personal access tokens</h3>
      <p className="muted small">
        For scripts and MCP clients: <code>Authorization: Bearer …</code> on{' '}
        <code>{location.origin}/api/</code> and <code>/mcp</code>. A token does at most what you may, and is
        shown once.
      </p>
      {secret && (
        <ShownOnce
          title={`Token ${secret.name}`}
          warning="Copy it now: Baton keeps only a hash of it."
          facts={[{ label: 'Token', value: secret.secret, what: 'the token' }]}
          onDone={() => setSecret(null)}
        />
      )}
      <ul className="small plain-list">
        {tokens.map((t) => (
          <li key={t.id}>
            {t.name} ({t.role}), last used {t.last_used_at ? whenIn(t.last_used_at) : 'never'}{' '}
            <button
              type="button"
              className="link small"
              onClick={() => void act('The token was not revoked', () => peopleApi.revokeToken(t.id))}
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
      <form
        className="people-row"
        onSubmit={(e) => {
          e.preventDefault();
          void peopleApi
            .createToken(tokenName.trim(), me.role)
            .then((r) => {
              setSecret({ name: r.token.name, secret: r.secret });
              setTokenName('');
              return reload();
            })
            .catch((err) => fail('The token was not made', err));
        }}
      >
        <label>
          Token name <input value={tokenName} onChange={(e) => setTokenName(e.target.value)} required />
        </label>
        <button type="submit">Create token</button>
      </form>
      {me.via === 'session' && (
        <div className="people-row">
          <button type="button" onClick={() => void signOut().then(() => location.replace('/'))}>
            Sign out
          </button>
          <button
            type="button"
            onClick={() =>
              void peopleApi.signOutEverywhere().then(
                () => location.replace('/'),
                (e) => fail('Not signed out', e),
              )
            }
          >
            Sign out everywhere
          </button>
        </div>
      )}
    </section>
  );
}
