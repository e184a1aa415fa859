import { useState } from 'react';
import { conditionSchema } from '../../../../src-shared/schemas/plan.ts';
import type { EndStatus, OutputTest, OutputTestKind } from '../../designer/panel-fields.ts';
import {
  allowedStatuses,
  conditionFitsForm,
  END_STATUSES,
  equalsOfText,
  equalsText,
  OUTPUT_TEST_LABELS,
  OUTPUT_TESTS,
  outputTestKind,
  patternProblem,
  withAllowedStatuses,
  withOutputTest,
  withTestKind,
} from '../../designer/panel-fields.ts';
import type { ConditionDraft } from '../../designer/plan-edit.ts';
import { SelectField, TextField } from './FormFields.tsx';
import { JsonField } from './JsonField.tsx';

/**
 * When a task runs: per dependency, the statuses it may have ended in, and optionally a test
 * of one dependency's output. A condition the form cannot show in full is edited as JSON.
 */
export function ConditionField({
  condition,
  dependsOn,
  error,
  onCommit,
}: {
  condition: ConditionDraft | undefined;
  dependsOn: readonly string[];
  /** What the plan's checks say about the condition. */
  error: string | null;
  onCommit(c: ConditionDraft | undefined): void;
}) {
  const fits = conditionFitsForm(condition, dependsOn);
  const [asJson, setAsJson] = useState(!fits);
  const json = asJson || !fits;
  if (dependsOn.length === 0 && !condition) {
    return (
      <p className="field-hint">
        A condition can only name this task's dependencies: add one under Depends on first.
      </p>
    );
  }
  return (
    <div className="condition">
      {json ? (
        <JsonField
          label="Condition (JSON)"
          value={condition}
          schema={conditionSchema}
          error={error}
          rows={6}
          placeholder={'{ "dependencies": { "task-001": ["done", "failed"] } }'}
          hint="dependencies: task → statuses it may end in; output: { task_id, path, equals | matches | exists }."
          onCommit={onCommit}
        />
      ) : (
        <>
          <p className="field-hint">Without a condition a task runs when every dependency is done.</p>
          {dependsOn.map((dep) => (
            <StatusChoice
              key={dep}
              dep={dep}
              allowed={allowedStatuses(condition, dep)}
              onChange={(s) => onCommit(withAllowedStatuses(condition, dep, s))}
            />
          ))}
          <OutputTestFields
            output={condition?.output}
            dependsOn={dependsOn}
            onChange={(o) => onCommit(withOutputTest(condition, o))}
          />
          {error && <span className="field-error">{error}</span>}
        </>
      )}
      {fits ? (
        <button type="button" className="link-button" onClick={() => setAsJson(!json)}>
          {json ? 'Edit with the form' : 'Edit as JSON'}
        </button>
      ) : (
        <p className="field-hint">
          The form cannot show all of this condition (it names a task that is not a dependency, or tests an
          output more than one way): edit it here.
        </p>
      )}
    </div>
  );
}

function StatusChoice({
  dep,
  allowed,
  onChange,
}: {
  dep: string;
  allowed: readonly EndStatus[];
  onChange(s: EndStatus[]): void;
}) {
  return (
    <fieldset className="statuses">
      <legend>When {dep} ended</legend>
      {END_STATUSES.map((s) => (
        <label key={s} className="check">
          <input
            type="checkbox"
            checked={allowed.includes(s)}
            onChange={(e) => onChange(e.target.checked ? [...allowed, s] : allowed.filter((x) => x !== s))}
          />
          {s}
        </label>
      ))}
    </fieldset>
  );
}

function OutputTestFields({
  output,
  dependsOn,
  onChange,
}: {
  output: OutputTest | undefined;
  dependsOn: readonly string[];
  onChange(o: OutputTest | undefined): void;
}) {
  const kind = output ? outputTestKind(output) : 'exists';
  return (
    <fieldset className="output-test">
      <legend>Output test</legend>
      <SelectField
        label="Test the output of"
        value={output?.task_id ?? ''}
        onChange={(task_id) => onChange(task_id ? { ...(output ?? { exists: true }), task_id } : undefined)}
      >
        <option value="">No output test</option>
        {dependsOn.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </SelectField>
      {output && (
        <>
          <TextField
            label="Output path"
            value={output.path ?? ''}
            placeholder="result.score (blank: the whole output)"
            error={null}
            onCommit={(v) => onChange({ ...output, path: v || undefined })}
          />
          <SelectField
            label="Test"
            value={kind}
            onChange={(k) => onChange(withTestKind(output, k as OutputTestKind))}
          >
            {OUTPUT_TESTS.map((k) => (
              <option key={k} value={k}>
                {OUTPUT_TEST_LABELS[k]}
              </option>
            ))}
          </SelectField>
          {kind === 'equals' && (
            <TextField
              label="Expected value"
              value={equalsText(output.equals)}
              placeholder='42, true, "text" or any JSON'
              error={null}
              onCommit={(v) => onChange({ ...output, equals: equalsOfText(v) })}
            />
          )}
          {kind === 'matches' && (
            <TextField
              label="Pattern (regular expression)"
              value={output.matches ?? ''}
              placeholder="^ok"
              error={null}
              check={(t) => patternProblem('Pattern', t)}
              onCommit={(v) => onChange({ ...output, matches: v })}
            />
          )}
        </>
      )}
    </fieldset>
  );
}
