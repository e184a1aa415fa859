/** A row of tabs; `value` is the selected one. */
export function Tabs<T extends string>(props: {
  label: string;
  items: readonly { id: NoInfer<T>; label: string }[];
  value: T;
  onChange(id: NoInfer<T>): void;
  className?: string;
}) {
  return (
    <div className={`tabs ${props.className ?? ''}`} role="tablist" aria-label={props.label}>
      {props.items.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={props.value === t.id}
          className={props.value === t.id ? 'active' : ''}
          onClick={() => props.onChange(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
