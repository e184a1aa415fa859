import { useEffect, useState } from 'react';

/**
 * Below this width the sidebar folds to a rail (a button that shows it over the screen) and the
 * side panels are narrower: at 1024 px a screen keeps room for its content.
 */
export const NARROW_QUERY = '(max-width: 1199px)';

/** Whether the window is narrow (NARROW_QUERY), following it as the window is resized. */
export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW_QUERY).matches);
  useEffect(() => {
    const query = matchMedia(NARROW_QUERY);
    const change = () => setNarrow(query.matches);
    query.addEventListener('change', change);
    change();
    return () => query.removeEventListener('change', change);
  }, []);
  return narrow;
}
