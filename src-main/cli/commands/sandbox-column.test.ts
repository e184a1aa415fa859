import { describe, expect, it } from 'vitest';
import { sandboxColumn } from './sandbox-column.ts';

describe('the SANDBOX column', () => {
  it('says off, or required with the hosts it lists and whether it asks about others', () => {
    expect(sandboxColumn(undefined, true)).toBe('required');
    expect(sandboxColumn({ mode: 'off' }, true)).toBe('off (unconfined)');
    expect(sandboxColumn({ network: { allow: ['registry.npmjs.org'] } }, true)).toBe('required +1 host');
    expect(sandboxColumn({ network: { allow: ['a.com', 'b.com'], unlisted: 'ask' } }, true)).toBe(
      'required +2 hosts, asks',
    );
    expect(sandboxColumn(null, false)).toBe('required (cannot run here)');
  });
});
