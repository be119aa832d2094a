/**
 * Forms of the shop pages: zod schemas with the server's limits (productsynch-core `shops::update`
 * and `delivery::settings::save`), the mapping from a shop/config to form values and back to
 * request bodies, and the API field names → form field names for problem details.
 */
import { z } from 'zod';
import type { FeedSettings, OpenAiConfig, OpenAiConfigInput, Shop, ShopPatch } from '../../api/shops';

// ---------------------------------------------------------------- connect

/** Loose check only: the server normalises the address (adds https://) and probes the store. */
export const connectSchema = z
  .object({
    storeUrl: z
      .string()
      .trim()
      .min(1, "Enter your store's address")
      .max(2048, 'The address is too long')
      .refine((s) => !/\s/.test(s), 'An address has no spaces'),
    manual: z.boolean(),
    consumerKey: z.string().trim(),
    consumerSecret: z.string().trim(),
  })
  .superRefine((v, ctx) => {
    if (!v.manual) return;
    if (!v.consumerKey) ctx.addIssue({ code: 'custom', path: ['consumerKey'], message: 'Enter the consumer key' });
    if (!v.consumerSecret) ctx.addIssue({ code: 'custom', path: ['consumerSecret'], message: 'Enter the consumer secret' });
  });
export type ConnectValues = z.infer<typeof connectSchema>;
export const CONNECT_FIELDS = ['storeUrl', 'consumerKey', 'consumerSecret'] as const;

// ---------------------------------------------------------------- seller and feed settings

export const MAX_SELLER_NAME = 70;
const COUNTRY = /^[A-Z]{2}$/;

const optionalUrl = z
  .string()
  .trim()
  .refine((s) => s === '' || isHttpUrl(s), 'Enter a full http(s) URL, e.g. https://example.com/privacy');

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export const sellerSchema = z
  .object({
    sellerName: z.string().trim().max(MAX_SELLER_NAME, `Use at most ${MAX_SELLER_NAME} characters (feed limit)`),
    sellerUrl: optionalUrl,
    privacyPolicy: optionalUrl,
    termsOfService: optionalUrl,
    returnPolicy: optionalUrl,
    /** Days; '' leaves the stored value. */
    returnWindow: z
      .string()
      .trim()
      .refine((s) => s === '' || (/^\d+$/.test(s) && Number(s) <= 365), 'Enter 0 to 365 days'),
    storeCountry: z.string().refine((s) => s === '' || COUNTRY.test(s), 'Choose a country (ISO code, e.g. US)'),
    targetCountries: z.array(z.string()).refine((a) => a.every((c) => COUNTRY.test(c)), 'Use two-letter ISO codes, e.g. US'),
    enableSearch: z.boolean(),
    enableCheckout: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (v.enableCheckout && (!v.privacyPolicy || !v.termsOfService)) {
      ctx.addIssue({
        code: 'custom',
        path: ['enableCheckout'],
        message: 'Checkout in ChatGPT needs the privacy policy and terms of service URLs',
      });
    }
  });
export type SellerValues = z.infer<typeof sellerSchema>;
export const SELLER_FIELDS = [
  'sellerName',
  'sellerUrl',
  'privacyPolicy',
  'termsOfService',
  'returnPolicy',
  'returnWindow',
  'storeCountry',
  'targetCountries',
  'enableSearch',
  'enableCheckout',
] as const satisfies readonly (keyof SellerValues)[];
/** API field names that differ from the form's. */
export const SELLER_ALIASES: Record<string, (typeof SELLER_FIELDS)[number]> = {
  'feed.storeCountry': 'storeCountry',
  'feed.targetCountries': 'targetCountries',
  'feed.enableSearch': 'enableSearch',
  'feed.enableCheckout': 'enableCheckout',
};

export function sellerValues(shop: Shop): SellerValues {
  const s = shop.seller;
  return {
    sellerName: s.sellerName ?? '',
    sellerUrl: s.sellerUrl ?? '',
    privacyPolicy: s.privacyPolicy ?? '',
    termsOfService: s.termsOfService ?? '',
    returnPolicy: s.returnPolicy ?? '',
    returnWindow: s.returnWindow == null ? '' : String(s.returnWindow),
    storeCountry: shop.feed.storeCountry ?? '',
    targetCountries: shop.feed.targetCountries ?? [],
    // The feed's defaults: search on, checkout off.
    enableSearch: shop.feed.enableSearch ?? true,
    enableCheckout: shop.feed.enableCheckout ?? false,
  };
}

