import type { ChangeEvent } from 'react';
import { useId } from 'react';

interface Props {
  label: string;
  /** Accessible name of the file input itself (tests and screen readers find it by this). */
  inputLabel: string;
  onFile(text: string, name: string): void;
  primary?: boolean;
}

/** A button that opens a JSON file and hands its text over. */
export function FileButton({ label, inputLabel, onFile, primary }: Props) {
  const id = useId();
  const onChange = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) onFile(await file.text(), file.name);
  };
  return (
    <>
      <label htmlFor={id} className={`button${primary ? ' primary' : ''}`} role="button" tabIndex={0}>
        {label}
      </label>
      <input id={id} type="file" accept=".json,application/json" aria-label={inputLabel} hidden onChange={onChange} />
    </>
  );
}
