import { createClient } from '../../src-shared/contract/client.ts';
import { defineContractSuite } from '../../test/contract/suite.ts';
import { createApp } from './create-app.ts';
import { createMemoryTransport } from './memory-transport.ts';

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
