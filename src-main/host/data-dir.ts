import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export const APP_NAME = 'Baton';

/**
 * The one data directory shared by the desktop app, browser mode and the CLI:
 * `--data-dir`, else `BATON_DATA_DIR`, else the platform's app-data folder (the same
 * folder Electron calls userData for an app named Baton).
 */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (flag) return resolve(flag);
  if (env.BATON_DATA_DIR) return resolve(env.BATON_DATA_DIR);
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_NAME);
    default:
      return join(configHome(env, home), APP_NAME);
  }
}

/**
 * `$XDG_CONFIG_HOME`, else `~/.config`. Empty or relative, it is ignored, as the XDG spec says
 * (an empty one made the data directory `Baton` in whatever folder the command ran from).
 */
export function configHome(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
}
