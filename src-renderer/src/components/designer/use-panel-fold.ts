import { useState } from 'react';

/** Where the designer's panel being folded is kept, in this browser profile, for every plan. */
const KEY = 'baton.designer.panel';

/**
 * Whether the designer's side panel is folded (the graph takes the width), remembered: the
 * designer opens as it was left. Storage that cannot be read or written (a private window
 * that refuses it) leaves the panel open and the choice unremembered, not the designer broken.
 */
export function usePanelFold(): [boolean, (folded: boolean) => void] {
  const [folded, setFolded] = useState(() => {
    try {
      return localStorage.getItem(KEY) === 'folded';
    } catch {
      return false;
    }
  });
  const set = (next: boolean) => {
    setFolded(next);
    try {
      if (next) localStorage.setItem(KEY, 'folded');
      else localStorage.removeItem(KEY);
    } catch {
      // not remembered; the panel still folds
    }
  };
  return [folded, set];
}