/** The PATCH body; the feed settings the form does not show are kept as they are. */
export function sellerPatch(v: SellerValues, current: FeedSettings | undefined): ShopPatch {
  const feed: FeedSettings = {
    storeCountry: null,
    targetCountries: [],
    enableSearch: null,
    enableCheckout: null,
    brandAttribute: null,
    gtinMetaKey: null,
    utmDisabled: false,
    ...current,
  };
  return {
    sellerName: v.sellerName.trim(),
    sellerUrl: v.sellerUrl.trim(),
    privacyPolicy: v.privacyPolicy.trim(),
    termsOfService: v.termsOfService.trim(),
    returnPolicy: v.returnPolicy.trim(),
    returnWindow: v.returnWindow.trim() === '' ? undefined : Number(v.returnWindow),
    feed: {
      ...feed,
      storeCountry: v.storeCountry || null,
      targetCountries: v.targetCountries,
      enableSearch: v.enableSearch,
      enableCheckout: v.enableCheckout,
    },
  };
}

// ---------------------------------------------------------------- delivery to OpenAI

export const DELIVERY_METHODS = ['hosted', 'sftp', 'https'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];
export const CADENCES = ['daily', 'after_sync'] as const;

/** What is already stored on the server (secrets are write-only: a blank field keeps them). */
export interface StoredSecrets {
  httpsToken: boolean;
  sftpPassword: boolean;
  sftpPrivateKey: boolean;
}

export function storedSecrets(cfg: OpenAiConfig | undefined): StoredSecrets {
  return {
    httpsToken: Boolean(cfg?.https?.hasToken),
    sftpPassword: Boolean(cfg?.sftp?.hasPassword),
    sftpPrivateKey: Boolean(cfg?.sftp?.hasPrivateKey),
  };
}

const deliveryObject = z.object({
  method: z.enum(DELIVERY_METHODS),
  cadence: z.enum(CADENCES),
  enabled: z.boolean(),
  httpsEndpoint: z.string().trim(),
  httpsToken: z.string().trim(),
  sftpHost: z.string().trim(),
  sftpPort: z.string().trim(),
  sftpUsername: z.string().trim(),
  sftpPassword: z.string(),
  sftpPrivateKey: z.string(),
  sftpDirectory: z.string().trim(),
  sftpFileName: z.string().trim(),
  sftpHostKeyFingerprint: z.string().trim(),
});
export type DeliveryValues = z.infer<typeof deliveryObject>;

