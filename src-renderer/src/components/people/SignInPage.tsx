import { useEffect, useState } from 'react';
import type { Role } from '../../../../src-shared/schemas/plain/people.ts';
import {
  AuthError,
  invitation,
  joinWithPasskey,
  joinWithPassword,
  passkeysHere,
  signIn,
  signInWithPasskey,
} from '../../api/auth.ts';
import { afterSignIn } from './after-sign-in.ts';

/**
 * The invitation this address carries (`/join#invite=…`: a fragment never reaches a server, a
 * proxy's log or a Referer), taken out of the address bar at once. A link made before the
 * fragment (`/join?invite=…`) still opens.
 */
export function inviteInAddress(): string | null {
  const url = new URL(location.href);
  if (url.pathname !== '/join') return null;
  const secret =
    new URLSearchParams(url.hash.slice(1)).get('invite') ?? url.searchParams.get('invite') ?? null;
  if (secret) history.replaceState(null, '', '/join');
  return secret;
}

const said = (e: unknown) =>
  e instanceof AuthError
    ? e.message
    : e instanceof Error && e.name === 'NotAllowedError'
      ? 'The passkey was not used (cancelled or timed out).'
      : String(e);

/**
 * A browser with no session and no launch token: sign in (a passkey, or a name and password), or
 * join with an invitation (`/join#invite=…`). Done, the page loads again as that person.
 */
export function SignInPage({ invite }: { invite: string | null }) {
  useEffect(() => {
    document.title = `${invite ? 'Join' : 'Sign in'} · Baton`;
  }, [invite]);
  return (
    <main className="access-page sign-in">
      <h1>{invite ? 'Join this Baton' : 'Sign in to Baton'}</h1>
      {invite ? <Join invite={invite} /> : <SignIn />}
      <p className="muted small">
        At the machine Baton runs on? Open the address <code>baton serve</code> printed (it ends in{' '}
        <code>?token=…</code>).
      </p>
    </main>
  );
}

const done = () => location.replace(afterSignIn(location));

function SignIn() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (step: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await step();
      done();
    } catch (e) {
      setError(said(e));
      setBusy(false);
    }
  };
  return (
    <>
      {passkeysHere() && (
        <button
          type="button"
          className="primary wide"
          disabled={busy}
          onClick={() => void run(signInWithPasskey)}
        >
          Sign in with a passkey
        </button>
      )}
      <form
        className="sign-in-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => signIn(name, password));
        }}
      >
        <label>
          Name
          <input autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" disabled={busy}>
          Sign in with a password
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

function Join({ invite }: { invite: string }) {
  const [offer, setOffer] = useState<{ role: Role } | null | 'loading'>('loading');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void invitation(invite).then(setOffer);
  }, [invite]);
  if (offer === 'loading') return <p className="muted">Reading the invitation…</p>;
  if (offer === null)
    return (
      <p role="alert">This invitation was used, revoked or has expired. Ask whoever sent it for a new one.</p>
    );
  const run = async (step: () => Promise<unknown>) => {
    if (!name.trim()) return setError('Say your name first: it is how Baton names what you decide.');
    setBusy(true);
    setError(null);
    try {
      await step();
      done();
    } catch (e) {
      setError(said(e));
      setBusy(false);
    }
  };
  return (
    <>
      <p>
        You are invited as <strong>{offer.role}</strong>. Choose the name Baton will show for what you do,
        then make a passkey (this device keeps it) or a password.
      </p>
      <form className="sign-in-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Your name
          <input autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        {passkeysHere() && (
          <button
            type="button"
            className="primary wide"
            disabled={busy}
            onClick={() => void run(() => joinWithPasskey(invite, name.trim()))}
          >
            Join with a passkey
          </button>
        )}
        <label>
          Or a password (10 characters or more)
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(() => joinWithPassword(invite, name.trim(), password))}
        >
          Join with a password
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
