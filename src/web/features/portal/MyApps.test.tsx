import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, profileHandlers, renderAt } from '../../test-utils';
import { filterApps, initialOf } from './myAppsFilter';

const app = (id: string, displayName: string, description: string | null, extra: Record<string, unknown> = {}) => ({
  id,
  appId: `app-${id}`,
  displayName,
  description,
  logoUrl: null,
  launchUrl: `http://localhost/myapps/signin/app-${id}`,
  isOwner: false,
  ...extra,
});

const APPS = [
  app('1', 'Grafana', 'Dashboards and alerts'),
  app('2', 'Jenkins', 'Build server'),
  app('3', 'Café menu', null, { isOwner: true }),
];

describe('filterApps', () => {
  it('matches every word against name and description, ignoring case and accents', () => {
    expect(filterApps(APPS, '').map((a) => a.id)).toEqual(['1', '2', '3']);
    expect(filterApps(APPS, '  ').map((a) => a.id)).toEqual(['1', '2', '3']);
    expect(filterApps(APPS, 'grafana').map((a) => a.id)).toEqual(['1']);
    expect(filterApps(APPS, 'BUILD').map((a) => a.id)).toEqual(['2']);
    expect(filterApps(APPS, 'cafe').map((a) => a.id)).toEqual(['3']);
    expect(filterApps(APPS, 'dashboards alerts').map((a) => a.id)).toEqual(['1']);
    expect(filterApps(APPS, 'dashboards build')).toEqual([]);
  });

  it('gives a tile without a logo the first letter or digit of the name', () => {
    expect(initialOf('grafana')).toBe('G');
    expect(initialOf(' (beta) tool')).toBe('B');
    expect(initialOf('---')).toBe('?');
  });
});

describe('My Apps page', () => {
  it('shows a tile per app, linking to its direct sign-on link, with a search box', async () => {
    fakeApi({ ...profileHandlers([]), 'GET /v1.0/me/myApps': { body: { value: APPS } } });
    renderAt('/myapps');
    const grafana = await screen.findByRole('link', { name: 'Grafana' });
    expect(grafana.getAttribute('href')).toBe('http://localhost/myapps/signin/app-1');
    expect(screen.getAllByTestId('app-tile')).toHaveLength(3);
    expect(within(screen.getByRole('link', { name: 'Café menu' })).getByText('Owner')).toBeTruthy();

    await userEvent.type(screen.getByLabelText('Search apps'), 'jenk');
    expect(screen.getAllByTestId('app-tile')).toHaveLength(1);
    expect(screen.getByRole('link', { name: 'Jenkins' })).toBeTruthy();
    await userEvent.clear(screen.getByLabelText('Search apps'));
    await userEvent.type(screen.getByLabelText('Search apps'), 'nothing like this');
    expect(screen.queryAllByTestId('app-tile')).toHaveLength(0);
    expect(screen.getByText(/No apps match/)).toBeTruthy();
  });

  it('says honestly when no app is assigned', async () => {
    fakeApi({ ...profileHandlers([]), 'GET /v1.0/me/myApps': { body: { value: [] } } });
    renderAt('/myapps');
    expect(await screen.findByText('No apps are assigned to you yet')).toBeTruthy();
    expect(screen.queryByLabelText('Search apps')).toBeNull();
  });
});
