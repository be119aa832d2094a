/** Test data of the product pages (shapes of the real API answers). */
import type { ProductDetail, ProductSummary } from '../../api/products';

export function detailFixture(over: Partial<ProductDetail> = {}): ProductDetail {
  return {
    product: {
      id: 'prd_1',
      wooProductId: 101,
      title: 'Trail Tent',
      sku: 'TT-1',
      imageUrl: null,
      price: '199.00',
      availability: 'in_stock',
      status: 'SYNCED',
      syncStatus: 'COMPLETED',
      aiEnriched: false,
      manualOverride: false,
      isValid: true,
      feedEnableSearch: true,
      feedEnableCheckout: false,
      lastSyncedAt: null,
      updatedAt: '2026-11-28T10:00:00Z',
    },
    woo: {
      id: 101,
      type: 'simple',
      title: 'Trail Tent',
      description: '<p>A light <b>tent</b>.</p>',
      shortDescription: null,
      sku: 'TT-1',
      price: '199.00',
      regularPrice: '199.00',
      salePrice: null,
      stockStatus: 'instock',
      stockQuantity: 4,
      categories: [{ id: 1, name: 'Tents', slug: 'tents' }],
      images: [],
      attributes: [{ name: 'Color', options: ['Green'] }],
      permalink: 'https://store.example/tent',
      modifiedAt: null,
    },
    ai: { enriched: false, title: null, description: null, keywords: null, qAndA: null, suggestedCategory: null, enrichedAt: null },
    manual: {
      manualTitle: null,
      manualDescription: null,
      manualCategory: null,
      manualKeywords: null,
      manualQAndA: null,
      fields: {},
      excluded: false,
      editedAt: null,
    },
    variants: [],
    feedItems: [{ item_id: 'TT-1', title: 'Trail Tent', price: '199.00 USD', brand: 'Acme', availability: 'in_stock' }],
    isValid: true,
    validationIssues: [],
    syncHistory: [],
    lastSyncedAt: null,
    syncError: null,
    ...over,
  };
}

export function summaryFixture(i: number, over: Partial<ProductSummary> = {}): ProductSummary {
  return {
    id: `prd_${i}`,
    wooProductId: 100 + i,
    title: `Product ${i}`,
    sku: `SKU-${i}`,
    imageUrl: null,
    price: '10.50',
    availability: 'in_stock',
    status: 'SYNCED',
    syncStatus: 'COMPLETED',
    aiEnriched: false,
    manualOverride: false,
    isValid: true,
    feedEnableSearch: true,
    feedEnableCheckout: false,
    lastSyncedAt: null,
    updatedAt: '2026-11-28T10:00:00Z',
    ...over,
  };
}

export function pageFixture(products: ProductSummary[], total = products.length, page = 1, limit = 50) {
  return { products, pagination: { page, limit, total, totalPages: Math.ceil(total / limit) } };
}
