import { describe, expect, it } from 'vitest';
import { productEditSchema, toPatch, valuesFromDetail, type ProductEditValues } from './editorSchema';
import { FEED_FIELDS, formFieldForIssue, gtinCheckDigitOk } from './feedFields';
import { detailFixture } from './testFixtures';

function values(over: Partial<ProductEditValues> = {}): ProductEditValues {
  return { ...valuesFromDetail(detailFixture()), ...over };
}

function errorsOf(v: ProductEditValues): Record<string, string> {
  const r = productEditSchema.safeParse(v);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('manual edit limits', () => {
  it('accepts a title of exactly 150 characters and refuses 151', () => {
    expect(errorsOf(values({ manualTitle: 'x'.repeat(150) }))).toEqual({});
    expect(errorsOf(values({ manualTitle: 'x'.repeat(151) }))).toEqual({ manualTitle: 'Use at most 150 characters (feed limit)' });
  });

  it('limits the description to 5000 characters and brand to 70', () => {
    expect(Object.keys(errorsOf(values({ manualDescription: 'd'.repeat(5001) })))).toEqual(['manualDescription']);
    const v = values();
    expect(Object.keys(errorsOf({ ...v, fields: { ...v.fields, brand: 'b'.repeat(71) } }))).toEqual(['fields.brand']);
    expect(errorsOf({ ...v, fields: { ...v.fields, brand: 'b'.repeat(70) } })).toEqual({});
  });

  it('checks GTIN digits, length and check digit', () => {
    const v = values();
    const gtin = (g: string) => errorsOf({ ...v, fields: { ...v.fields, gtin: g } })['fields.gtin'];
    expect(gtin('4006381333931')).toBeUndefined();
    expect(gtin('4006381333932')).toMatch(/check digit/);
    expect(gtin('400-638')).toMatch(/Digits only/);
    expect(gtin('12345')).toMatch(/8, 12, 13 or 14/);
    expect(gtin('')).toBeUndefined();
    expect(gtinCheckDigitOk('96385074')).toBe(true);
  });

  it('limits keywords and Q&A like the server does', () => {
    expect(Object.keys(errorsOf(values({ manualKeywords: Array.from({ length: 31 }, (_, i) => `k${i}`) })))).toEqual(['manualKeywords']);
    expect(Object.keys(errorsOf(values({ manualKeywords: ['k'.repeat(101)] })))).toEqual(['manualKeywords.0']);
    expect(errorsOf(values({ manualQAndA: [{ q: '', a: 'yes' }] }))).toEqual({ 'manualQAndA.0.q': 'Enter the question' });
    expect(Object.keys(errorsOf(values({ manualQAndA: [{ q: 'q', a: 'a'.repeat(2001) }] })))).toEqual(['manualQAndA.0.a']);
    expect(Object.keys(errorsOf(values({ manualQAndA: Array.from({ length: 21 }, () => ({ q: 'q', a: 'a' })) })))).toEqual(['manualQAndA']);
  });

  it('needs search for checkout', () => {
    expect(errorsOf(values({ feedEnableSearch: false, feedEnableCheckout: true }))).toEqual({
      feedEnableCheckout: 'Checkout in ChatGPT needs search to be enabled too',
    });
  });

  it('checks typed feed fields (numbers, URLs, dates, enums, JSON)', () => {
    const v = values();
    const e = errorsOf({
      ...v,
      fields: { ...v.fields, weight: 'heavy', video_url: 'ftp://x', availability_date: '12/01/2026', condition: 'broken', variant_dict: '{oops', review_count: '3' },
    });
    expect(Object.keys(e).sort()).toEqual(['fields.availability_date', 'fields.condition', 'fields.variant_dict', 'fields.video_url', 'fields.weight']);
  });
});

describe('the PATCH body', () => {
  it('sends only what changed, trimmed, with emptied values as null', () => {
    const start = valuesFromDetail(
      detailFixture({ manual: { ...detailFixture().manual, manualTitle: 'Old title', fields: { brand: 'Acme', color: 'Green' } } }),
    );
    expect(start.manualTitle).toBe('Old title');
    expect(start.fields.brand).toBe('Acme');
    const edited: ProductEditValues = {
      ...start,
      manualTitle: '  New title ',
      fields: { ...start.fields, brand: '', material: 'Nylon', variant_dict: '{"color":"Blue"}' },
      feedEnableCheckout: true,
    };
    expect(toPatch(edited, start)).toEqual({
      manualTitle: 'New title',
      fields: { brand: null, material: 'Nylon', variant_dict: { color: 'Blue' } },
      feedEnableCheckout: true,
    });
    expect(toPatch(start, start)).toEqual({});
  });

  it('clears keywords and Q&A with null when emptied', () => {
    const start = values({ manualKeywords: ['tent'], manualQAndA: [{ q: 'Waterproof?', a: 'Yes' }] });
    expect(toPatch({ ...start, manualKeywords: [], manualQAndA: [] }, start)).toEqual({ manualKeywords: null, manualQAndA: null });
    expect(toPatch({ ...start, manualQAndA: [{ q: 'Waterproof?', a: 'Yes, 3000 mm' }] }, start)).toEqual({
      manualQAndA: [{ q: 'Waterproof?', a: 'Yes, 3000 mm' }],
    });
  });
});

describe('issue links', () => {
  it('maps feed fields to the form fields that fix them', () => {
    expect(formFieldForIssue('title')).toBe('manualTitle');
    expect(formFieldForIssue('description')).toBe('manualDescription');
    expect(formFieldForIssue('brand')).toBe('fields.brand');
    expect(formFieldForIssue('gtin')).toBe('fields.gtin');
    expect(formFieldForIssue('is_eligible_checkout')).toBe('feedEnableCheckout');
    expect(formFieldForIssue('', 'excluded')).toBe('excluded');
    expect(formFieldForIssue('price')).toBeNull();
    expect(formFieldForIssue('shop')).toBeNull();
  });
});

describe('field labels', () => {
  it('are unique even as case-insensitive substrings (browser tests find fields by label)', () => {
    const labels = [...FEED_FIELDS.map((d) => d.label), 'Title', 'Description', 'Category', 'Keywords', 'Enable ChatGPT search', 'Enable ChatGPT checkout', 'Exclude from feed'];
    const clashes = labels.flatMap((a) => labels.filter((b) => a !== b && b.toLowerCase().includes(a.toLowerCase())).map((b) => `${a} < ${b}`));
    expect(clashes).toEqual([]);
  });
});
