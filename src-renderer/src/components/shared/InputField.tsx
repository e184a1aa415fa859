import { useId } from 'react';

/**
 * A labelled text input; its error, if any, shows under it, in place of its hint (what the field
 * is for, the default when it is left empty). With `reserveError` the line for the error is always
 * there, so an error appearing moves nothing around it. The input's name is the label alone; the
 * hint or error describes it.
 */
export function InputField({
  label,
  value,
  onChange,
  error,
  hint,
  placeholder,
  readOnly,
  reserveError,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  hint?: string | undefined;
  placeholder?: string | undefined;
  readOnly?: boolean | undefined;
  reserveError?: boolean | undefined;
}) {
  const messageId = useId();
  const described = Boolean(error || hint);
  return (
    <label>
      {label}
      <input
        type="text"
        value={value}
        placeholder={placeholder}
        readOnly={readOnly}
        aria-label={label}
        aria-describedby={described ? messageId : undefined}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {(described || reserveError) && (
        <span className="field-message" id={messageId}>
          {hint && !error && <span className="field-hint">{hint}</span>}
          <span className="field-error">{error}</span>
        </span>
      )}
    </label>
  );
}
