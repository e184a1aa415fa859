import type { SecretHandlers } from '../../src-shared/contract/domains/secrets.ts';
import { AppError } from '../base/errors.ts';
import type { WritableSecretStore } from '../secrets/file-store.ts';
import type { AppContext } from './context.ts';

export function secretHandlers({ secretStore }: AppContext): SecretHandlers {
  const need = (): WritableSecretStore => {
    if (secretStore) return secretStore;
    throw new AppError(
      'unavailable',
      'secrets can be stored only in the desktop app (OS keychain); here, set them as environment variables, e.g. BATON_SECRET_<NAME>',
    );
  };
  return {
    'secrets.list': () => ({ names: secretStore?.names() ?? [], writable: secretStore !== undefined }),
    'secrets.set': ({ name, value }) => {
      need().set(name, value);
      return { name };
    },
    'secrets.delete': ({ name }) => ({ deleted: need().delete(name) }),
  };
}
