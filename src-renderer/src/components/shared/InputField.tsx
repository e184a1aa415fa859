/**
 * A labelled text input; its error, if any, shows under it. With `reserveError` the line
 * for the error is always there, so an error appearing moves nothing around it.
 */
export function InputField({
  label,
  value,
  onChange,
  error,
  placeholder,
  readOnly,
  reserveError,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  placeholder?: string | undefined;
  readOnly?: boolean | undefined;
  reserveError?: boolean | undefined;
}) {
  return (
    <label>
      {label}
      <input
        type="text"
        value={value}
        placeholder={placeholder}
        readOnly={readOnly}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {(error || reserveError) && <span className="field-error">{error}</span>}
    </label>
  );
}
