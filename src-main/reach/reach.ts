import type { Agent as HttpsAgent } from 'node:https';
import { UNNAMED_ACTOR } from '../../src-shared/contract/caller.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { Landing } from '../../src-shared/schemas/landing.ts';
import type { AuditChange } from '../../src-shared/schemas/memory.ts';
import type { Person } from '../../src-shared/schemas/people.ts';
import type { ErrorLog } from '../base/log-line.ts';
import type { Clock } from '../engine/clock.ts';
import { localOwner } from '../engine/leases.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { SecretResolver } from '../secrets/secrets.ts';
import type { Store } from '../store/store.ts';
import { notificationHandlers } from './notifications/handlers.ts';
import { createNotifier } from './notifications/notifier.ts';
import { pushHandlers } from './push/handlers.ts';
import { createPush } from './push/push.ts';
import { vapidKeys } from './push/vapid.ts';
import { createReachEvents } from './reach-events.ts';
import { scheduleHandlers, shownSchedule } from './schedules/handlers.ts';
import { Scheduler } from './schedules/scheduler.ts';
import { slackHandlers } from './slack/handlers.ts';
import type { Dispatch } from './slack/interactions.ts';
import { createSlack } from './slack/slack.ts';
import { triggerHandlers } from './triggers/handlers.ts';
import { IssueComments } from './triggers/issue-comments.ts';
import type { WatchedForge } from './triggers/issue-watch.ts';
import { IssueWatch } from './triggers/issue-watch.ts';
import { createTriggerRoute } from './triggers/route.ts';
import { Triggers } from './triggers/triggers.ts';
import { webhookHandlers } from './webhooks/handlers.ts';
import type { RetryPolicy } from './webhooks/sender.ts';
import { WebhookService } from './webhooks/service.ts';

export interface ReachOptions {
  /** Send webhooks and fire schedules from this process (the app and `baton serve`). */
  enabled: boolean;
  /** How often the outbox and the schedules are looked at (1 s); tests shorten it. */
  pollMs?: number;
  /** How long a duty lease lasts unrenewed (30 s). */
  leaseTtlMs?: number;
  webhookRetry?: Partial<RetryPolicy>;
  /** A schedule's fire older than this was missed (downtime): its catch-up policy decides (60 s). */
  scheduleGraceMs?: number;
  /** Where push subscriptions may point: a browser vendor's push service by default (tests name their own). */
  pushEndpoint?: (url: URL) => boolean;
  /** The HTTPS agent push messages go through (tests trust their own push service's certificate). */
  pushAgent?: HttpsAgent;
}

/**
 * How Baton reaches people and machines: webhooks out, schedules and triggers in, notifications to
 * the windows. Built once by the app over its store; the duties run only where `enabled` (the
 * long-lived hosts).
 */
