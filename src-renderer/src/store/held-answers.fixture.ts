import type { BatonApp } from '../../../src-main/app/create-app.ts';
import { createMemoryTransport } from '../../../src-main/app/memory-transport.ts';
import type { Transport } from '../../../src-shared/contract/client.ts';

/**
 * The app's transport in memory, its answers to `method` held back while a hold is on, as a slow
 * answer would be: `hold()` holds them until the function it returns is called.
 */
export function heldAnswers(app: BatonApp, method: string): { transport: Transport; hold(): () => void } {
  const transport = createMemoryTransport(app.dispatch, app.bus);
  let held: Promise<void> | null = null;
  return {
    transport: {
      ...transport,
      async invoke(name, input) {
        const answer = await transport.invoke(name, input);
        if (name === method && held) await held;
        return answer;
      },
    },
    hold() {
      let release = () => {};
      held = new Promise((done) => {
        release = done;
      });
      return () => {
        release();
        held = null;
      };
    },
  };
}
