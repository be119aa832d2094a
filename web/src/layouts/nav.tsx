import { IconBuildingStore, IconLayoutDashboard, IconSettings } from '@tabler/icons-react';
import type { Capabilities } from '../api/hooks';

export interface NavItem {
  to: string;
  label: string;
  icon: React.ReactNode;
  end?: boolean;
  /** Shown only when the server offers this capability's API. */
  requires?: keyof Capabilities;
}

/**
 * The sidebar. An entry for a capability (shops, analytics, billing) is added here together with
 * its page, with `requires` naming the capability: it then appears only on servers whose OpenAPI
 * document offers that API. No entry points to a page the app does not have.
 */
export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: <IconLayoutDashboard size={18} stroke={1.6} />, end: true },
  { to: '/shops', label: 'Shops', requires: 'shops', icon: <IconBuildingStore size={18} stroke={1.6} /> },
  { to: '/settings', label: 'Settings', icon: <IconSettings size={18} stroke={1.6} /> },
];

export function visibleNav(items: NavItem[], caps: Capabilities | undefined): NavItem[] {
  return items.filter((i) => !i.requires || caps?.[i.requires] === true);
}
