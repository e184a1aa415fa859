import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './data-dir.ts';

describe('data directory', () => {
  it('takes --data-dir, then BATON_DATA_DIR, then the platform app-data folder', () => {
    expect(resolveDataDir('/a', { BATON_DATA_DIR: '/b' })).toBe('/a');
    expect(resolveDataDir(undefined, { BATON_DATA_DIR: '/b' })).toBe('/b');
    expect(resolveDataDir(undefined, {}, 'linux', '/home/u')).toBe('/home/u/.config/Baton');
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/Baton');
    // Empty or relative, $XDG_CONFIG_HOME is ignored (XDG's rule): never a folder where the command runs.
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '' }, 'linux', '/home/u')).toBe(
      '/home/u/.config/Baton',
    );
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: 'conf' }, 'linux', '/home/u')).toBe(
      '/home/u/.config/Baton',
    );
    expect(resolveDataDir(undefined, {}, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/Baton',
    );
  });
});
