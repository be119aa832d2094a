/** Display helpers of the product pages. */

const formatters = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(currency: string): Intl.NumberFormat | null {
  if (!formatters.has(currency)) {
    try {
      formatters.set(currency, new Intl.NumberFormat(undefined, { style: 'currency', currency }));
    } catch {
      formatters.set(currency, null);
    }
  }
  return formatters.get(currency) ?? null;
}

/** "€12.50" from the store's decimal price and the shop's currency; "—" when there is no price. */
export function formatPrice(price: string | null | undefined, currency: string | null | undefined): string {
  if (price === null || price === undefined || price === '') return '—';
  const n = Number(price);
  if (!Number.isFinite(n)) return price;
  const f = currency ? currencyFormat(currency.toUpperCase()) : null;
  if (f) return f.format(n);
  return currency ? `${price} ${currency}` : price;
}

const AVAILABILITY: Record<string, string> = {
  in_stock: 'In stock',
  out_of_stock: 'Out of stock',
  pre_order: 'Pre-order',
  backorder: 'Backorder',
  unknown: 'Unknown',
};

export function availabilityLabel(a: string | null | undefined): string {
  if (!a) return '—';
  return AVAILABILITY[a] ?? a.replace(/_/g, ' ');
}

export const STATUS_LABELS: Record<string, string> = {
  SYNCED: 'Synced',
  EXCLUDED: 'Excluded',
  ERROR: 'Error',
  DRAFT: 'Draft',
  PENDING_REVIEW: 'Pending review',
  APPROVED: 'Approved',
};

export const SYNC_STATUS_LABELS: Record<string, string> = {
  PENDING: 'Pending',
  SYNCING: 'Syncing',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  PAUSED: 'Paused',
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** Plain text of store HTML (for hints and previews; never rendered as HTML). */
export function stripHtml(html: string | null | undefined): string {
  if (!html) return '';
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}
