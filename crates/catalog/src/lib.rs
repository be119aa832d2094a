//! productsynch-catalog: WooCommerce records + shop settings + AI/manual values -> neutral feed records.
