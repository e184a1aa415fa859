import type { SettingsTab } from '../../routes/routes.ts';
import { useBaton } from '../../store/index.ts';
import { PeoplePanel } from '../people/PeoplePanel.tsx';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import { Tabs } from '../shared/Tabs.tsx';
import { NotificationsPanel } from './NotificationsPanel.tsx';
import { SecretsPanel } from './SecretsPanel.tsx';
import { SlackPanel } from './SlackPanel.tsx';
import { WebhooksPanel } from './WebhooksPanel.tsx';
import { WorkerTokensPanel } from './WorkerTokensPanel.tsx';
import { WorktreesPanel } from './WorktreesPanel.tsx';

const LABELS: Record<SettingsTab, string> = {
  webhooks: 'Webhooks',
  secrets: 'Secrets',
  notifications: 'Notifications',
  'worker-tokens': 'Worker tokens',
  people: 'People',
  slack: 'Slack',
  worktrees: 'Worktrees',
};

/**
 * Settings: how Baton reaches people and other programs (webhooks out, notifications, remote
 * workers' tokens) and the secrets agents and webhooks name.
 */
export function SettingsView() {
  // The store's, as the address names it.
  const tab = useBaton((s) => s.settingsTab);
  const setTab = useBaton((s) => s.setSettingsTab);
  return (
    <div className="page settings-page">
      <ScreenHead
        title="Settings"
        about="How Baton tells people and other programs what happens, the secrets agents and webhooks use, and which remote workers may run its tasks. Schedules and triggers are on each plan’s page."
      />
      <Tabs
        label="Settings"
        className="plan-tabs"
        value={tab}
        onChange={setTab}
        items={(Object.keys(LABELS) as SettingsTab[]).map((id) => ({ id, label: LABELS[id] }))}
      />
      <div className="settings-body" role="tabpanel" aria-label={LABELS[tab]}>
        <ErrorBoundary label={LABELS[tab]}>
          {tab === 'webhooks' ? (
            <WebhooksPanel />
          ) : tab === 'secrets' ? (
            <SecretsPanel />
          ) : tab === 'notifications' ? (
            <NotificationsPanel />
          ) : tab === 'people' ? (
            <PeoplePanel />
          ) : tab === 'slack' ? (
            <SlackPanel />
          ) : tab === 'worktrees' ? (
            <WorktreesPanel />
          ) : (
            <WorkerTokensPanel />
          )}
        </ErrorBoundary>
      </div>
    </div>
  );
}
