import type { CallContext } from '../../src-shared/contract/caller.ts';
import type { AnyMethods, HandlersOf } from '../../src-shared/contract/method.ts';

/**
 * A contract domain's handlers, made at the first call of any of them: the module that makes them
 * (and what it alone imports) is loaded then, not at the app's start, which `baton serve` waits
 * on before it says where it serves. `methods` is the domain's own table from the contract
 * (loaded at start anyway), so every method is there from the start; a failed load is tried
 * again at the next call.
 */
export function handlersAtFirstCall<Ms extends AnyMethods>(
  methods: Ms,
  make: () => Promise<HandlersOf<Ms>>,
): HandlersOf<Ms> {
  let made: Promise<HandlersOf<Ms>> | null = null;
  const handlers = () =>
    (made ??= make().catch((err: unknown) => {
      made = null;
      throw err;
    }));
  const lazy: Record<string, (input: unknown, call: CallContext) => Promise<unknown>> = {};
  for (const name of Object.keys(methods)) {
    lazy[name] = async (input, call) => {
      const made = (await handlers()) as Record<string, (input: unknown, call: CallContext) => unknown>;
      return made[name]!(input, call);
    };
  }
  return lazy as HandlersOf<Ms>;
}
