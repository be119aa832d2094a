import { describe, expect, it } from 'vitest';
import { configFixture, shopFixture } from '../../pages/shops/fixtures';
import {
  connectSchema,
  countryLabel,
  deliveryInput,
  deliverySchema,
  deliveryValues,
  sellerPatch,
  sellerSchema,
  sellerValues,
  storedSecrets,
  type DeliveryValues,
} from './shopForms';

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('connectSchema', () => {
  it('needs an address, and both keys only when they are entered by hand', () => {
    expect(issues(connectSchema.safeParse({ storeUrl: ' ', manual: false, consumerKey: '', consumerSecret: '' }))).toEqual({
      storeUrl: "Enter your store's address",
    });
    expect(connectSchema.safeParse({ storeUrl: 'shop.example.com', manual: false, consumerKey: '', consumerSecret: '' }).success).toBe(true);
    expect(issues(connectSchema.safeParse({ storeUrl: 'shop.example.com', manual: true, consumerKey: 'ck_1', consumerSecret: '' }))).toEqual({
      consumerSecret: 'Enter the consumer secret',
    });
  });
});

describe('sellerSchema', () => {
  const valid = sellerValues(shopFixture());

  it('accepts the values of a fresh shop', () => {
    expect(sellerSchema.safeParse(valid).success).toBe(true);
  });

  it('checks URLs, the return window, countries and the name length like the server', () => {
    const r = sellerSchema.safeParse({
      ...valid,
      sellerName: 'x'.repeat(71),
      privacyPolicy: 'example.com/privacy',
      returnWindow: '400',
      storeCountry: 'Germany',
      targetCountries: ['DE', 'usa'],
    });
    expect(issues(r)).toMatchObject({
      sellerName: expect.stringContaining('70'),
      privacyPolicy: expect.stringContaining('http'),
      returnWindow: 'Enter 0 to 365 days',
      storeCountry: expect.stringContaining('ISO'),
      targetCountries: expect.stringContaining('ISO'),
    });
  });

  it('refuses checkout without the privacy policy and terms', () => {
    expect(issues(sellerSchema.safeParse({ ...valid, enableCheckout: true }))).toHaveProperty('enableCheckout');
    expect(
      sellerSchema.safeParse({
        ...valid,
        enableCheckout: true,
        privacyPolicy: 'https://outdoor.example.com/privacy',
        termsOfService: 'https://outdoor.example.com/terms',
      }).success,
    ).toBe(true);
  });
});

describe('sellerPatch', () => {
  it('sends the form values and keeps the feed settings the form does not show', () => {
    const shop = shopFixture();
    const v = { ...sellerValues(shop), sellerName: ' Outdoor ', returnWindow: '30', storeCountry: 'DE', targetCountries: ['DE', 'AT'] };
    expect(sellerPatch(v, shop.feed)).toEqual({
      sellerName: 'Outdoor',
      sellerUrl: '',
      privacyPolicy: '',
      termsOfService: '',
      returnPolicy: '',
      returnWindow: 30,
      feed: {
        storeCountry: 'DE',
        targetCountries: ['DE', 'AT'],
        enableSearch: true,
        enableCheckout: false,
        brandAttribute: 'pa_brand',
        gtinMetaKey: null,
        utmDisabled: false,
      },
    });
  });

  it('leaves an empty return window and store country to the server defaults', () => {
    const p = sellerPatch(sellerValues(shopFixture()), undefined);
    expect(p.returnWindow).toBeUndefined();
    expect(p.feed?.storeCountry).toBeNull();
  });
});

describe('delivery', () => {
  const base: DeliveryValues = deliveryValues(configFixture());

  it('needs the destination of the chosen method', () => {
    const none = storedSecrets(undefined);
    expect(deliverySchema(none).safeParse(base).success).toBe(true);
    expect(issues(deliverySchema(none).safeParse({ ...base, method: 'https' }))).toEqual({
      httpsEndpoint: 'Enter the endpoint URL',
      httpsToken: 'Enter the bearer token',
    });
    expect(issues(deliverySchema(none).safeParse({ ...base, method: 'https', httpsEndpoint: 'http://x.example', httpsToken: 't' }))).toEqual({
      httpsEndpoint: 'Enter an https:// URL',
    });
    expect(issues(deliverySchema(none).safeParse({ ...base, method: 'sftp', sftpPort: '70000' }))).toMatchObject({
      sftpHost: 'Enter the SFTP host',
      sftpPort: 'Enter a port from 1 to 65535',
      sftpUsername: 'Enter the user name',
      sftpPrivateKey: 'Enter a private key or a password',
    });
  });

  it('accepts blank secrets when the server already stores them', () => {
    const cfg = configFixture({ method: 'https', https: { endpoint: 'https://feeds.example.com/in', hasToken: true } });
    const v = deliveryValues(cfg);
    expect(v.httpsToken).toBe('');
    expect(deliverySchema(storedSecrets(cfg)).safeParse(v).success).toBe(true);
    // A blank secret is left out of the request, so the stored one stays.
    expect(deliveryInput(v)).toEqual({
      method: 'https',
      cadence: 'daily',
      enabled: true,
      https: { endpoint: 'https://feeds.example.com/in' },
    });
  });

  it('sends only the chosen method with its typed secrets', () => {
    const v: DeliveryValues = {
      ...base,
      method: 'sftp',
      cadence: 'after_sync',
      sftpHost: 'sftp.example.com',
      sftpPort: '2222',
      sftpUsername: 'feeds',
      sftpPassword: 's3cret',
      httpsEndpoint: 'https://ignored.example.com',
    };
    expect(deliveryInput(v)).toEqual({
      method: 'sftp',
      cadence: 'after_sync',
      enabled: true,
      sftp: {
        host: 'sftp.example.com',
        port: 2222,
        username: 'feeds',
        password: 's3cret',
        directory: '.',
        fileName: 'products.jsonl.gz',
        hostKeyFingerprint: undefined,
      },
    });
  });
});

describe('countryLabel', () => {
  it('names a country with its code', () => {
    expect(countryLabel('DE')).toMatch(/\(DE\)$|^DE$/);
  });
});
