//! Prefixed, sortable identifiers: `<prefix>_<UUIDv7 as 32 lowercase hex>`.
//!
//! UUIDv7 starts with a millisecond timestamp, so ids sort by creation time as text.

pub const USER: &str = "usr";
pub const SHOP: &str = "shop";
pub const PRODUCT: &str = "prod";
pub const VARIANT: &str = "var";
pub const BATCH: &str = "batch";
pub const JOB: &str = "job";
pub const REFRESH_TOKEN: &str = "rt";
pub const EMAIL_TOKEN: &str = "etk";
pub const WEBHOOK_EVENT: &str = "whe";
pub const SCHEDULE_RUN: &str = "sched";
pub const EMAIL: &str = "mail";
pub const AUDIT: &str = "aud";
pub const FEED_FILE: &str = "feed";
pub const ANALYTICS: &str = "stat";
pub const TOKEN_FAMILY: &str = "fam";

/// A new id with the given prefix, e.g. `new_id(ids::USER)` → `usr_0192…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

/// Does `id` look like an id with this prefix? (Cheap shape check for path parameters.)
pub fn has_prefix(id: &str, prefix: &str) -> bool {
    id.len() == prefix.len() + 33
        && id.starts_with(prefix)
        && id.as_bytes()[prefix.len()] == b'_'
        && id[prefix.len() + 1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_and_sortable() {
        let a = new_id(USER);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_id(USER);
        assert!(a.starts_with("usr_"));
        assert!(has_prefix(&a, USER));
        assert!(!has_prefix(&a, SHOP));
        assert!(!has_prefix("usr_xyz", USER));
        assert!(a < b);
    }
}
