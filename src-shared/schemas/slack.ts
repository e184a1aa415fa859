/**
 * Slack as a view of the inbox: a Slack app Baton posts each waiting approval with, whose buttons
 * decide it as the person linked to the Slack member who clicked.
 */
export interface SlackSettings {
  enabled: boolean;
  /** Where approvals are posted: a channel's id (`C…`), or a member's (`U…`) for their direct messages. */
  channel: string;
  /** The names of Baton's secrets holding the app's bot token (`xoxb-…`) and its signing secret. */
  bot_token_secret: string;
  signing_secret: string;
  /** Slack's Web API, when not `https://slack.com/api/` (an Enterprise Grid proxy; tests). */
  api_url: string | null;
  /** Where Slack sends button clicks (the app's Interactivity Request URL), at Baton's public URL. */
  interactions_url: string | null;
  /** Messages not posted or updated yet, and the last error posting or updating one. */
  waiting: number;
  last_error: string | null;
}

/** A person's Slack member id (`U…`): their clicks in Slack are theirs. */
export interface SlackPerson {
  person_id: string;
  slack_user_id: string;
}
