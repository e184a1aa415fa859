/**
 * A long text made short: `text` itself when it is at most `max` characters long, else its
 * first `keep` characters and an ellipsis — by default `max - 1` of them, so the result is at
 * most `max` characters long with the ellipsis.
 */
export const cut = (text: string, max: number, keep = max - 1) =>
  text.length > max ? `${text.slice(0, keep)}…` : text;
