import { useCallback, useEffect, useState } from 'react';
import { useBaton } from '../../store/index.ts';
import type { ReachList, ReachRows } from '../../store/reach.ts';
import { InputField } from '../shared/InputField.tsx';
import type { FieldErrors } from './field-errors.ts';
import { fieldErrorsOf } from './field-errors.ts';

/**
 * A reach or settings list from the store: read when the screen showing it opens (the rows
 * already there stay meanwhile), then kept as the host's events tell.
 */
export function useReachList<K extends ReachList>(list: K): ReachRows[K][] | null {
  const rows = useBaton((s) => s.reach[list]);
  const load = useBaton((s) => s.loadReach);
  useEffect(() => {
    void load(list);
  }, [load, list]);
  return rows;
}

/**
 * A reach or settings form's state while it is sent: `send` runs `act` with the form busy; the
 * host's refusal shows under the fields it names (`errors`), and a success clears them.
 */
export function useFormSend() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const send = async (act: () => Promise<void>) => {
    setBusy(true);
    try {
      await act();
      setErrors({});
    } catch (err) {
      setErrors(fieldErrorsOf(err));
    } finally {
      setBusy(false);
    }
  };
  return { errors, setErrors, busy, send };
}

/**
 * What a row's button asks of the host (remove, pause, revoke…): `failed` titles the error
 * shown when it fails; `done`, when given, the note shown when it went through (and its lines).
 * True when it went through. The list changes by itself, from the event the host sends.
 */
export function useRowAction() {
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  return useCallback(
    async (
      act: () => Promise<unknown>,
      failed: string,
      done?: { title: string; lines?: string[] },
    ): Promise<boolean> => {
      try {
        await act();
        if (done) notify('info', done.title, done.lines);
        return true;
      } catch (err) {
        fail(failed, err);
        return false;
      }
    },
    [notify, fail],
  );
}

/** The id a person may give what they add; the host makes one up when it is left empty. */
export function IdField({
  value,
  onChange,
  error,
  readOnly,
}: {
  value: string;
  onChange(value: string): void;
  error: string | undefined;
  readOnly?: boolean;
}) {
  return (
    <InputField
      label="Id"
      value={value}
      onChange={onChange}
      error={error}
      placeholder="made up when left empty"
      readOnly={readOnly}
      reserveError
    />
  );
}

/** The run inputs a schedule or trigger starts runs with, in a table cell; a dash when none. */
export function InputsCell({ inputs }: { inputs: Record<string, unknown> }) {
  return (
    <td className="small">
      {Object.keys(inputs).length === 0 ? (
        <span className="muted">—</span>
      ) : (
        <code>{JSON.stringify(inputs)}</code>
      )}
    </td>
  );
}
