/** A value as a chip, with a × button (named by `removeLabel`) that removes it. */
export function RemovableChip({
  as: Item = 'span',
  text,
  removeLabel,
  onRemove,
  warn,
}: {
  /** `li` inside a list of chips. */
  as?: 'li' | 'span';
  text: string;
  removeLabel: string;
  onRemove(): void;
  /** Something wrong with the value (a skill nobody has): the chip is marked and says it. */
  warn?: string | null | undefined;
}) {
  return (
    <Item className={warn ? 'chip warn' : 'chip'} title={warn ?? undefined}>
      {text}{' '}
      <button type="button" className="icon" aria-label={removeLabel} onClick={onRemove}>
        ×
      </button>
    </Item>
  );
}
