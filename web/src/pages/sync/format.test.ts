import { describe, expect, it } from 'vitest';
import { batchCounts, formatBytes, formatDuration, formatPercent, formatRelative } from './format';

describe('sync formatting', () => {
  it('phrases batch counts, or the total when only a total was recorded', () => {
    const b = { total: 10, created: 2, updated: 3, unchanged: 4, deleted: 0, failed: 1 };
    expect(batchCounts(b)).toBe('2 new, 3 updated, 4 unchanged, 0 deleted, 1 failed');
    expect(batchCounts({ ...b, created: 0, updated: 0, unchanged: 0, failed: 0, total: 1 })).toBe('1 product processed');
    expect(batchCounts({ total: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 }, ' · ')).toBe(
      '0 new · 0 updated · 0 unchanged · 0 deleted · 0 failed',
    );
  });

  it('never rounds a partial share up to 100%', () => {
    expect(formatPercent(999, 1000)).toBe('99.9%');
    expect(formatPercent(9999, 10000)).toBe('99.9%');
    expect(formatPercent(4, 5)).toBe('80%');
    expect(formatPercent(5, 5)).toBe('100%');
    expect(formatPercent(1, 0)).toBe('—');
  });

  it('formats sizes, durations and relative times', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(18_432)).toBe('18 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatDuration(7200)).toBe('7.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(formatRelative('2026-11-28T09:57:00Z', now)).toBe('3 minutes ago');
    expect(formatRelative('2026-11-28T10:14:00Z', now)).toBe('in 14 minutes');
    expect(formatRelative(null, now)).toBe('never');
  });
});
