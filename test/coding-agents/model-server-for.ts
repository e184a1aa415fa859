import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import { startResponsesServer } from '../kit/model-servers/openai-responses.ts';
import type { ModelServer, ServerOptions } from '../kit/model-servers/scripted-server.ts';
import type { Wire } from './clis.ts';

/** Starts the scripted model server that speaks `wire`. */
export function startModelServer(wire: Wire, options: ServerOptions): Promise<ModelServer> {
  switch (wire) {
    case 'anthropic':
      return startAnthropicServer(options);
    case 'responses':
      return startResponsesServer(options);
    case 'chat':
      return startChatServer(options);
    default:
      return wire satisfies never;
  }
}
