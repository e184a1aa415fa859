// The Electron shell: composes the app and the window. No business logic lives here.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, Notification, safeStorage, session, shell } from 'electron';
import type { TerminalOutput } from '../../src-shared/contract/domains/terminals.ts';
import { IPC_EVENTS_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/contract/events.ts';
import { createApp } from '../app/create-app.ts';
import { createCallClient } from '../app/memory-transport.ts';
import { parseMaxInFlight } from '../engine/engine-options.ts';
import { resolveDataDir } from '../host/data-dir.ts';
import type { CallbackHost } from '../host/rest/callback-host.ts';
import { parseCallbackUrl } from '../host/rest/callback-host.ts';
import { startDesktopHost } from '../host/rest/desktop-host.ts';
import { setting } from '../host/settings.ts';
import { CONTENT_SECURITY_POLICY } from '../http/security.ts';
import { createMcpEndpoint } from '../mcp/http.ts';
import { desktopBody, tellOnDesktop } from '../reach/index.ts';
import { createFileSecretStore, SECRETS_FILE } from '../secrets/file-store.ts';
import { openWebLink, webLinkOf } from './external-links.ts';
import { rendererCheck } from './renderer-check.ts';

const here = dirname(fileURLToPath(import.meta.url));
const flagIndex = process.argv.indexOf('--data-dir');
const dataDir = resolveDataDir(flagIndex > 0 ? process.argv[flagIndex + 1] : undefined);

app.setName('Baton');
app.enableSandbox();

if (!app.requestSingleInstanceLock({ dataDir })) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  // Secrets are encrypted with a key the OS keeps (Keychain, DPAPI, libsecret). On Linux without
  // a keyring, safeStorage falls back to a key written in Chromium itself ('basic_text'): that
  // protects nothing, so the file is then kept as in browser mode (plain, mode 0600) and said so.
  const keychain =
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  const secretStore = createFileSecretStore(
    join(dataDir, SECRETS_FILE),
    keychain
      ? {
          encrypt: (plain) => safeStorage.encryptString(plain),
          decrypt: (sealed) => safeStorage.decryptString(sealed),
        }
      : null,
  );
  // out/main/index.js → the checkout's resources/ (a packaged app has them in resourcesPath).
  const resourcesDir = app.isPackaged
    ? join(process.resourcesPath, 'resources')
    : join(here, '../../resources');
  let maxInFlight: number | undefined;
  try {
    maxInFlight = setting(undefined, '', 'BATON_MAX_IN_FLIGHT', parseMaxInFlight);
  } catch (err) {
    console.error(`${(err as Error).message}; using the default`);
  }
  let toWindow: ((out: TerminalOutput) => void) | null = null;
  const baton = createApp({
    dataDir,
    probeAgents: true,
    resourcesDir,
    secretStore,
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
    // A terminal the window attached: its output goes to the window alone (never on the bus).
    terminalOutput: (out) => toWindow?.(out),
  });
  // The window talks over IPC, so http agents get a loopback host of their own to call back
  // to (else they are polled), which also takes triggers' calls (POST /api/triggers/<id>).
  // BATON_CALLBACK_URL: where remote agents and callers reach it (a tunnel).
  let callbackHost: CallbackHost | null = null;
  try {
    const callbackUrl = setting(undefined, '', 'BATON_CALLBACK_URL', parseCallbackUrl);
    // It also serves /mcp to coding CLIs whose tool calls wait in the inbox (their attempt links only).
    const mcp = {
      endpoint: createMcpEndpoint(createCallClient(baton.dispatch), {
        version: app.getVersion(),
        log: (line) => console.error(line),
      }),
      links: baton.mcpLinks,
    };
    callbackHost = await startDesktopHost(baton, { mcp, ...(callbackUrl ? { callbackUrl } : {}) });
  } catch (err) {
    console.error(
      `No callback host, http agents will be polled and triggers not served: ${(err as Error).message}`,
    );
  }
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const rendererUrl = devUrl ?? pathToFileURL(join(here, '../renderer/index.html')).href;

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Baton',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  toWindow = (out) => {
    if (!win.isDestroyed())
      win.webContents.send(IPC_EVENTS_CHANNEL, [{ name: 'terminal.output', payload: out }]);
  };
  const isOurRenderer = rendererCheck(devUrl, rendererUrl);
  // The window never navigates nor opens another: a web link (a pull request, a forge's page) opens
  // in the person's browser; any other scheme (file:, an app's) is refused.
  const openOutside = (url: string) => {
    const link = isOurRenderer(url) ? null : webLinkOf(url);
    if (link)
      void openWebLink(
        link,
        (l) => shell.openExternal(l),
        (line) => console.error(line),
      );
  };
  win.webContents.on('will-navigate', (e, url) => {
    e.preventDefault();
    openOutside(url);
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());

  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, method: unknown, input: unknown, caller: unknown) => {
    if (event.sender !== win.webContents || !isOurRenderer(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'unavailable', message: 'IPC from an unknown sender was refused' } };
    }
    // Who calls: the renderer's "who you are" (checked by the dispatch as an actor field).
    const actor =
      typeof caller === 'object' && caller !== null ? (caller as { actor?: unknown }).actor : undefined;
    return baton.dispatch(String(method), input, typeof actor === 'string' ? { actor } : undefined);
  });
  const off = baton.bus.subscribe((batch) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENTS_CHANNEL, batch);
  });

  // Desktop notifications: shown while the window is not focused; a click brings the
  // window up and opens the item. Each is held until clicked or closed (else its click is lost).
  const shown = new Set<Notification>();
  const offNotes = tellOnDesktop({
    subscribe: (l, names) => baton.bus.subscribe(l, names),
    focused: () => !win.isDestroyed() && win.isFocused(),
    show: (n, onClick) => {
      if (!Notification.isSupported()) return;
      const note = new Notification({ title: n.title, body: desktopBody(n.body) });
      shown.add(note);
      note.on('click', () => {
        shown.delete(note);
        onClick();
      });
      note.on('close', () => shown.delete(note));
      note.show();
    },
    open: (n) => {
      if (win.isDestroyed()) return;
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
      win.webContents.send(IPC_EVENTS_CHANNEL, [{ name: 'notification.opened', payload: n }]);
    },
  });

  // Quit once the store is closed: its writer thread stores the ticks it was handed, and its
  // checkpoint worker copies the WAL into the database, first (a quit before that loses those
  // ticks, and leaves the WAL files behind). The last window closed, or a quit asked for (Cmd+Q,
  // the menu, the OS's logout), which closes no window first.
  let closing = false;
  let closed = false;
  const closeThenQuit = () => {
    if (closing) return;
    closing = true;
    offNotes();
    off();
    void Promise.allSettled([callbackHost?.close(), baton.close()]).then(() => {
      closed = true;
      app.quit();
    });
  };
  app.on('window-all-closed', closeThenQuit);
  app.on('before-quit', (e) => {
    if (closed) return;
    e.preventDefault();
    closeThenQuit();
  });
  await (devUrl ? win.loadURL(devUrl) : win.loadFile(join(here, '../renderer/index.html')));
}
