import type { WebClient } from '@slack/web-api';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { SlackConfig } from './repo.ts';

/** Slack's Web API by default. */
export const SLACK_API = 'https://slack.com/api/';

/** The calls Baton makes of Slack's Web API. */
export type SlackApi = Pick<WebClient, 'chat' | 'views' | 'auth'>;

/** Nothing of @slack/web-api's own logging: Baton records what failed where it is shown. */
const quiet = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => 'error' as never,
  setName: () => {},
};

/**
 * Slack's Web API through its maintained SDK (`@slack/web-api`), as the settings say: the bot token
 * from Baton's secrets by name (looked up at each use, so a secret set now is used now), the API's
 * address (`slackApiUrl`; a scripted Slack in the tests). One client per token and address; no
 * retries of its own (the outbox tries again), a 10 s bound on each call. The SDK is loaded the
 * first time Slack is used, not at start.
 */
export function createSlackClients(secrets: SecretResolver) {
  let loaded: Promise<typeof import('@slack/web-api')> | null = null;
  let kept: { key: string; client: SlackApi } | null = null;
  return async (c: SlackConfig): Promise<SlackApi | string> => {
    const token = secrets.get(c.bot_token_secret);
    if (!token) return `the secret "${c.bot_token_secret}" (the Slack app's bot token) is not set`;
    const url = c.api_url ? (c.api_url.endsWith('/') ? c.api_url : `${c.api_url}/`) : SLACK_API;
    const key = `${url}\u0000${token}`;
    if (kept?.key === key) return kept.client;
    loaded ??= import('@slack/web-api');
    const { WebClient } = await loaded;
    const client = new WebClient(token, {
      slackApiUrl: url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
      logger: quiet,
    });
    kept = { key, client };
    return client;
  };
}
export type SlackClients = ReturnType<typeof createSlackClients>;

/** What Slack said went wrong, in its words (`channel_not_found`, `invalid_auth`), or the error's. */
export function slackError(err: unknown): string {
  const data = (err as { data?: { error?: string } }).data;
  return (data?.error ? `Slack said ${data.error}` : err instanceof Error ? err.message : String(err)).slice(
    0,
    500,
  );
}
