import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import type { ITheme } from '@xterm/xterm';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef } from 'react';
import type { TerminalView } from '../../../../../src-shared/contract/domains/terminals.ts';
import { openTerminalSocket } from '../../../api/terminal-socket.ts';

/** The terminal's colours from the page's own (its theme, light or dark). */
function themeOf(el: HTMLElement): ITheme {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    background: v('--terminal-bg') || v('--panel'),
    foreground: v('--text'),
    cursor: v('--accent'),
    cursorAccent: v('--terminal-bg') || v('--panel'),
    selectionBackground: v('--terminal-selection'),
  };
}

/**
 * The terminal itself (`@xterm/xterm`, loaded with this file on first use): its keys go to the
 * shell over the terminal's socket, what the shell prints is drawn, and it fits its box
 * (`@xterm/addon-fit`), telling the shell its new size. `onEnded`: the socket closed (the shell
 * exited, the task ended, the connection was lost), with why.
 */
export default function TerminalPane({
  terminal,
  onEnded,
}: {
  terminal: TerminalView;
  onEnded: (why: string) => void;
}) {
  const box = useRef<HTMLElement>(null);
  const ended = useRef(onEnded);
  ended.current = onEnded;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const term = new Terminal({
      cursorBlink: true,
      fontSize: 13,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      theme: themeOf(el),
      scrollback: 5000,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    const socket = openTerminalSocket(
      terminal,
      { cols: term.cols, rows: term.rows },
      { output: (data) => term.write(data), ended: (why) => ended.current(why) },
    );
    const typed = term.onData((data) => socket.send({ type: 'input', data }));
    const resized = term.onResize(({ cols, rows }) => socket.send({ type: 'resize', cols, rows }));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    // The page's theme changes: the terminal's colours follow.
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const retheme = () => {
      term.options.theme = themeOf(el);
    };
    scheme.addEventListener('change', retheme);
    term.focus();
    return () => {
      scheme.removeEventListener('change', retheme);
      observer.disconnect();
      typed.dispose();
      resized.dispose();
      socket.close();
      term.dispose();
    };
  }, [terminal]);
  return <section className="terminal-box" aria-label={`Shell in ${terminal.task_id}`} ref={box} />;
}
