import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/client.ts';
import { defineContractSuite } from '../../test/contract/suite.ts';
import { createApp } from './create-app.ts';
import { createInProcessClient, createMemoryTransport } from './memory-transport.ts';

defineContractSuite('an in-memory transport', async () => {
  const app = createApp({ dataDir: ':memory:', log: () => {} });
  const client = createClient(createMemoryTransport(app.dispatch, app.bus));
  return {
    client,
    close() {
      client.close();
      app.close();
    },
  };
});

describe('an input too deep to copy', () => {
  it('is refused naming its field, as dispatch refuses it (`baton run` said only "Maximum call stack size exceeded")', async () => {
    const depth = 200_000;
    const deep = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
    const plan = {
      plan_id: 'p',
      tasks: [{ task_id: 't', description: 't', required_skills: ['x'], inputs: deep }],
    };
    const app = createApp({ dataDir: ':memory:', log: () => {} });
    try {
      const client = createInProcessClient(app);
      const err = await client.invoke('plans.import', { plan } as never).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/plan\.tasks\[0\]/);
    } finally {
      await app.close();
    }
  });
});
