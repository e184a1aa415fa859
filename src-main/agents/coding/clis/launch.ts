import type { LaunchInput } from './definition.ts';

/** The person's own HOME (for a CLI without a provider: its login lives there). */
export const personHome = (): string => process.env.HOME ?? process.env.USERPROFILE ?? '/';

/** A model name a provider needs, or an error the attempt fails with. */
export function providerModel(input: LaunchInput): string {
  const model = input.agent.model;
  if (!model) throw new Error(`coding agent "${input.agent.id}" has a provider but no model: set its model`);
  return model;
}

/** The base URL the program is given for its provider: Baton's metering endpoint when there is one. */
export const providerUrl = (input: LaunchInput, provider: { base_url: string }): string =>
  input.modelUrl ?? provider.base_url;
