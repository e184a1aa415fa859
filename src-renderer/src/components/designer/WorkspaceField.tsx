import { useBaton } from '../../store/index.ts';
import { SelectField } from './FormFields.tsx';

/**
 * A workspace picked from the registered ones (the plan's default, or a task's own). One that is
 * named but not registered stays in the list, marked, so the plan never changes by being shown;
 * with none registered, the way to the Workspaces screen is right under the field.
 */
export function WorkspaceField(props: {
  label: string;
  value: string | undefined;
  /** What choosing none means here ("None", "The plan's: app"). */
  noneLabel: string;
  hint: string;
  error: string | null;
  onChange(value: string | undefined): void;
}) {
  const workspaces = useBaton((s) => s.workspaces);
  const loaded = useBaton((s) => s.workspacesLoaded);
  const setView = useBaton((s) => s.setView);
  const known = props.value === undefined || workspaces.some((w) => w.id === props.value);
  const none = loaded && workspaces.length === 0;
  return (
    <div className="workspace-field">
      <SelectField
        label={props.label}
        value={props.value ?? ''}
        error={props.error}
        hint={none ? `${props.hint} No workspace is registered yet.` : props.hint}
        onChange={(v) => props.onChange(v || undefined)}
      >
        <option value="">{props.noneLabel}</option>
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.missing ? `${w.id} (missing from disk)` : w.id}
          </option>
        ))}
        {!known && loaded && <option value={props.value}>{props.value} (not registered)</option>}
      </SelectField>
      {(none || !known) && (
        // The draft stays as it is: Plans brings the designer back.
        <button type="button" className="link-button" onClick={() => setView('workspaces')}>
          Register a workspace on the Workspaces screen
        </button>
      )}
    </div>
  );
}
