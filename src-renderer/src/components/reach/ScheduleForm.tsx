import { useEffect, useState } from 'react';
import { cronFieldError } from '../../../../src-shared/cron/cron-fields.ts';
import { scheduleInWords } from '../../../../src-shared/cron/cron-words.ts';
import type { StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { CatchUpPolicy, OverlapPolicy } from '../../../../src-shared/schemas/schedule.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { fieldErrorsOf, parseInputsJson, whenIn, whenWithZone } from './field-errors.ts';
import { inputsTemplate, RunInputsField } from './RunInputsField.tsx';
import { IdField, useFormSend } from './reach-parts.tsx';
import { browserZone, TimeZoneField } from './TimeZoneField.tsx';

/**
 * Adds a schedule to a plan: a cron expression and its time zone (the next fire times shown as
 * it is typed, or what is wrong with it), the runs' inputs, and what happens to a fire while the
 * last run still executes (overlap) or that was missed while Baton was not running (catch-up).
 */
export function ScheduleForm({ stored }: { stored: StoredPlan }) {
  const notify = useBaton((s) => s.notify);
  const decl = stored.plan.run_inputs;
  const [id, setId] = useState('');
  const [cron, setCron] = useState('0 9 * * 1-5');
  const [timezone, setTimezone] = useState(browserZone);
  const [inputs, setInputs] = useState(() => inputsTemplate(decl));
  const [overlap, setOverlap] = useState<OverlapPolicy>('skip');
  const [catchUp, setCatchUp] = useState<CatchUpPolicy>('latest');
  const [catchUpMax, setCatchUpMax] = useState('10');
  const { errors, setErrors, busy, send } = useFormSend();
  const [preview, setPreview] = useState<{ fires: string[] } | { error: string } | null>(null);
  // The next fire times, read again a moment after the expression or zone stops changing; what
  // is wrong with the expression is said at once, in words naming the field.
  useEffect(() => {
    if (!cron.trim()) return setPreview(null);
    const wrong = cronFieldError(cron);
    if (wrong) return setPreview({ error: wrong });
    let live = true;
    const t = setTimeout(() => {
      api.previewSchedule(cron.trim(), timezone).then(
        (r) => live && setPreview({ fires: r.next_fires }),
        (err) => {
          const e = fieldErrorsOf(err);
          if (live) setPreview({ error: e.cron ?? e.timezone ?? e.form ?? String(err) });
        },
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [cron, timezone]);
  const cronError = errors.cron ?? (preview && 'error' in preview ? preview.error : undefined);
  const submit = async () => {
    const parsed = parseInputsJson(inputs);
    if (!parsed.ok) return setErrors({ inputs: parsed.error });
    const max = Number(catchUpMax);
    if (catchUp === 'all' && (!Number.isInteger(max) || max < 1 || max > 100))
      return setErrors({ catch_up_max: 'a whole number from 1 to 100' });
    await send(async () => {
      const s = await api.addSchedule({
        plan_id: stored.plan_id,
        cron: cron.trim(),
        timezone,
        inputs: parsed.value,
        overlap,
        catch_up: catchUp,
        ...(catchUp === 'all' ? { catch_up_max: max } : {}),
        ...(id.trim() ? { id: id.trim() } : {}),
      });
      setId('');
      notify(
        'info',
        `Added schedule ${s.id}`,
        s.next_fire_at ? [`First fire: ${whenIn(s.next_fire_at, s.timezone)}`] : [],
      );
    });
  };
  return (
    <FormPanel title="Add a schedule" className="reach-form" onSubmit={submit}>
      <div className="fields">
        <IdField value={id} onChange={setId} error={errors.id} />
        <label>
          Cron expression
          <input
            type="text"
            value={cron}
            spellCheck={false}
            aria-label="Cron expression"
            aria-invalid={cronError ? true : undefined}
            onChange={(e) => {
              setCron(e.target.value);
              // The host's refusal was of the expression before: the check as it is typed takes over.
              if (errors.cron) setErrors(({ cron: _was, ...rest }) => rest);
            }}
          />
          <span className="field-message">
            {!cronError && (
              <span className="field-hint">minute hour day month weekday, e.g. 0 9 * * 1-5 or @daily</span>
            )}
            <span className="field-error">{cronError}</span>
          </span>
        </label>
        <TimeZoneField value={timezone} onChange={setTimezone} error={errors.timezone} />
        <output className="wide schedule-words" aria-label="In words">
          {cron.trim() && !cronError ? scheduleInWords(cron, timezone) : null}
        </output>
        <output className="wide fire-preview" aria-label="Next fire times">
          {preview === null || 'error' in preview ? null : preview.fires.length === 0 ? (
            <span className="muted small">This expression never fires.</span>
          ) : (
            <span className="small">
              Next fires ({timezone}): {preview.fires.map((t) => whenWithZone(t, timezone)).join(' · ')}
            </span>
          )}
        </output>
        <RunInputsField value={inputs} onChange={setInputs} error={errors.inputs} decl={decl} />
        <label>
          While the last run still executes
          <select value={overlap} onChange={(e) => setOverlap(e.target.value as OverlapPolicy)}>
            <option value="skip">Skip the fire</option>
            <option value="queue_one">Queue one, start it when the run ends</option>
            <option value="allow">Start another run anyway</option>
          </select>
          <span className="field-error">{errors.overlap}</span>
        </label>
        <label>
          Fires missed while Baton was not running
          <select value={catchUp} onChange={(e) => setCatchUp(e.target.value as CatchUpPolicy)}>
            <option value="none">None: skip them</option>
            <option value="latest">The latest one</option>
            <option value="all">All of them, up to a number</option>
          </select>
          <span className="field-error">{errors.catch_up}</span>
        </label>
        {catchUp === 'all' && (
          <InputField
            label="At most this many"
            value={catchUpMax}
            onChange={setCatchUpMax}
            error={errors.catch_up_max}
            reserveError
          />
        )}
      </div>
      <FormActions error={errors.form ?? errors.plan_id} busy={busy} submit="Add schedule" />{' '}
    </FormPanel>
  );
}
