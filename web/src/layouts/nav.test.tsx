import { describe, expect, it } from 'vitest';
import { capabilitiesFromPaths } from '../api/hooks';
import { NAV_ITEMS, visibleNav, type NavItem } from './nav';

describe('visibleNav', () => {
  const shops: NavItem = { to: '/shops', label: 'Shops', icon: null, requires: 'shops' };

  it('shows a capability entry only when the server offers its API', () => {
    const items = [...NAV_ITEMS.filter((i) => i.label !== 'Shops'), shops];
    expect(visibleNav(items, capabilitiesFromPaths(['/api/v1/auth/me'])).map((i) => i.label)).toEqual(['Dashboard', 'Settings']);
    expect(visibleNav(items, capabilitiesFromPaths(['/api/v1/shops'])).map((i) => i.label)).toEqual([
      'Dashboard',
      'Settings',
      'Shops',
    ]);
  });

  it('hides capability entries while the capabilities are unknown', () => {
    expect(visibleNav([shops], undefined)).toEqual([]);
  });

  it('lists Shops after the dashboard on servers with the shops API', () => {
    expect(visibleNav(NAV_ITEMS, capabilitiesFromPaths(['/api/v1/shops'])).map((i) => i.to)).toEqual(['/', '/shops', '/settings']);
    expect(NAV_ITEMS.find((i) => i.to === '/shops')?.requires).toBe('shops');
  });
});
