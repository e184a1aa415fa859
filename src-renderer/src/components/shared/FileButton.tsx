import type { ChangeEvent } from 'react';
import { useRef } from 'react';

interface Props {
  label: string;
  /** Accessible name of the file input itself (tests and screen readers find it by this). */
  inputLabel: string;
  onFile(text: string, name: string): void;
  primary?: boolean;
}

/** A button that opens a JSON file and hands its text over. */
export function FileButton({ label, inputLabel, onFile, primary }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const onChange = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) onFile(await file.text(), file.name);
  };
  return (
    <>
      <button
        type="button"
        className={primary ? 'primary' : undefined}
        onClick={() => input.current?.click()}
      >
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        aria-label={inputLabel}
        hidden
        onChange={onChange}
      />
    </>
  );
}
