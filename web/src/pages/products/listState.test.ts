import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STATE,
  filterKey,
  hasFilters,
  parseListState,
  toProductQuery,
  toSearchParams,
  updateListState,
} from './listState';

const parse = (qs: string) => parseListState(new URLSearchParams(qs));

describe('products list state in the query string', () => {
  it('reads defaults from an empty query and writes nothing for them', () => {
    expect(parse('')).toEqual(DEFAULT_STATE);
    expect(toSearchParams(DEFAULT_STATE).toString()).toBe('');
  });

  it('round-trips every filter, the sort, page and page size', () => {
    const qs = 'q=tent&status=EXCLUDED&syncStatus=FAILED&availability=out_of_stock&valid=false&overrides=true&ai=false&category=camping&sort=-price&page=3&limit=100';
    const s = parse(qs);
    expect(s).toEqual({
      search: 'tent',
      status: 'EXCLUDED',
      syncStatus: 'FAILED',
      availability: 'out_of_stock',
      valid: false,
      hasOverrides: true,
      aiEnriched: false,
      category: 'camping',
      sort: '-price',
      page: 3,
      limit: 100,
    });
    expect(parse(toSearchParams(s).toString())).toEqual(s);
  });

  it('ignores malformed values instead of sending them to the API', () => {
    const s = parse('status=BOGUS&availability=maybe&valid=yes&sort=-password&page=-2&limit=abc');
    expect(s).toEqual(DEFAULT_STATE);
    expect(parse('page=0').page).toBe(1);
    expect(parse('page=2.5').page).toBe(1);
  });

  it('caps the page size at the API maximum of 200', () => {
    expect(parse('limit=5000').limit).toBe(200);
    expect(updateListState(DEFAULT_STATE, { limit: 999 }).limit).toBe(200);
  });

  it('goes back to page 1 when anything but the page changes', () => {
    const onPage4 = { ...DEFAULT_STATE, page: 4 };
    expect(updateListState(onPage4, { search: 'x' }).page).toBe(1);
    expect(updateListState(onPage4, { sort: 'title' }).page).toBe(1);
    expect(updateListState(onPage4, { limit: 25 }).page).toBe(1);
    expect(updateListState(onPage4, { page: 5 }).page).toBe(5);
  });

  it('builds the API query with the API parameter names', () => {
    const q = toProductQuery(parse('q=%20tent%20&valid=false&overrides=true&ai=true&page=2'));
    expect(q).toEqual({ page: 2, limit: 50, sort: '-updatedAt', search: 'tent', valid: false, hasOverrides: true, aiEnriched: true });
  });

  it('keys the selection on the filters only (not paging or order)', () => {
    const a = parse('q=tent&page=1');
    expect(filterKey(a)).toBe(filterKey(parse('q=tent&page=9&sort=title&limit=25')));
    expect(filterKey(a)).not.toBe(filterKey(parse('q=tents')));
    expect(hasFilters(DEFAULT_STATE)).toBe(false);
    expect(hasFilters(parse('sort=title&page=3'))).toBe(false);
    expect(hasFilters(parse('valid=false'))).toBe(true);
  });
});
