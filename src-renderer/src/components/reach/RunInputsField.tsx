import type { RunInputsDecl } from '../../../../src-shared/schemas/run-inputs.ts';

/** A starting text for a plan's run inputs: each required one with a blank of its type. */
export function inputsTemplate(decl: RunInputsDecl | undefined): string {
  const blank = { string: '', number: 0, boolean: false, object: {}, array: [] } as const;
  const required = Object.entries(decl ?? {}).filter(([, d]) => d.required && d.default === undefined);
  if (required.length === 0) return '{}';
  return JSON.stringify(Object.fromEntries(required.map(([k, d]) => [k, blank[d.type]])), null, 1).replace(
    /\n\s*/g,
    ' ',
  );
}

/** The run inputs a schedule or trigger starts runs with, as JSON; what the plan takes is listed under it. */
export function RunInputsField({
  value,
  onChange,
  error,
  decl,
}: {
  value: string;
  onChange(v: string): void;
  error: string | undefined;
  decl: RunInputsDecl | undefined;
}) {
  const names = Object.entries(decl ?? {});
  return (
    <label className="wide">
      Run inputs (JSON)
      <textarea
        rows={2}
        value={value}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <span className="field-hint">
        {names.length === 0
          ? 'This plan takes no run inputs.'
          : `This plan takes: ${names
              .map(([k, d]) => `${k} (${d.type}${d.required && d.default === undefined ? ', required' : ''})`)
              .join(', ')}.`}
      </span>
      <span className="field-error">{error}</span>
    </label>
  );
}
