/** Whether a key press goes into something being typed in (a text field, an editor), not to a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}
