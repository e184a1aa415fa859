import { describe, expect, it } from 'vitest';
import { hrefOf, routeAt } from './address.ts';
import type { Route } from './routes.ts';
import { formatRoute, parseRoute, routeTitle } from './routes.ts';

/** One route of each kind, with ids that need care in a path (a dot, a colon, an at sign). */
const ROUTES: Route[] = [
  { screen: 'plans' },
  { screen: 'plan-list', filter: {} },
  { screen: 'plan-list', filter: { q: 'nightly & "docs"', tag: 'team-ops', archived: true } },
  { screen: 'plan', planId: 'alpha', tab: 'graph' },
  { screen: 'plan', planId: 'alpha', tab: 'timeline' },
  { screen: 'plan', planId: 'alpha', tab: 'compare' },
  { screen: 'plan', planId: 'alpha', tab: 'compare', runs: ['r-1', 'r:2', 'r-3'] },
  { screen: 'plan', planId: 'alpha', tab: 'grid' },
  { screen: 'plan', planId: 'alpha', tab: 'schedules' },
  { screen: 'plan', planId: 'alpha', tab: 'triggers' },
  { screen: 'versions', planId: 'alpha', version: null },
  { screen: 'versions', planId: 'alpha', version: 12 },
  { screen: 'edit-plan', planId: 'release.v2' },
  { screen: 'new-plan' },
  { screen: 'run', runId: 'run-1', taskId: null },
  { screen: 'run', runId: 'run-1', taskId: 'notes.md' },
  { screen: 'run', runId: 'run:2@host', taskId: 'a:b@c' },
  { screen: 'run-timeline', runId: 'run-1' },
  { screen: 'runs', filter: {} },
  { screen: 'runs', filter: { q: 'nightly build', status: 'failed', plan: 'alpha' } },
  { screen: 'approvals', approvalId: null },
  { screen: 'approvals', approvalId: 'ap-7', plan: 'alpha', kind: 'diff_review' },
  { screen: 'approvals', approvalId: null, show: 'decided' },
  { screen: 'approvals', approvalId: null, kind: 'budget', sort: 'newest' },
  { screen: 'approvals', approvalId: null, sort: 'oldest' },
  { screen: 'mytasks' },
  { screen: 'mytasks', scope: 'everyone' },
  { screen: 'agents', agentId: null },
  { screen: 'agents', agentId: 'writer' },
  { screen: 'workspaces' },
  { screen: 'workspaces', sandboxOf: 'web app' },
  { screen: 'projects' },
  { screen: 'spend', filter: {} },
  {
    screen: 'spend',
    filter: {
      by: 'model',
      since: '2026-03-01',
      until: '2026-03-31',
      project: 'store front',
      plan: 'alpha',
      run: 'run:2@host',
      agent: 'claude-coder',
      model: 'anthropic/claude-sonnet-4-5',
      cli: 'claude',
      sort: 'calls',
      asc: true,
    },
  },
  { screen: 'spend', filter: { by: 'cli', range: '7d' } },
  { screen: 'spend-prices' },
  { screen: 'logs', search: { tab: 'memory', q: '' } },
  {
    screen: 'logs',
    search: {
      tab: 'memory',
      q: 'deploy & "ship"',
      type: 'build_log',
      plan: 'alpha',
      agent: 'bot',
      tag: 'team: ops',
      since: '2025-01-02T03:04:00.000Z',
      until: '2025-02-02T03:04:00.000Z',
    },
  },
  {
    screen: 'logs',
    search: { tab: 'audit', q: 'cancel', about: 'approval', who: 'maria', since: '2025-01-02T03:04:00.000Z' },
  },
  { screen: 'settings', tab: 'webhooks' },
  { screen: 'settings', tab: 'worker-tokens' },
];

