import { useCallback, useEffect, useState } from 'react';
import type { Person } from '../../../../src-shared/schemas/people.ts';
import { roleAtLeast } from '../../../../src-shared/schemas/plain/people.ts';
import type { SlackPerson, SlackSettings } from '../../../../src-shared/schemas/slack.ts';
import { slackApi } from '../../api/off-desk.ts';
import { peopleApi } from '../../api/people.ts';
import { useBaton } from '../../store/index.ts';
import type { FieldErrors } from '../reach/field-errors.ts';
import { fieldErrorsOf } from '../reach/field-errors.ts';
import { SecretNameField } from './SecretNameField.tsx';

/**
 * Settings → Slack (admins): the Slack app Baton posts each waiting approval with (a channel, the
 * bot token and signing secret by their secrets' names), the address Slack sends clicks to, and
 * which Slack member each person is: a click decides as that person, within their role.
 */
export function SlackPanel() {
  const me = useBaton((s) => s.me);
  const fail = useBaton((s) => s.fail);
  const admin = me !== null && roleAtLeast(me.role, 'admin');
  const [settings, setSettings] = useState<SlackSettings | null>(null);
  const reload = useCallback(async () => {
    try {
      setSettings(await slackApi.settings());
    } catch (e) {
      fail('The Slack settings could not be read', e);
    }
  }, [fail]);
  useEffect(() => {
    if (admin) void reload();
  }, [admin, reload]);
  if (!admin) return <p className="muted">Only an admin or the owner sets up Slack.</p>;
  return (
    <>
      <p className="muted small intro">
        Baton posts each approval that waits to a Slack channel (or a person’s direct messages) with its facts
        and Approve, Reject and Request changes buttons. A click decides it as the Baton person linked to the
        Slack member who clicked, as any decision is checked; the message then says who decided, wherever it
        was decided. docs/remote-answers.md says how to make the Slack app, step by step.
      </p>
      {settings === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <SlackForm settings={settings} onSaved={setSettings} />
      )}
      <SlackPeople />
    </>
  );
}

function SlackForm({ settings, onSaved }: { settings: SlackSettings; onSaved(s: SlackSettings): void }) {
  const [channel, setChannel] = useState(settings.channel);
  const [token, setToken] = useState(settings.bot_token_secret);
  const [signing, setSigning] = useState(settings.signing_secret);
  const [apiUrl, setApiUrl] = useState(settings.api_url ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [check, setCheck] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (enabled: boolean) => {
    setBusy(true);
    setErrors({});
    try {
      onSaved(
        await slackApi.configure({
          enabled,
          channel: channel.trim(),
          bot_token_secret: token.trim(),
          signing_secret: signing.trim(),
          api_url: apiUrl.trim() === '' ? null : apiUrl.trim(),
        }),
      );
    } catch (e) {
      setErrors(fieldErrorsOf(e));
    } finally {
      setBusy(false);
    }
  };
  const test = async () => {
    setCheck('Asking Slack…');
    try {
      const r = await slackApi.check();
      setCheck(r.ok ? `Slack knows the bot token: ${r.bot} in ${r.team}.` : `Slack refused: ${r.error}`);
    } catch (e) {
      setCheck(`The check failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <form
      className="form-panel slack-form"
      aria-label="Slack app"
      onSubmit={(e) => {
        e.preventDefault();
        void save(settings.enabled);
      }}
    >
      <h2>
        Slack app{' '}
        <span className={`pill ${settings.enabled ? 'status-done' : 'status-idle'}`}>
          {settings.enabled ? 'on' : 'off'}
        </span>
      </h2>
      <label>
        Channel or member ID
        <input
          value={channel}
          onChange={(e) => setChannel(e.target.value)}
          placeholder="C0123ABCDEF"
          aria-invalid={errors.channel ? true : undefined}
        />
        <span className="muted small">
          The channel’s ID (its details, at the bottom), or a member ID for their DMs.
        </span>
        {errors.channel && <span className="field-error">{errors.channel}</span>}
      </label>
      <SecretNameField
        label="Bot token (a secret’s name)"
        value={token}
        onChange={setToken}
        error={errors.bot_token_secret}
        hint="The app's Bot User OAuth Token, xoxb-…"
      />
      <SecretNameField
        label="Signing secret (a secret’s name)"
        value={signing}
        onChange={setSigning}
        error={errors.signing_secret}
        hint="Basic Information → App Credentials → Signing Secret"
      />
      <label>
        Slack Web API (optional)
        <input
          value={apiUrl}
          onChange={(e) => setApiUrl(e.target.value)}
          placeholder="https://slack.com/api/"
        />
        {errors.api_url && <span className="field-error">{errors.api_url}</span>}
      </label>
      <div className="small slack-url">
        Interactivity Request URL (paste it in the app’s Interactivity &amp; Shortcuts):{' '}
        {settings.interactions_url ? (
          <code>{settings.interactions_url}</code>
        ) : (
          <span className="muted">known once Baton serves (baton serve --public-url …)</span>
        )}
      </div>
      {settings.last_error && (
        <p className="field-error small" role="status">
          Last error: {settings.last_error} ({settings.waiting} message{settings.waiting === 1 ? '' : 's'} to
          post or update)
        </p>
      )}
      {errors.form && <p className="field-error">{errors.form}</p>}
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => void test()}>
          Check with Slack
        </button>
        <button type="submit" disabled={busy}>
          Save
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void save(!settings.enabled)}
        >
          {settings.enabled ? 'Turn Slack off' : 'Save and turn on'}
        </button>
      </div>
      {check && (
        <p className="small" role="status">
          {check}
        </p>
      )}
    </form>
  );
}

/** Which Slack member each person is: set by an admin, one ID each (`U…`). */
function SlackPeople() {
  const fail = useBaton((s) => s.fail);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [links, setLinks] = useState<SlackPerson[]>([]);
  const reload = useCallback(async () => {
    try {
      const [all, linked] = await Promise.all([peopleApi.list(), slackApi.people()]);
      setPeople(all);
      setLinks(linked);
    } catch (e) {
      fail('People could not be listed', e);
    }
  }, [fail]);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (people === null) return <p className="muted">Loading…</p>;
  return (
    <section className="form-panel slack-people" aria-label="People in Slack">
      <h2>Who is who in Slack</h2>
      <p className="small muted">
        A person’s Slack member ID (their Slack profile → ⋯ → Copy member ID). A click by a member nobody has
        is refused, and they are told to ask for theirs.
      </p>
      {people.map((p) => (
        <SlackMember
          key={p.id}
          person={p}
          linked={links.find((l) => l.person_id === p.id)?.slack_user_id ?? ''}
          onSaved={() => void reload()}
        />
      ))}
    </section>
  );
}

function SlackMember({ person, linked, onSaved }: { person: Person; linked: string; onSaved(): void }) {
  const [value, setValue] = useState(linked);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setValue(linked), [linked]);
  const save = async () => {
    setError(null);
    try {
      await slackApi.link(person.id, value.trim() === '' ? null : value.trim());
      onSaved();
    } catch (e) {
      setError(fieldErrorsOf(e).slack_user_id ?? fieldErrorsOf(e).form ?? 'not saved');
    }
  };
  return (
    <form
      className="slack-member"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label>
        <span>
          {person.name} <span className="muted">({person.role})</span>
        </span>
        <input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="U0123ABCDEF"
          aria-label={`Slack member ID of ${person.name}`}
          aria-invalid={error ? true : undefined}
        />
      </label>
      <button type="submit" disabled={value.trim() === linked}>
        Save
      </button>
      {error && <span className="field-error small">{error}</span>}
    </form>
  );
}
