import { z } from 'zod';
import type { SlackPerson, SlackSettings } from '../../schemas/slack.ts';
import { none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

const secretName = z
  .string()
  .trim()
  .min(1, 'name the secret (Settings → Secrets)')
  .max(200)
  .regex(/^[A-Za-z0-9_.-]+$/, 'a secret’s name: letters, digits, _ . -');

/**
 * Slack as a view of the inbox (src-main/reach/slack/): the app Baton posts with, and which Slack
 * member each person is. The tokens themselves are Baton's secrets, named here, never stored here.
 */
export const slackMethods = {
  'slack.settings': method(none).returns<SlackSettings>(),
  'slack.configure': method(
    z.strictObject({
      enabled: z.boolean().optional(),
      channel: z
        .string()
        .trim()
        .regex(
          /^[CDGU][A-Z0-9]{2,20}$/,
          'channel is a channel id (C…) or a member id (U…), as Slack shows it',
        )
        .optional(),
      bot_token_secret: secretName.optional(),
      signing_secret: secretName.optional(),
      api_url: z.url({ error: 'api_url must be a URL' }).max(500).nullable().optional(),
    }),
  ).returns<SlackSettings>(),
  /** Asks Slack who the bot token is (`auth.test`): whether the setup works. */
  'slack.check': method(none).returns<{
    ok: boolean;
    team: string | null;
    bot: string | null;
    error: string | null;
  }>(),
  /** Which Slack member each person is. */
  'slack.people': method(none).returns<SlackPerson[]>(),
  /** Links a person to their Slack member id (null: unlinked): their clicks in Slack are theirs. */
  'slack.linkPerson': method(
    z.strictObject({
      person_id: z.string().min(1, 'person_id must name a person').max(200),
      slack_user_id: z
        .string()
        .trim()
        .regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack member id (U… or W…: their profile → ⋯ → Copy member ID)')
        .nullable(),
    }),
  ).returns<{ linked: SlackPerson | null }>(),
};

export type SlackHandlers = HandlersOf<typeof slackMethods>;
