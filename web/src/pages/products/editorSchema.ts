/**
 * The manual-edits form: its values, their validation (the feed limits the server enforces, so
 * most mistakes are caught before a round trip) and the PATCH body it becomes (changed keys only;
 * an emptied field is sent as `null`, which makes the product fall back to AI, then store data).
 */
import { z } from 'zod';
import type { ProductDetail, ProductPatch, QAndA } from '../../api/products';
import {
  FEED_FIELDS,
  FEED_LIMITS,
  MANUAL_LIMITS,
  feedValueToString,
  gtinCheckDigitOk,
  type FeedFieldDef,
} from './feedFields';

const tooLong = (n: number) => `Use at most ${n} characters (feed limit)`;

function fieldSchema(d: FeedFieldDef) {
  let s = z.string();
  if (d.max) s = s.max(d.max, tooLong(d.max));
  const t = (check: (v: string) => boolean, message: string) =>
    s.refine((v) => v.trim() === '' || check(v.trim()), { message });
  switch (d.kind) {
    case 'gtin':
      return s.superRefine((raw, ctx) => {
        const v = raw.trim();
        if (v === '') return;
        if (!/^\d+$/.test(v)) ctx.addIssue({ code: 'custom', message: 'Digits only, no dashes or spaces' });
        else if (![8, 12, 13, 14].includes(v.length)) ctx.addIssue({ code: 'custom', message: 'A GTIN has 8, 12, 13 or 14 digits' });
        else if (!gtinCheckDigitOk(v)) ctx.addIssue({ code: 'custom', message: 'The check digit is wrong: copy it again from the barcode' });
      });
    case 'int':
      return t((v) => /^-?\d+$/.test(v), 'Enter a whole number');
    case 'decimal':
      return t((v) => /^-?\d+(\.\d+)?%?$/.test(v), 'Enter a number');
    case 'url':
      return t((v) => {
        try {
          const u = new URL(v);
          return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
        } catch {
          return false;
        }
      }, 'Enter a full http(s) URL');
    case 'date':
      return t((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)), 'Use the date format YYYY-MM-DD');
    case 'country':
      return t((v) => /^[A-Za-z]{2}$/.test(v), 'Use a two-letter country code (ISO 3166-1)');
    case 'json':
      return t((v) => {
        try {
          JSON.parse(v);
          return true;
        } catch {
          return false;
        }
      }, 'Enter valid JSON');
    case 'bool':
      return t((v) => v === 'true' || v === 'false', 'Choose true or false');
    case 'enum':
      return t((v) => (d.options ?? []).includes(v), `Choose one of: ${(d.options ?? []).join(', ')}`);
    default:
      return s;
  }
}

const fieldsSchema = z.object(Object.fromEntries(FEED_FIELDS.map((d) => [d.name, fieldSchema(d)]))) as unknown as z.ZodType<
  Record<string, string>,
  Record<string, string>
>;

export const qAndASchema = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'Enter the question')
    .max(MANUAL_LIMITS.question, `Use at most ${MANUAL_LIMITS.question} characters`),
  a: z
    .string()
    .trim()
    .min(1, 'Enter the answer')
    .max(MANUAL_LIMITS.answer, `Use at most ${MANUAL_LIMITS.answer} characters`),
});

export const productEditSchema = z
  .object({
    manualTitle: z.string().max(FEED_LIMITS.title, tooLong(FEED_LIMITS.title)),
    manualDescription: z.string().max(FEED_LIMITS.description, tooLong(FEED_LIMITS.description)),
    manualCategory: z.string().max(750, 'Use at most 750 characters'),
    manualKeywords: z
      .array(
        z
          .string()
          .trim()
          .min(1, 'Keywords cannot be empty')
          .max(MANUAL_LIMITS.keyword, `Keywords have at most ${MANUAL_LIMITS.keyword} characters`),
      )
      .max(MANUAL_LIMITS.keywords, `Use at most ${MANUAL_LIMITS.keywords} keywords`),
    manualQAndA: z.array(qAndASchema).max(MANUAL_LIMITS.qAndA, `Use at most ${MANUAL_LIMITS.qAndA} questions`),
    fields: fieldsSchema,
    feedEnableSearch: z.boolean(),
    feedEnableCheckout: z.boolean(),
    excluded: z.boolean(),
  })
  .refine((v) => !v.feedEnableCheckout || v.feedEnableSearch, {
    path: ['feedEnableCheckout'],
    message: 'Checkout in ChatGPT needs search to be enabled too',
  });

