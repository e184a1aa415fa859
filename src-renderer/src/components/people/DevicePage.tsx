import { useEffect, useState } from 'react';
import type { DeviceSignIn } from '../../api/auth.ts';
import { AuthError, decideDevice, deviceSignIn } from '../../api/auth.ts';
import { SignInPage } from './SignInPage.tsx';

/** The code `baton login` printed, from the page's address (`/device?code=…`). */
export const deviceCodeInAddress = (): string => new URL(location.href).searchParams.get('code') ?? '';

const said = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * `baton login --url` on another machine printed this page: the person signed in here checks the
 * code and lets that command line sign in as them (it then holds a personal access token of
 * theirs, listed in Settings → People → Tokens), or refuses. Not signed in: sign in first, then
 * the page asks again.
 */
export function DevicePage({ code }: { code: string }) {
  const [asked, setAsked] = useState<DeviceSignIn | 'sign-in' | { error: string } | null>(null);
  const [answer, setAnswer] = useState<'approved' | 'denied' | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Sign in the command line · Baton';
    deviceSignIn(code).then(
      (d) => {
        setAsked(d);
        setAnswer(d.decided);
      },
      (e) => setAsked(e instanceof AuthError && e.code === 'unauthorized' ? 'sign-in' : { error: said(e) }),
    );
  }, [code]);
  if (asked === null) return <p className="muted centered">Looking for the command line…</p>;
  if (asked === 'sign-in') return <SignInPage invite={null} />;
  if ('error' in asked)
    return (
      <main className="access-page link-page">
        <h1>No command line waits here</h1>
        <p role="alert">{asked.error}</p>
      </main>
    );
  const decide = (approve: boolean) => {
    setBusy(true);
    decideDevice(asked.user_code, approve).then(
      (r) => setAnswer(r.decided),
      (e) => setAsked({ error: said(e) }),
    );
  };
  return (
    <main className="access-page link-page">
      <p className="muted small">Code</p>
      <p className="device-code">
        <code>{asked.user_code}</code>
      </p>
      {answer === null ? (
        <>
          <h1>
            Sign in the command line on {asked.host} as {asked.person.name}?
          </h1>
          <p className="small">
            Only if the command line shows this same code and you started it. It can then do what you may (
            {asked.role}) until you revoke its token in Settings → People.
          </p>
          <button type="button" className="primary wide" disabled={busy} onClick={() => decide(true)}>
            Sign it in
          </button>
          <button type="button" className="wide" disabled={busy} onClick={() => decide(false)}>
            Refuse
          </button>
        </>
      ) : (
        <p role="status">
          {answer === 'approved'
            ? `The command line on ${asked.host} is signed in as ${asked.person.name}. You can close this page.`
            : 'Refused: the command line was not signed in.'}
        </p>
      )}
    </main>
  );
}
