/** A value as a chip, with a × button (named by `removeLabel`) that removes it. */
export function RemovableChip({
  as: Item = 'span',
  text,
  removeLabel,
  onRemove,
}: {
  /** `li` inside a list of chips. */
  as?: 'li' | 'span';
  text: string;
  removeLabel: string;
  onRemove(): void;
}) {
  return (
    <Item className="chip">
      {text}{' '}
      <button type="button" className="icon" aria-label={removeLabel} onClick={onRemove}>
        ×
      </button>
    </Item>
  );
}
