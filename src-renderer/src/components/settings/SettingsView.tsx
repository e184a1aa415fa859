import { useState } from 'react';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { Tabs } from '../shared/Tabs.tsx';
import { NotificationsPanel } from './NotificationsPanel.tsx';
import { WebhooksPanel } from './WebhooksPanel.tsx';

type SettingsTab = 'webhooks' | 'notifications';

/** Settings: how Baton reaches people and other programs (webhooks out, notifications). */
export function SettingsView() {
  const [tab, setTab] = useState<SettingsTab>('webhooks');
  return (
    <div className="page settings-page">
      <header className="plan-head">
        <div>
          <h1>Settings</h1>
          <p className="muted small">
            How Baton tells people and other programs what happens. Schedules and triggers are on each plan’s
            page.
          </p>
        </div>
      </header>
      <Tabs
        label="Settings"
        className="plan-tabs"
        value={tab}
        onChange={setTab}
        items={[
          { id: 'webhooks', label: 'Webhooks' },
          { id: 'notifications', label: 'Notifications' },
        ]}
      />
      <div className="settings-body">
        <ErrorBoundary label={tab === 'webhooks' ? 'Webhooks' : 'Notifications'}>
          {tab === 'webhooks' ? <WebhooksPanel /> : <NotificationsPanel />}
        </ErrorBoundary>
      </div>
    </div>
  );
}
