import { describe, expect, it } from 'vitest';
import type { Notification } from '../../../src-shared/schemas/notification.ts';
import { EventBus } from '../../events/event-bus.ts';
import { desktopBody, tellOnDesktop } from './desktop.ts';

const note = (id: string): Notification => ({
  id,
  kind: 'run_failed',
  title: `Run ${id} failed`,
  body: 'task "a" failed',
  at: '2026-03-28T10:00:00.000Z',
  target: { run_id: id, approval_id: null, task_id: 'a' },
});

describe('desktop notifications (the app’s main process)', () => {
  it('shows what the bus tells while the window is not focused, and a click opens its item', async () => {
    const bus = new EventBus();
    let focused = false;
    const shown: { n: Notification; click: () => void }[] = [];
    const opened: Notification[] = [];
    const off = tellOnDesktop({
      subscribe: (l) => bus.subscribe(l),
      focused: () => focused,
      show: (n, click) => shown.push({ n, click }),
      open: (n) => opened.push(n),
    });
    bus.emit('notification', note('run_1'));
    bus.emit('agent.removed', { id: 'w' });
    bus.flush();
    expect(shown.map((s) => s.n.id)).toEqual(['run_1']);
    shown[0]!.click();
    expect(opened.map((n) => n.target.run_id)).toEqual(['run_1']);
    // Looking at Baton: nothing pops up.
    focused = true;
    bus.emit('notification', note('run_2'));
    bus.flush();
    expect(shown).toHaveLength(1);
    off();
    focused = false;
    bus.emit('notification', note('run_3'));
    bus.flush();
    expect(shown).toHaveLength(1);
  });
});

describe("a notification's body on the desktop", () => {
  it("shows an agent's markup as text on Linux, whose notification service reads the body as markup", () => {
    const said =
      'Agent w hit a usage limit: <a href="file:///etc/passwd">Open the PR</a><img src="file:///tmp/x.png"/> & more';
    expect(desktopBody(said, 'linux')).toBe(
      'Agent w hit a usage limit: &lt;a href="file:///etc/passwd"&gt;Open the PR&lt;/a&gt;&lt;img src="file:///tmp/x.png"/&gt; &amp; more',
    );
    // Windows and macOS show the body as plain text: as it is.
    expect(desktopBody(said, 'darwin')).toBe(said);
    expect(desktopBody(said, 'win32')).toBe(said);
  });
});
