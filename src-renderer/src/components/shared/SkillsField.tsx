import { useId, useState } from 'react';
import { RemovableChip } from './RemovableChip.tsx';

/**
 * Skills as chips: type and press Enter to add (with the known skills suggested as typed), ×
 * to remove. A skill `warn` has something to say about (nobody has it) is marked, and said.
 */
export function SkillsField({
  skills,
  error,
  onChange,
  label = 'Required skills',
  suggestions = [],
  warn,
  onTyping,
  noun = 'skill',
}: {
  label?: string;
  /** What one entry is called in the hint and the remove buttons ("skill", "tag"). */
  noun?: string;
  skills: string[];
  error: string | null;
  onChange(s: string[]): void;
  /** Skills to suggest as one is typed (those registered agents have). */
  suggestions?: readonly string[];
  /** What is wrong with a skill, or null. */
  warn?: (skill: string) => string | null;
  /** The skill being typed, not yet added (a dialog asks before dropping it). */
  onTyping?(text: string): void;
}) {
  const id = useId();
  const [text, setTextState] = useState('');
  const setText = (t: string) => {
    setTextState(t);
    onTyping?.(t);
  };
  const add = () => {
    const s = text.trim();
    if (s && !skills.includes(s)) onChange([...skills, s]);
    setText('');
  };
  const warnings = warn ? skills.map(warn).filter((w): w is string => w !== null) : [];
  const offered = suggestions.filter((s) => !skills.includes(s));
  return (
    <div className="skills-field">
      <label>
        {label}
        <input
          type="text"
          value={text}
          list={offered.length > 0 ? `${id}-skills` : undefined}
          placeholder={
            offered.length > 0 ? `type or pick a ${noun}, press Enter` : `type a ${noun}, press Enter`
          }
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
      {offered.length > 0 && (
        <datalist id={`${id}-skills`}>
          {offered.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
      <div className="chips">
        {skills.map((s) => (
          <RemovableChip
            key={s}
            text={s}
            removeLabel={`Remove ${noun} ${s}`}
            warn={warn?.(s)}
            onRemove={() => onChange(skills.filter((x) => x !== s))}
          />
        ))}
      </div>
      {warnings.length > 0 && (
        <ul className="field-warning" aria-label="Skill warnings">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}