export function createReach(deps: {
  store: Store;
  bus: EventBus;
  clock: Clock;
  secrets: SecretResolver;
  log?: ErrorLog | undefined;
  /**
   * `runs.start`: a run of a plan with inputs, checked as any call's, started by `actor` (the
   * run's `started_by`); `alongside` runs in the transaction that stores the run.
   */
  startRun: (
    planId: string,
    inputs: Record<string, unknown>,
    actor: string,
    alongside?: (runId: string) => void,
  ) => Promise<{ run_id: string; status: string }>;
  /** A workspace's GitHub forge, or why it has none (what `github_issues` triggers watch). */
  forgeOf?: (workspaceId: string) => WatchedForge | string;
  /** A run's landings (its pull requests), told on the issue that started it when its trigger comments. */
  landingsOf?: (runId: string) => readonly Landing[];
  /** An approval as the inbox shows it (who may decide it, its facts), or null: what push and Slack tell. */
  approval?: (id: string) => ApprovalView | null;
  /** A person by id (people/), or null. */
  person?: (id: string) => Person | null;
  /** A one-time link's token to an approval for a person (people/links.ts). */
  mintLink?: (approvalId: string, personId: string) => string;
  /** The data directory, where Web Push's VAPID key pair is kept (null: one for this process's life). */
  dataDir?: string | null;
  options: ReachOptions;
}) {
  const { store, clock, options } = deps;
  const owner = localOwner();
  const nowIso = () => new Date(clock.now()).toISOString();
  const webhooks = new WebhookService({
    store,
    secrets: deps.secrets,
    now: () => clock.now(),
    owner,
    ...(options.webhookRetry ? { retry: options.webhookRetry } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(deps.log ? { log: deps.log } : {}),
    deliveryChanged: (id) => told('delivery', id),
  });
  // Every change to a webhook, schedule or trigger is audited, whoever makes it (a person, the
  // scheduler firing): clients are told the row as it is now from here.
  const audit =
    (entity: 'webhook' | 'schedule' | 'trigger') =>
    (e: {
      entity_id: string;
      from: string | null;
      to: string | null;
      why: string;
      run_id?: string | null;
      actor?: string;
      /** What a person changed, field by field. */
      changes?: AuditChange[];
    }) => {
      store.memory.audit({
        at: nowIso(),
        actor: e.actor ?? UNNAMED_ACTOR,
        entity,
        entity_id: e.entity_id,
        run_id: e.run_id ?? null,
        from_status: e.from,
        to_status: e.to,
        why: e.why,
        ...(e.changes && e.changes.length > 0 ? { changes: e.changes } : {}),
      });
      told(entity, e.entity_id);
    };
  const scheduleAudit = audit('schedule');
  /** A setting a person changed (which notifications they want), in the audit log. */
  const settingAudit = (e: { entity_id: string; why: string; actor: string; changes: AuditChange[] }) =>
    store.memory.audit({
      at: nowIso(),
      actor: e.actor,
      entity: 'setting',
      entity_id: e.entity_id,
      run_id: null,
      from_status: null,
      to_status: 'changed',
      why: e.why,
      changes: e.changes,
    });
  const scheduler = new Scheduler({
    store,
    now: () => clock.now(),
    owner,
    startRun: (planId, inputs, alongside) => deps.startRun(planId, inputs, 'schedule', alongside),
    audit: (e) => scheduleAudit({ ...e, from: null, actor: 'scheduler' }),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(options.scheduleGraceMs !== undefined ? { graceMs: options.scheduleGraceMs } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const notifier = createNotifier({ store, bus: deps.bus, log: deps.log });
  const approval = deps.approval ?? (() => null);
  const person = deps.person ?? (() => null);
  const push = createPush({
    store,
    now: () => clock.now(),
    owner,
    vapid: vapidKeys(deps.dataDir ?? null),
    approval,
    mintLink: deps.mintLink ?? (() => ''),
    settings: () => notifier.settings(),
    endpointAllowed: options.pushEndpoint,
    agent: options.pushAgent,
    pollMs: options.pollMs,
    leaseTtlMs: options.leaseTtlMs,
    log: deps.log,
  });
  const slack = createSlack({
    store,
    bus: deps.bus,
    secrets: deps.secrets,
    now: () => clock.now(),
    owner,
    approval,
    person,
    pollMs: options.pollMs,
    leaseTtlMs: options.leaseTtlMs,
    log: deps.log,
  });
  let publicUrl: string | null = null;
  const triggerAudit = audit('trigger');
  const triggers = new Triggers({
    db: store.db,
    now: () => clock.now(),
    startRun: (planId, inputs) => deps.startRun(planId, inputs, 'trigger'),
    audit: (e) => triggerAudit({ ...e, from: null }),
    publicUrl: () => publicUrl,
  });
  const issues = new IssueWatch({
    store,
    repo: triggers.repo,
    now: () => clock.now(),
    owner,
    secrets: deps.secrets,
    forgeOf: deps.forgeOf ?? ((id) => `workspace "${id}" has no GitHub forge`),
    startRun: (planId, inputs, actor, alongside) => deps.startRun(planId, inputs, actor, alongside),
    audit: (e) => triggerAudit({ ...e, from: null }),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const comments = new IssueComments({
    repo: triggers.repo,
    bus: deps.bus,
    secrets: deps.secrets,
    now: () => clock.now(),
    forgeOf: deps.forgeOf ?? ((id) => `workspace "${id}" has no GitHub forge`),
    run: (id) => store.runs.get(id),
    landingsOf: deps.landingsOf ?? (() => []),
    log: deps.log,
  });
  const told = createReachEvents(
    deps.bus,
    {
      webhook: (id) => webhooks.repo.get(id),
      schedule: (id) => {
        const stored = scheduler.repo.get(id);
        return stored ? shownSchedule(stored) : undefined;
      },
      trigger: (id) => {
        const stored = triggers.repo.get(id);
        return stored ? triggers.shown(stored) : undefined;
      },
      delivery: (id) => webhooks.repo.delivery(id),
    },
    deps.log,
  );
  return {
    webhooks,
    scheduler,
    triggers,
    /** `github_issues` triggers: GitHub's labelled issues read and their runs started. */
    issues,
    /** Comments on the issues that started runs, at the runs' milestones (`comment_on_issue`). */
    comments,
    notifier,
    /** `POST /api/triggers/<id>` for the browser host (`BrowserHostOptions.triggers`). */
    triggerRoute: createTriggerRoute(triggers),
    /** Web Push to people's browsers. */
    push,
    /** Slack as a view of the inbox; `slack.route` is `POST /api/slack/interactions` for the browser host. */
    slack,
    handlers: () => ({
      ...webhookHandlers({ webhooks, secrets: deps.secrets, now: nowIso, audit: audit('webhook') }),
      ...scheduleHandlers({
        scheduler,
        store,
        now: () => clock.now(),
        audit: (e) => scheduleAudit({ ...e, from: null }),
      }),
      ...triggerHandlers({
        triggers,
        issues,
        store,
        forgeOf: deps.forgeOf ?? ((id) => `workspace "${id}" has no GitHub forge`),
        audit: (e) => triggerAudit({ ...e, from: null }),
      }),
      ...notificationHandlers({ notifier, audit: settingAudit }),
      ...pushHandlers(push),
      ...slackHandlers(slack, { person, audit: settingAudit }),
    }),
    /** Baton's address as people reach it, for links in messages (the host's URL). */
    setPublicUrl(url: string | null): void {
      publicUrl = url;
      webhooks.setLinkBase(url);
    },
    /**
     * Where people open Baton (its public URL, else the serving host's own): the links in push
     * messages and Slack point there. Push and Slack are sent from a process that serves people
     * (`baton serve`) once it says so; null stops them.
     */
    servePeopleAt(url: string | null): void {
      if (!options.enabled) return;
      push.serveAt(url);
      slack.serveAt(url);
      if (url) push.loop.start();
    },
    /** The contract, for Slack's clicks to decide through as the person who clicked. */
    decideThrough(dispatch: Dispatch): void {
      slack.decideThrough(dispatch);
    },
    start(): void {
      if (!options.enabled) return;
      webhooks.start();
      scheduler.start();
      issues.start();
      comments.start();
      notifier.start(options.pollMs);
    },
    stop(): void {
      webhooks.stop();
      scheduler.stop();
      issues.stop();
      comments.stop();
      notifier.stop();
      push.loop.stop();
      slack.stop();
    },
  };
}
export type Reach = ReturnType<typeof createReach>;
