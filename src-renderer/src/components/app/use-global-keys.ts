import { useEffect } from 'react';
import { useBaton } from '../../store/index.ts';
import { isTyping } from '../shared/typing.ts';

/**
 * The keys that work on every screen: Ctrl+K (⌘K) opens or closes the command palette, even
 * from a field; ? shows the keys, when nothing is being typed and no dialog is open.
 */
export function useGlobalKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const s = useBaton.getState();
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        // Another dialog asks something first; the palette opens over none.
        if (s.overlay !== 'palette' && document.querySelector('dialog[open]')) return;
        e.preventDefault();
        s.setOverlay(s.overlay === 'palette' ? null : 'palette');
        return;
      }
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target)) {
        if (document.querySelector('dialog[open]')) return;
        e.preventDefault();
        s.setOverlay('keys');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