describe('the route table', () => {
  it('reads back every route it writes', () => {
    for (const route of ROUTES) expect(parseRoute(formatRoute(route)), formatRoute(route)).toEqual(route);
  });

  it('writes readable addresses', () => {
    expect(formatRoute({ screen: 'run', runId: 'run-1', taskId: 'notes.md' })).toBe(
      '/runs/run-1/tasks/notes.md',
    );
    expect(formatRoute({ screen: 'run', runId: 'run:2@host', taskId: null })).toBe('/runs/run:2@host');
    expect(formatRoute({ screen: 'versions', planId: 'alpha', version: 3 })).toBe('/plans/alpha/versions/3');
    expect(formatRoute({ screen: 'logs', search: { tab: 'memory', q: 'alpha', type: 'build_log' } })).toBe(
      '/logs?q=alpha&type=build_log',
    );
    expect(formatRoute({ screen: 'plans' })).toBe('/');
  });

  it('reads the addresses people type: a trailing slash, the bare screens, a whole URL', () => {
    expect(parseRoute('/')).toEqual({ screen: 'plans' });
    expect(parseRoute('/plans/')).toEqual({ screen: 'plan-list', filter: {} });
    expect(parseRoute('/plans?q=docs&archived=yes')).toEqual({ screen: 'plan-list', filter: { q: 'docs' } });
    expect(formatRoute({ screen: 'plan-list', filter: { tag: 'ops', archived: true } })).toBe(
      '/plans?tag=ops&archived=1',
    );
    expect(parseRoute('/runs/')).toEqual({ screen: 'runs', filter: {} });
    expect(parseRoute('/settings')).toEqual({ screen: 'settings', tab: 'webhooks' });
    expect(parseRoute('/plans/alpha/graph')).toEqual({ screen: 'plan', planId: 'alpha', tab: 'graph' });
    expect(parseRoute('http://127.0.0.1:4800/runs/r1/tasks/t1?x=1')).toEqual({
      screen: 'run',
      runId: 'r1',
      taskId: 't1',
    });
    expect(parseRoute('/runs/r%2F1')).toEqual({ screen: 'run', runId: 'r/1', taskId: null });
  });

  it('names no screen for an address it does not know, keeping what was asked', () => {
    for (const path of [
      '/nope',
      '/runs/r1/tasks',
      '/runs/r1/steps/a',
      '/runs/r1/tasks/a/b',
      '/plans/alpha/versions/0',
      '/plans/alpha/versions/two',
      '/plans/alpha/edit/more',
      '/plans/alpha/history',
      '/settings/nope',
      '/approvals/a/b',
      '/my-tasks/mine',
      '/logs/other',
      '/runs/%E0%A4%A',
    ]) {
      expect(parseRoute(path), path).toEqual({ screen: 'not-found', path });
    }
    expect(parseRoute('/nope?q=1')).toEqual({ screen: 'not-found', path: '/nope?q=1' });
  });

  it('drops a filter the address got wrong and fields it does not know', () => {
    expect(parseRoute('/runs?status=sleeping&plan=alpha&colour=red')).toEqual({
      screen: 'runs',
      filter: { plan: 'alpha' },
    });
    expect(parseRoute('/logs?q=x&since=yesterday&until=2025-01-02T03:04:00Z')).toEqual({
      screen: 'logs',
      search: { tab: 'memory', q: 'x', until: '2025-01-02T03:04:00.000Z' },
    });
    expect(parseRoute('/logs/audit?about=everything')).toEqual({
      screen: 'logs',
      search: { tab: 'audit', q: '' },
    });
    expect(parseRoute('/approvals?kind=whatever')).toEqual({ screen: 'approvals', approvalId: null });
  });

  it('titles each screen', () => {
    expect(routeTitle({ screen: 'run', runId: 'r1', taskId: 'build' })).toBe('Task build in run r1');
    expect(routeTitle({ screen: 'not-found', path: '/x' })).toBe('No page here');
    for (const route of ROUTES) expect(routeTitle(route)).not.toBe('');
  });
});

describe('the address a route is at', () => {
  it('is the path in browser mode and the hash in the desktop app', () => {
    const route: Route = { screen: 'run', runId: 'r1', taskId: 'build' };
    expect(hrefOf(route, 'path')).toBe('/runs/r1/tasks/build');
    expect(hrefOf(route, 'hash')).toBe('#/runs/r1/tasks/build');
    expect(routeAt({ pathname: '/runs/r1/tasks/build', search: '', hash: '' }, 'path')).toEqual(route);
    expect(
      routeAt({ pathname: '/app/index.html', search: '', hash: '#/runs/r1/tasks/build' }, 'hash'),
    ).toEqual(route);
    expect(routeAt({ pathname: '/app/index.html', search: '', hash: '' }, 'hash')).toEqual({
      screen: 'plans',
    });
    expect(routeAt({ pathname: '/', search: '', hash: '#/logs?q=x' }, 'hash')).toEqual({
      screen: 'logs',
      search: { tab: 'memory', q: 'x' },
    });
  });
});
