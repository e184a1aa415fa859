import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatonApp } from '../../app/create-app.ts';
import { engineEnv } from '../../base/engine-env.ts';
import { CliError, projectRoot } from '../files.ts';
import { ENGINE_V8_FLAGS } from '../v8-flags.ts';
import { serveCommand } from './serve.ts';

const electronDir = join(projectRoot, 'node_modules', 'electron');

/** The Electron runtime's executable, when it has been downloaded. */
export function electronRuntime(): string | null {
  try {
    const rel = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const exe = join(electronDir, 'dist', rel);
    return existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

function tryDownloadElectron(): string | null {
  if (!existsSync(join(electronDir, 'install.js'))) return null;
  process.stderr.write('Fetching the Electron runtime (first launch)…\n');
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
  });
  return r.status === 0 ? electronRuntime() : null;
}

/** `npm start`: build, then the desktop window; without an Electron runtime, browser mode. */
export async function startCommand(
  openApp: () => BatonApp,
  opts: {
    dataDir: string;
    port: number | undefined;
    callbackUrl: string | undefined;
    maxInFlight: number | undefined;
  },
): Promise<number> {
  process.stderr.write('Building Baton…\n');
  const build = spawnSync(join(projectRoot, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new CliError('build failed; run `npm run build` to see why', 1);
  const exe = electronRuntime() ?? tryDownloadElectron();
  if (exe) {
    // Main-process V8 flags, and the engine's environment, only take effect when given at launch.
    const child = spawn(exe, [`--js-flags=${ENGINE_V8_FLAGS.join(' ')}`, projectRoot], {
      stdio: 'inherit',
      env: {
        ...engineEnv(process.env),
        BATON_DATA_DIR: opts.dataDir,
        ...(opts.callbackUrl ? { BATON_CALLBACK_URL: opts.callbackUrl } : {}),
        ...(opts.maxInFlight !== undefined ? { BATON_MAX_IN_FLIGHT: String(opts.maxInFlight) } : {}),
      },
    });
    return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  process.stderr.write(
    'The Electron runtime is not installed and could not be downloaded (no network?), so Baton is starting in browser mode instead.\n',
  );
  return serveCommand(openApp, {
    port: opts.port,
    host: '127.0.0.1',
    allowHosts: [],
    dataDir: opts.dataDir,
    callbackUrl: opts.callbackUrl,
  });
}
