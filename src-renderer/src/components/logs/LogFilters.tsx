import { AUDIT_ENTITIES } from '../../../../src-shared/schemas/plain/memory.ts';
import type { AuditFilter } from '../../store/audit-filter.ts';
import { useBaton } from '../../store/index.ts';
import type { MemoryFilter } from '../../store/memory.ts';
import { InputField } from '../shared/InputField.tsx';

/** A datetime-local value as an ISO instant; empty when the field is cleared. */
const isoOrNone = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** An ISO instant as a datetime-local value, in this computer's time zone. */
function localValue(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Memory entries by type, plan, part of an agent's id, tag and time. */
export function MemoryFilters() {
  const filter = useBaton((s) => s.memoryFilter);
  const setFilter = useBaton((s) => s.setMemoryFilter);
  const plans = useBaton((s) => s.plans);
  const patch = (p: Partial<MemoryFilter>) => setFilter({ ...filter, ...p });
  return (
    <>
      <label>
        Type
        <select value={filter.type ?? ''} onChange={(e) => patch({ type: e.target.value || undefined })}>
          <option value="">any</option>
          <option value="build_log">build_log</option>
          <option value="task_result">task_result</option>
          <option value="decision">decision</option>
          <option value="task_log">printed by a task (search)</option>
          <option value="step">step of an attempt (search)</option>
        </select>
      </label>
      <label>
        Plan
        <select
          value={filter.plan_id ?? ''}
          onChange={(e) => patch({ plan_id: e.target.value || undefined })}
        >
          <option value="">any</option>
          {plans.map((p) => (
            <option key={p.plan_id} value={p.plan_id}>
              {p.plan_id}
            </option>
          ))}
        </select>
      </label>
      <InputField
        label="Agent"
        value={filter.agent ?? ''}
        placeholder="part of its id"
        onChange={(v) => patch({ agent: v || undefined })}
      />
      <InputField label="Tag" value={filter.tag ?? ''} onChange={(v) => patch({ tag: v || undefined })} />
      <TimeRange since={filter.since} until={filter.until} onChange={patch} />
    </>
  );
}

/** Audit entries by what they are about, part of who made the change, and time. */
export function AuditFilters() {
  const filter = useBaton((s) => s.auditFilter);
  const setFilter = useBaton((s) => s.setAuditFilter);
  const patch = (p: Partial<AuditFilter>) => setFilter({ ...filter, ...p });
  return (
    <>
      <label>
        About
        <select
          value={filter.entity ?? ''}
          onChange={(e) => patch({ entity: AUDIT_ENTITIES.find((a) => a === e.target.value) })}
        >
          <option value="">anything</option>
          {AUDIT_ENTITIES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <InputField
        label="Who"
        value={filter.actor ?? ''}
        placeholder="part of a name"
        onChange={(v) => patch({ actor: v || undefined })}
      />
      <TimeRange since={filter.since} until={filter.until} onChange={patch} />
    </>
  );
}

/**
 * Since and Until as one piece of the filter row: when the row is too narrow for every filter
 * (1024 px), the two wrap to the next line together, never Until alone under the rest.
 */
function TimeRange({
  since,
  until,
  onChange,
}: {
  since: string | undefined;
  until: string | undefined;
  onChange(p: { since?: string } | { until?: string }): void;
}) {
  return (
    <fieldset className="filter-range" aria-label="Time">
      <label>
        Since
        <input
          type="datetime-local"
          value={localValue(since)}
          onChange={(e) => onChange({ since: isoOrNone(e.target.value) })}
        />
      </label>
      <label>
        Until
        <input
          type="datetime-local"
          value={localValue(until)}
          onChange={(e) => onChange({ until: isoOrNone(e.target.value) })}
        />
      </label>
    </fieldset>
  );
}
