/** Small display helpers of the sync page and the dashboard. */
import type { SyncKind, SyncState } from '../../api/sync';

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", "in 12 minutes"; `now` is injectable for tests. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const diff = (t - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return diff <= 0 ? 'just now' : 'in a few seconds';
  if (abs < 45 * 60) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 22 * 3600) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86400), 'day');
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

export function formatPercent(part: number, whole: number): string {
  if (!whole) return '—';
  const p = (part / whole) * 100;
  // One decimal, without a trailing ".0"; never rounded up to 100% while something is missing.
  const shown = p > 99.9 && part < whole ? '99.9' : p.toFixed(1).replace(/\.0$/, '');
  return `${shown}%`;
}

export const SYNC_STATE_LABEL: Record<SyncState, string> = {
  PENDING: 'Pending',
  SYNCING: 'Syncing',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  PAUSED: 'Paused',
};

export const SYNC_STATE_COLOR: Record<SyncState, string> = {
  PENDING: 'gray',
  SYNCING: 'blue',
  COMPLETED: 'teal',
  FAILED: 'red',
  PAUSED: 'yellow',
};

export const SYNC_KIND_LABEL: Record<SyncKind, string> = {
  FULL: 'Full',
  INCREMENTAL: 'Incremental',
  SINGLE_PRODUCT: 'Single product',
  MANUAL: 'Full (manual)',
};

const TRIGGER_LABEL: Record<string, string> = {
  user: 'You',
  manual: 'You',
  schedule: 'Schedule',
  webhook: 'Store webhook',
  connect: 'Store connected',
  after_sync: 'After sync',
};

export function triggerLabel(t: string | null | undefined): string {
  if (!t) return '—';
  return TRIGGER_LABEL[t] ?? t.replace(/_/g, ' ');
}

export const PUSH_STATUS_COLOR: Record<string, string> = { running: 'blue', succeeded: 'teal', failed: 'red' };

const METHOD_LABEL: Record<string, string> = { hosted: 'Hosted URL', https: 'HTTPS push', sftp: 'SFTP upload' };
export function methodLabel(m: string | null | undefined): string {
  if (!m) return '—';
  return METHOD_LABEL[m] ?? m;
}

/**
 * The counts of a finished batch as one phrase. Batches that record only a total (the server
 * keeps no per-kind counts for webhook batches) say how many products they processed.
 */
export function batchCounts(b: { total: number; created: number; updated: number; unchanged: number; deleted: number; failed: number }, sep = ', '): string {
  const kinds = b.created + b.updated + b.unchanged + b.deleted + b.failed;
  if (kinds === 0 && b.total > 0) return `${formatCount(b.total)} product${b.total === 1 ? '' : 's'} processed`;
  return [
    `${formatCount(b.created)} new`,
    `${formatCount(b.updated)} updated`,
    `${formatCount(b.unchanged)} unchanged`,
    `${formatCount(b.deleted)} deleted`,
    `${formatCount(b.failed)} failed`,
  ].join(sep);
}
