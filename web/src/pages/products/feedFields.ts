/**
 * The feed fields a manual edit may override through `PATCH … {fields: {name: value}}`: every
 * canonical field of `productsynch-feed` (crates/feed/src/item.rs) except the ones the server
 * computes or gives their own keys (crates/core/src/products RESERVED, and the search/checkout
 * flags, which have their own switches). Limits are the OpenAI feed limits
 * (crates/feed/src/validate.rs MAX_LENGTHS; /work/shared/reference/openai-product-feed.md).
 */

export type FieldKind = 'text' | 'textarea' | 'enum' | 'bool' | 'int' | 'decimal' | 'url' | 'date' | 'country' | 'json' | 'gtin';

export interface FeedFieldDef {
  name: string;
  label: string;
  kind: FieldKind;
  group: FieldGroup;
  max?: number;
  options?: readonly string[];
  hint?: string;
}

export const FIELD_GROUPS = [
  'Product identity',
  'Item details',
  'Media',
  'Price and promotions',
  'Availability',
  'Variants',
  'Fulfillment and seller',
  'Returns',
  'Reviews and signals',
  'Compliance',
  'Related products',
  'Geo tagging',
] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** Text limits of the feed (characters). */
export const FEED_LIMITS = {
  title: 150,
  description: 5000,
  brand: 70,
  mpn: 70,
  material: 100,
  pricing_trend: 80,
  item_group_title: 150,
  color: 40,
  size: 20,
  marketplace_seller: 70,
} as const;

/** What the server accepts for the text overrides (crates/core/src/products::patch). */
export const MANUAL_LIMITS = {
  keywords: 30,
  keyword: 100,
  qAndA: 20,
  question: 500,
  answer: 2000,
} as const;

function f(name: string, label: string, kind: FieldKind, group: FieldGroup, extra: Partial<FeedFieldDef> = {}): FeedFieldDef {
  return { name, label, kind, group, ...extra };
}

export const FEED_FIELDS: readonly FeedFieldDef[] = [
  f('brand', 'Brand', 'text', 'Product identity', { max: FEED_LIMITS.brand }),
  f('gtin', 'GTIN', 'gtin', 'Product identity', { hint: '8, 12, 13 or 14 digits, no spaces' }),
  f('mpn', 'MPN', 'text', 'Product identity', { max: FEED_LIMITS.mpn }),
  f('condition', 'Condition', 'enum', 'Product identity', { options: ['new', 'refurbished', 'used'] }),
  f('identifier_exists', 'Identifier exists', 'bool', 'Item details', { hint: 'false lifts the GTIN/MPN requirement (Google profile)' }),
  f('material', 'Material', 'text', 'Item details', { max: FEED_LIMITS.material }),
  f('dimensions', 'Dimensions', 'text', 'Item details', { hint: 'LxWxH unit, e.g. 12x8x5 in' }),
  f('length', 'Length', 'decimal', 'Item details'),
  f('width', 'Width', 'decimal', 'Item details'),
  f('height', 'Height', 'decimal', 'Item details'),
  f('dimensions_unit', 'Dimension unit (in, cm)', 'text', 'Item details', {}),
  f('weight', 'Weight', 'decimal', 'Item details'),
  f('item_weight_unit', 'Mass unit (lb, kg)', 'text', 'Item details', {}),
  f('age_group', 'Age group', 'enum', 'Item details', { options: ['newborn', 'infant', 'toddler', 'kids', 'adult'] }),
  f('gender', 'Gender', 'enum', 'Item details', { options: ['male', 'female', 'unisex'] }),
  f('is_digital', 'Digital product', 'bool', 'Item details'),
  f('ads_metadata', 'Ads metadata', 'json', 'Item details', { hint: 'JSON object of strings' }),
  f('is_ads_eligible', 'Eligible for ads', 'bool', 'Item details'),
  f('image_url', 'Image URL', 'url', 'Media'),
  f('additional_image_urls', 'Extra images (URLs)', 'text', 'Media', { hint: 'Comma-separated URLs' }),
  f('video_url', 'Video URL', 'url', 'Media'),
  f('model_3d_url', '3D model URL', 'url', 'Media'),
  f('sale_price_start_date', 'Sale start date', 'date', 'Price and promotions'),
  f('sale_price_end_date', 'Sale end date', 'date', 'Price and promotions'),
  f('unit_pricing_measure', 'Unit pricing measure', 'text', 'Price and promotions', { hint: 'e.g. 16 oz' }),
  f('base_measure', 'Base measure', 'text', 'Price and promotions', { hint: 'e.g. 1 oz' }),
  f('pricing_trend', 'Pricing trend', 'text', 'Price and promotions', { max: FEED_LIMITS.pricing_trend }),
  f('availability_date', 'Availability date', 'date', 'Availability', { hint: 'Required for pre-orders' }),
  f('expiration_date', 'Expiration date', 'date', 'Availability'),
  f('pickup_method', 'Pickup method', 'enum', 'Availability', { options: ['in_store', 'reserve', 'not_supported'] }),
  f('pickup_sla', 'Pickup SLA', 'text', 'Availability', { hint: 'e.g. 1 day' }),
  f('inventory_quantity', 'Inventory quantity', 'int', 'Availability', { hint: 'Launch-era field' }),
  f('listing_has_variations', 'Listing has variations', 'bool', 'Variants'),
  f('variant_dict', 'Variant attributes', 'json', 'Variants', { hint: 'JSON object, e.g. {"color":"Blue"}' }),
  f('item_group_title', 'Variant group name', 'text', 'Variants', { max: FEED_LIMITS.item_group_title }),
  f('color', 'Color', 'text', 'Variants', { max: FEED_LIMITS.color }),
  f('size', 'Size', 'text', 'Variants', { max: FEED_LIMITS.size }),
  f('size_system', 'Sizing standard (country)', 'country', 'Variants'),
  f('offer_id', 'Offer ID', 'text', 'Variants'),
  f('custom_variant1_category', 'Custom variant 1 dimension', 'text', 'Variants', { hint: 'Deprecated: use variant attributes' }),
  f('custom_variant1_option', 'Custom variant 1 value', 'text', 'Variants'),
  f('custom_variant2_category', 'Custom variant 2 dimension', 'text', 'Variants'),
  f('custom_variant2_option', 'Custom variant 2 value', 'text', 'Variants'),
  f('custom_variant3_category', 'Custom variant 3 dimension', 'text', 'Variants'),
  f('custom_variant3_option', 'Custom variant 3 value', 'text', 'Variants'),
  f('shipping', 'Shipping', 'text', 'Fulfillment and seller', { hint: 'US:CA:Overnight:16.00 USD' }),
  f('marketplace_seller', 'Marketplace seller', 'text', 'Fulfillment and seller', { max: FEED_LIMITS.marketplace_seller }),
  f('seller_privacy_policy', 'Seller privacy policy', 'url', 'Fulfillment and seller'),
  f('seller_tos', 'Seller terms of service', 'url', 'Fulfillment and seller'),
  f('accepts_returns', 'Accepts returns', 'bool', 'Returns'),
  f('return_deadline_in_days', 'Return deadline (days)', 'int', 'Returns'),
  f('accepts_exchanges', 'Accepts exchanges', 'bool', 'Returns'),
  f('return_policy', 'Return policy URL', 'url', 'Returns'),
  f('popularity_score', 'Popularity score', 'decimal', 'Reviews and signals'),
  f('return_rate', 'Return rate', 'decimal', 'Reviews and signals'),
  f('review_count', 'Review count', 'int', 'Reviews and signals'),
  f('star_rating', 'Star rating', 'decimal', 'Reviews and signals'),
  f('store_review_count', 'Store rating count', 'int', 'Reviews and signals'),
  f('store_star_rating', 'Store average score', 'decimal', 'Reviews and signals'),
  f('reviews', 'Review entries', 'json', 'Reviews and signals', { hint: 'JSON list of {title, content, minRating, maxRating, rating}' }),
  f('warning', 'Warning', 'text', 'Compliance'),
  f('warning_url', 'Safety notice URL', 'url', 'Compliance'),
  f('age_restriction', 'Age restriction', 'int', 'Compliance'),
  f('related_product_id', 'Related product IDs', 'text', 'Related products'),
  f('relationship_type', 'Relationship type', 'enum', 'Related products', {
    options: ['part_of_set', 'required_part', 'often_bought_with', 'substitute', 'different_brand', 'accessory'],
  }),
  f('target_countries', 'Target countries', 'text', 'Geo tagging', { hint: 'ISO codes, comma-separated' }),
  f('store_country', 'Store country', 'country', 'Geo tagging'),
  f('geo_price', 'Geo price', 'text', 'Geo tagging'),
  f('geo_availability', 'Geo availability', 'text', 'Geo tagging'),
];

