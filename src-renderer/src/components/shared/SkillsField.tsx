import { useState } from 'react';
import { RemovableChip } from './RemovableChip.tsx';

/** Skills as chips: type and press Enter to add, × to remove. */
export function SkillsField({
  skills,
  error,
  onChange,
  label = 'Required skills',
}: {
  label?: string;
  skills: string[];
  error: string | null;
  onChange(s: string[]): void;
}) {
  const [text, setText] = useState('');
  const add = () => {
    const s = text.trim();
    if (s && !skills.includes(s)) onChange([...skills, s]);
    setText('');
  };
  return (
    <div className="skills-field">
      <label>
        {label}
        <input
          type="text"
          value={text}
          placeholder="type a skill, press Enter"
          aria-invalid={error ? true : undefined}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
      </label>
      <div className="chips">
        {skills.map((s) => (
          <RemovableChip
            key={s}
            text={s}
            removeLabel={`Remove skill ${s}`}
            onRemove={() => onChange(skills.filter((x) => x !== s))}
          />
        ))}
      </div>
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}
