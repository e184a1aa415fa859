import { actorOfCall } from '../../../src-shared/contract/caller.ts';
import type { SlackHandlers } from '../../../src-shared/contract/domains/slack.ts';
import type { AuditChange } from '../../../src-shared/schemas/memory.ts';
import type { Person } from '../../../src-shared/schemas/people.ts';
import { roleAtLeast } from '../../../src-shared/schemas/plain/people.ts';
import { AppError, invalidInput } from '../../base/errors.ts';
import type { Slack } from './slack.ts';

const FIELDS = ['enabled', 'channel', 'bot_token_secret', 'signing_secret', 'api_url'] as const;

/**
 * `slack.*`: the app's settings (secrets by name) and which Slack member each person is; admins
 * only, every change in the audit log.
 */
export function slackHandlers(
  slack: Slack,
  deps: {
    person: (id: string) => Person | null;
    audit: (e: { entity_id: string; why: string; actor: string; changes: AuditChange[] }) => void;
  },
): SlackHandlers {
  return {
    'slack.settings': () => slack.settings(),
    'slack.configure': (change, call) => {
      const now = slack.settings();
      const next = { ...now, ...change };
      if (next.enabled && next.channel === '')
        throw invalidInput('say where approvals go', [
          { path: 'channel', message: 'a channel id (C…) or a member id (U…) is needed to turn Slack on' },
        ]);
      const changes = FIELDS.filter((f) => change[f] !== undefined && change[f] !== now[f]).map((f) => ({
        field: f,
        from: String(now[f]),
        to: String(next[f]),
      }));
      const saved = slack.configure({
        enabled: next.enabled,
        channel: next.channel,
        bot_token_secret: next.bot_token_secret,
        signing_secret: next.signing_secret,
        api_url: next.api_url,
      });
      if (changes.length > 0)
        deps.audit({
          entity_id: 'slack',
          why: 'Slack settings changed',
          actor: actorOfCall(null, call),
          changes,
        });
      return saved;
    },
    'slack.check': () => slack.check(),
    'slack.people': () => slack.repo.people(),
    'slack.linkPerson': ({ person_id, slack_user_id }, call) => {
      const person = deps.person(person_id);
      if (!person) throw new AppError('not_found', `no person "${person_id}"`);
      // A Slack member decides as the person it is linked to: only they, the owner, or someone
      // ranked above them links it (an admin linked their own member to the owner, and decided as
      // the owner where only the owner may).
      const self = call.person?.id === person.id;
      if (!self && call.role !== 'owner' && roleAtLeast(person.role, call.role))
        throw new AppError(
          'forbidden',
          `${person.name} is ${/^[aeiou]/.test(person.role) ? 'an' : 'a'} ${person.role}: only they or someone ranked above them links their Slack member`,
          { field: 'person_id' },
        );
      const was = slack.repo.people().find((p) => p.person_id === person_id)?.slack_user_id ?? null;
      slack.repo.link(person_id, slack_user_id);
      if (was !== slack_user_id)
        deps.audit({
          entity_id: `slack.people.${person_id}`,
          why: `${person.name}'s Slack member ${slack_user_id === null ? 'unlinked' : 'set'}`,
          actor: actorOfCall(null, call),
          changes: [{ field: 'slack_user_id', from: String(was), to: String(slack_user_id) }],
        });
      return { linked: slack_user_id === null ? null : { person_id, slack_user_id } };
    },
  };
}