/** The fields shown at the top of the form; the rest sit in collapsible groups. */
export const PRIMARY_FIELDS = ['brand', 'gtin', 'mpn', 'condition'] as const;

export const FEED_FIELD_NAMES = FEED_FIELDS.map((d) => d.name);

export function feedFieldDef(name: string): FeedFieldDef | undefined {
  return FEED_FIELDS.find((d) => d.name === name);
}

/** A GTIN's check digit (GTIN-8/12/13/14), as the feed validator computes it. */
export function gtinCheckDigitOk(gtin: string): boolean {
  if (!/^\d+$/.test(gtin) || gtin.length < 2) return false;
  const digits = [...gtin].map(Number);
  const check = digits.pop() as number;
  const sum = digits.reverse().reduce((acc, d, i) => acc + (i % 2 === 0 ? d * 3 : d), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** A JSON value of a feed item as a form string ('' when unset). */
export function feedValueToString(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
  return JSON.stringify(v);
}

/**
 * The form field that fixes a validation issue reported on feed field `field` (canonical or
 * Google-style names), or null when nothing in the form changes it.
 */
export function formFieldForIssue(field: string, code?: string): string | null {
  if (code === 'excluded') return 'excluded';
  const f = field.replace(/^g:/, '').trim();
  switch (f) {
    case 'title':
      return 'manualTitle';
    case 'description':
      return 'manualDescription';
    case 'product_category':
    case 'product_type':
    case 'google_product_category':
      return 'manualCategory';
    case 'q_and_a':
      return 'manualQAndA';
    case 'is_eligible_search':
    case 'enable_search':
      return 'feedEnableSearch';
    case 'is_eligible_checkout':
    case 'enable_checkout':
      return 'feedEnableCheckout';
    case 'image_link':
      return 'fields.image_url';
    case 'additional_image_link':
      return 'fields.additional_image_urls';
    case 'item_group_id':
      return null;
  }
  return feedFieldDef(f) ? `fields.${f}` : null;
}
