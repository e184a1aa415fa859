import { useEffect, useId, useRef, useState } from 'react';
import type { SandboxDraft, SandboxField } from './sandbox-draft.ts';
import { SANDBOX_LABELS } from './sandbox-draft.ts';

/** Each list's help, in plain words; what a line may be. */
const HELP: Record<Exclude<SandboxField, 'mode' | 'unlisted'>, { hint: string; placeholder: string }> = {
  hosts: {
    hint: 'One a line: a host name, *.domain, or an address with its port (127.0.0.1:8080). Nothing else is reachable.',
    placeholder: 'registry.npmjs.org\n127.0.0.1:11434',
  },
  write_allow: {
    hint: 'One folder a line (absolute or ~/…), besides its own working folder and a private temp folder.',
    placeholder: '~/.cache/pip',
  },
  read_deny: {
    hint: 'One path a line it may not read, besides keys, tokens, browser profiles and Baton’s data (always hidden).',
    placeholder: '/srv/private',
  },
  read_allow: {
    hint: 'One path a line, of those hidden by default, that it needs to read (such as ~/.npmrc).',
    placeholder: '~/.npmrc',
  },
};

/**
 * The OS sandbox a process runs in, as a fieldset: whether it is required, the hosts it may reach,
 * the extra folders it may write, and what it may or may not read. Choosing "off" asks first and
 * then stays shown as a warning: the processes run with the person's full rights.
 */
export function SandboxFields({
  draft: d,
  errors,
  onChange,
  whose,
}: {
  draft: SandboxDraft;
  errors: Partial<Record<SandboxField, string>>;
  onChange(d: SandboxDraft): void;
  /** What runs in it, said in the help: "its program", "its setup command". */
  whose: string;
}) {
  const [askingOff, setAskingOff] = useState(false);
  const modeHint = useId();
  // The question takes the focus on its safe answer, as ConfirmButton's dialog does.
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (askingOff) keep.current?.focus();
  }, [askingOff]);
  const set = (k: SandboxField) => (v: string) => onChange({ ...d, [k]: v });
  return (
    <fieldset className="sandbox-fields wide">
      <legend>Sandbox</legend>
      <p className="muted small">
        The processes of {whose} run in the OS sandbox: they write only their own folder, cannot read your
        keys or other workspaces, and reach only the hosts listed here.
      </p>
      <label>
        Sandbox mode
        <select
          value={askingOff ? 'off' : d.mode}
          aria-describedby={modeHint}
          aria-invalid={errors.mode ? true : undefined}
          onChange={(e) => {
            if (e.target.value === 'off') setAskingOff(true);
            else {
              setAskingOff(false);
              onChange({ ...d, mode: 'required' });
            }
          }}
        >
          <option value="required">required</option>
          <option value="off">off (no sandbox)</option>
        </select>
        <span className="field-message" id={modeHint}>
          {!errors.mode && (
            <span className="field-hint">
              {d.mode === 'off'
                ? 'Nothing confines its processes.'
                : 'Where no sandbox can run, it is refused with what to install.'}
            </span>
          )}
          <span className="field-error">{errors.mode}</span>
        </span>
      </label>
      {askingOff && (
        <div className="sandbox-confirm" role="alertdialog" aria-label="Turn the sandbox off?">
          <p>
            <strong>Turn the sandbox off?</strong> The processes of {whose} would run with your full rights:
            read your keys and tokens, write anywhere in your home folder, and reach any host. The change is
            recorded in the audit log.
          </p>
          <div className="actions">
            <button type="button" ref={keep} onClick={() => setAskingOff(false)}>
              Keep the sandbox
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setAskingOff(false);
                onChange({ ...d, mode: 'off' });
              }}
            >
              Turn it off
            </button>
          </div>
        </div>
      )}
      {d.mode === 'off' && !askingOff && (
        <p className="sandbox-off-warning" role="note">
          <strong>Sandbox off:</strong> runs with your full rights. Saving records this in the audit log.
        </p>
      )}
      {(['hosts', 'write_allow', 'read_deny', 'read_allow'] as const).map((k) => (
        <label key={k}>
          {SANDBOX_LABELS[k]}
          <textarea
            rows={2}
            spellCheck={false}
            value={d[k]}
            placeholder={HELP[k].placeholder}
            aria-label={SANDBOX_LABELS[k]}
            aria-invalid={errors[k] ? true : undefined}
            onChange={(e) => set(k)(e.target.value)}
          />
          <span className="field-message">
            {!errors[k] && <span className="field-hint">{HELP[k].hint}</span>}
            <span className="field-error">{errors[k]}</span>
          </span>
        </label>
      ))}
      <div className="sandbox-ask">
        <label className="check">
          <input
            type="checkbox"
            checked={d.unlisted === 'ask'}
            onChange={(e) => onChange({ ...d, unlisted: e.target.checked ? 'ask' : 'deny' })}
          />
          {SANDBOX_LABELS.unlisted}
        </label>
        <span className="field-message">
          {!errors.unlisted && (
            <span className="field-hint">
              A connection to a host not listed is refused either way; with this on, the first one to each
              host asks you in the inbox whether to allow it from then on.
            </span>
          )}
          <span className="field-error">{errors.unlisted}</span>
        </span>
      </div>
    </fieldset>
  );
}