export type ProductEditValues = z.infer<typeof productEditSchema>;

/** Every form field name, for mapping server problems (`fields.brand`, `manualTitle`, …). */
export const EDIT_FIELD_NAMES = [
  'manualTitle',
  'manualDescription',
  'manualCategory',
  'manualKeywords',
  'manualQAndA',
  'feedEnableSearch',
  'feedEnableCheckout',
  'excluded',
  ...FEED_FIELDS.map((d) => `fields.${d.name}`),
] as const;

/** The form's starting values: the product's manual values (empty = no override). */
export function valuesFromDetail(d: ProductDetail): ProductEditValues {
  const m = d.manual;
  const fields: Record<string, string> = {};
  for (const def of FEED_FIELDS) fields[def.name] = feedValueToString(m.fields?.[def.name]);
  return {
    manualTitle: m.manualTitle ?? '',
    manualDescription: m.manualDescription ?? '',
    manualCategory: m.manualCategory ?? '',
    manualKeywords: Array.isArray(m.manualKeywords) ? m.manualKeywords.map(String) : [],
    manualQAndA: Array.isArray(m.manualQAndA) ? m.manualQAndA.map((x) => ({ q: x.q ?? '', a: x.a ?? '' })) : [],
    fields,
    feedEnableSearch: d.product.feedEnableSearch,
    feedEnableCheckout: d.product.feedEnableCheckout,
    excluded: m.excluded,
  };
}

function textOrNull(v: string): string | null {
  const t = v.trim();
  return t === '' ? null : t;
}

function sameQa(a: QAndA[], b: QAndA[]): boolean {
  return a.length === b.length && a.every((x, i) => x.q.trim() === b[i].q.trim() && x.a.trim() === b[i].a.trim());
}

/** The value a feed field override is sent as (JSON fields as their parsed JSON). */
function fieldValue(def: FeedFieldDef | undefined, v: string): unknown {
  const t = v.trim();
  if (t === '') return null;
  if (def?.kind === 'json') {
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  }
  if (def?.kind === 'country') return t.toUpperCase();
  return t;
}

/** The PATCH body: only what changed from `initial`; emptied values are `null`. */
export function toPatch(values: ProductEditValues, initial: ProductEditValues): ProductPatch {
  const patch: ProductPatch = {};
  for (const k of ['manualTitle', 'manualDescription', 'manualCategory'] as const) {
    if (values[k].trim() !== initial[k].trim()) patch[k] = textOrNull(values[k]);
  }
  const kw = values.manualKeywords.map((k) => k.trim()).filter(Boolean);
  const kw0 = initial.manualKeywords.map((k) => k.trim()).filter(Boolean);
  if (kw.join('\u0000') !== kw0.join('\u0000')) patch.manualKeywords = kw.length ? kw : null;
  if (!sameQa(values.manualQAndA, initial.manualQAndA)) {
    patch.manualQAndA = values.manualQAndA.length
      ? values.manualQAndA.map((x) => ({ q: x.q.trim(), a: x.a.trim() }))
      : null;
  }
  const fields: Record<string, unknown> = {};
  for (const def of FEED_FIELDS) {
    const now = values.fields[def.name] ?? '';
    const before = initial.fields[def.name] ?? '';
    if (now.trim() !== before.trim()) fields[def.name] = fieldValue(def, now);
  }
  if (Object.keys(fields).length) patch.fields = fields;
  for (const k of ['feedEnableSearch', 'feedEnableCheckout', 'excluded'] as const) {
    if (values[k] !== initial[k]) patch[k] = values[k];
  }
  return patch;
}