export function deliverySchema(stored: StoredSecrets) {
  return deliveryObject.superRefine((v, ctx) => {
    const issue = (path: keyof DeliveryValues, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (v.method === 'https') {
      if (!v.httpsEndpoint) issue('httpsEndpoint', 'Enter the endpoint URL');
      else if (!/^https:\/\//i.test(v.httpsEndpoint) || !isHttpUrl(v.httpsEndpoint))
        issue('httpsEndpoint', 'Enter an https:// URL');
      if (!v.httpsToken && !stored.httpsToken) issue('httpsToken', 'Enter the bearer token');
      if (/\s/.test(v.httpsToken)) issue('httpsToken', 'A token has no spaces');
    }
    if (v.method === 'sftp') {
      if (!v.sftpHost) issue('sftpHost', 'Enter the SFTP host');
      else if (/[\s/@]/.test(v.sftpHost)) issue('sftpHost', 'Enter a host name or IP address only');
      if (v.sftpPort && (!/^\d+$/.test(v.sftpPort) || Number(v.sftpPort) < 1 || Number(v.sftpPort) > 65535))
        issue('sftpPort', 'Enter a port from 1 to 65535');
      if (!v.sftpUsername) issue('sftpUsername', 'Enter the user name');
      if (!v.sftpPassword && !v.sftpPrivateKey.trim() && !stored.sftpPassword && !stored.sftpPrivateKey)
        issue('sftpPrivateKey', 'Enter a private key or a password');
      if (v.sftpDirectory.split('/').includes('..')) issue('sftpDirectory', 'Use a directory without .. segments');
      if (v.sftpFileName && (v.sftpFileName.startsWith('.') || !/^[A-Za-z0-9._-]+$/.test(v.sftpFileName)))
        issue('sftpFileName', "Letters, digits, '.', '_' and '-' only, not starting with '.'");
      if (v.sftpHostKeyFingerprint && !v.sftpHostKeyFingerprint.startsWith('SHA256:'))
        issue('sftpHostKeyFingerprint', 'Use the SHA256:… form printed by ssh-keygen -lf');
    }
  });
}

export const DELIVERY_FIELDS = [
  'method',
  'cadence',
  'enabled',
  'httpsEndpoint',
  'httpsToken',
  'sftpHost',
  'sftpPort',
  'sftpUsername',
  'sftpPassword',
  'sftpPrivateKey',
  'sftpDirectory',
  'sftpFileName',
  'sftpHostKeyFingerprint',
] as const satisfies readonly (keyof DeliveryValues)[];
export const DELIVERY_ALIASES: Record<string, (typeof DELIVERY_FIELDS)[number]> = {
  https: 'httpsEndpoint',
  'https.endpoint': 'httpsEndpoint',
  'https.token': 'httpsToken',
  sftp: 'sftpHost',
  'sftp.host': 'sftpHost',
  'sftp.port': 'sftpPort',
  'sftp.username': 'sftpUsername',
  'sftp.password': 'sftpPassword',
  'sftp.privateKey': 'sftpPrivateKey',
  'sftp.directory': 'sftpDirectory',
  'sftp.fileName': 'sftpFileName',
  'sftp.hostKeyFingerprint': 'sftpHostKeyFingerprint',
};

export function deliveryValues(cfg: OpenAiConfig | undefined): DeliveryValues {
  const method = (DELIVERY_METHODS as readonly string[]).includes(cfg?.method ?? '') ? (cfg?.method as DeliveryMethod) : 'hosted';
  return {
    method,
    cadence: cfg?.cadence === 'after_sync' ? 'after_sync' : 'daily',
    enabled: cfg?.enabled ?? true,
    httpsEndpoint: cfg?.https?.endpoint ?? '',
    httpsToken: '',
    sftpHost: cfg?.sftp?.host ?? '',
    sftpPort: cfg?.sftp ? String(cfg.sftp.port) : '22',
    sftpUsername: cfg?.sftp?.username ?? '',
    sftpPassword: '',
    sftpPrivateKey: '',
    sftpDirectory: cfg?.sftp?.directory ?? '.',
    sftpFileName: cfg?.sftp?.fileName ?? 'products.jsonl.gz',
    sftpHostKeyFingerprint: cfg?.sftp?.hostKeyFingerprint ?? '',
  };
}

/**
 * The PUT body. Blank secrets are left out so the stored ones stay; only the chosen method's
 * destination is sent.
 */
export function deliveryInput(v: DeliveryValues): OpenAiConfigInput {
  const body: OpenAiConfigInput = { method: v.method, cadence: v.cadence, enabled: v.enabled };
  if (v.method === 'https') {
    body.https = { endpoint: v.httpsEndpoint.trim(), ...(v.httpsToken.trim() ? { token: v.httpsToken.trim() } : {}) };
  }
  if (v.method === 'sftp') {
    body.sftp = {
      host: v.sftpHost.trim(),
      port: v.sftpPort.trim() ? Number(v.sftpPort) : undefined,
      username: v.sftpUsername.trim(),
      ...(v.sftpPassword ? { password: v.sftpPassword } : {}),
      ...(v.sftpPrivateKey.trim() ? { privateKey: v.sftpPrivateKey } : {}),
      directory: v.sftpDirectory.trim() || undefined,
      fileName: v.sftpFileName.trim() || undefined,
      hostKeyFingerprint: v.sftpHostKeyFingerprint.trim() || undefined,
    };
  }
  return body;
}

// ---------------------------------------------------------------- countries

/** Markets offered in the country pickers (any other ISO code can still be typed). */
export const COMMON_COUNTRIES = [
  'US', 'CA', 'MX', 'BR', 'AR', 'CL', 'CO', 'GB', 'IE', 'FR', 'DE', 'AT', 'CH', 'NL', 'BE', 'LU', 'ES', 'PT', 'IT',
  'DK', 'SE', 'NO', 'FI', 'IS', 'PL', 'CZ', 'SK', 'HU', 'RO', 'BG', 'GR', 'HR', 'SI', 'EE', 'LV', 'LT', 'TR', 'IL',
  'AE', 'SA', 'ZA', 'EG', 'NG', 'KE', 'IN', 'PK', 'SG', 'MY', 'TH', 'VN', 'ID', 'PH', 'JP', 'KR', 'CN', 'HK', 'TW',
  'AU', 'NZ',
];

let regionNames: Intl.DisplayNames | null | undefined;

/** "Germany (DE)" for "DE", or the code alone where the runtime has no names. */
export function countryLabel(code: string): string {
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
    } catch {
      regionNames = null;
    }
  }
  let name: string | undefined;
  try {
    name = regionNames?.of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}

export function countryOptions(extra: (string | null | undefined)[] = []) {
  const codes = [...new Set([...COMMON_COUNTRIES, ...extra.filter((c): c is string => Boolean(c && COUNTRY.test(c)))])];
  return codes.map((c) => ({ value: c, label: countryLabel(c) })).sort((a, b) => a.label.localeCompare(b.label));
}
