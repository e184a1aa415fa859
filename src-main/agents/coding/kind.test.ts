import { describe, expect, it } from 'vitest';
import { createCodingExecutor } from './cli/coding.ts';
import { codingExecutorAtFirstAttempt } from './kind.ts';

describe('the coding executor loaded at its first attempt', () => {
  it('says what the executor it loads says of itself (the engine reads these before it is loaded)', () => {
    const flags = (e: ReturnType<typeof createCodingExecutor>) => ({
      usesWorkspace: e.usesWorkspace,
      reportsUsage: e.reportsUsage,
      awaitsSteps: e.awaitsSteps,
    });
    expect(flags(codingExecutorAtFirstAttempt({}))).toEqual(flags(createCodingExecutor({})));
  });
});
