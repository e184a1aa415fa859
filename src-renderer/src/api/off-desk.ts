import type { MethodInput } from '../../../src-shared/contract/index.ts';
import { client$ } from './client.ts';

/** The `push.*` calls: the caller's own subscribed browsers. */
export const pushApi = {
  key: () => client$().invoke('push.key', {}),
  subscribe: (input: MethodInput<'push.subscribe'>) => client$().invoke('push.subscribe', input),
  unsubscribe: (by: { id: string } | { endpoint: string }) => client$().invoke('push.unsubscribe', by),
  list: () => client$().invoke('push.list', {}),
  test: () => client$().invoke('push.test', {}),
};

/** The `slack.*` calls: the Slack app's settings and people's Slack members (admins). */
export const slackApi = {
  settings: () => client$().invoke('slack.settings', {}),
  configure: (change: MethodInput<'slack.configure'>) => client$().invoke('slack.configure', change),
  check: () => client$().invoke('slack.check', {}),
  people: () => client$().invoke('slack.people', {}),
  link: (person_id: string, slack_user_id: string | null) =>
    client$().invoke('slack.linkPerson', { person_id, slack_user_id }),
};
