//! Validation issues: stable code, field, severity and a message that says how to fix it.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The item is invalid and must not be sent.
    Error,
    /// A recommendation; the item is still valid.
    Warning,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Field name as written in the feed's profile (e.g. `item_id`, or `id` for openai-v1/google).
    pub field: String,
    /// Stable machine-readable code, e.g. `missing_required`, `too_long`, `invalid_gtin`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
}

impl Issue {
    pub fn error(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Issue { field: field.into(), code, severity: Severity::Error, message: message.into() }
    }
    pub fn warning(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Issue { field: field.into(), code, severity: Severity::Warning, message: message.into() }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Every stable code the validator and readers can emit, with its severity (for docs and tests).
pub const CODES: &[(&str, Severity)] = &[
    ("missing_required", Severity::Error),
    ("too_long", Severity::Error),
    ("invalid_type", Severity::Error),
    ("invalid_boolean", Severity::Error),
    ("invalid_enum", Severity::Error),
    ("invalid_integer", Severity::Error),
    ("invalid_number", Severity::Error),
    ("invalid_url", Severity::Error),
    ("invalid_country", Severity::Error),
    ("invalid_currency", Severity::Error),
    ("invalid_price", Severity::Error),
    ("invalid_date", Severity::Error),
    ("invalid_measure", Severity::Error),
    ("invalid_dimensions", Severity::Error),
    ("invalid_json", Severity::Error),
    ("invalid_q_and_a", Severity::Error),
    ("invalid_reviews", Severity::Error),
    ("invalid_gtin", Severity::Error),
    ("gtin_check_digit", Severity::Error),
    ("invalid_shipping", Severity::Error),
    ("out_of_range", Severity::Error),
    ("not_positive", Severity::Error),
    ("sale_price_above_price", Severity::Error),
    ("currency_mismatch", Severity::Error),
    ("sale_dates_reversed", Severity::Error),
    ("checkout_requires_search", Severity::Error),
    ("checkout_requires_privacy_policy", Severity::Error),
    ("checkout_requires_tos", Severity::Error),
    ("preorder_requires_availability_date", Severity::Error),
    ("date_not_in_future", Severity::Error),
    ("weight_requires_unit", Severity::Error),
    ("dimensions_incomplete", Severity::Error),
    ("dimensions_require_unit", Severity::Error),
    ("unit_pricing_incomplete", Severity::Error),
    ("pickup_sla_requires_method", Severity::Error),
    ("missing_identifier", Severity::Error),
    ("duplicate_id", Severity::Error),
    ("invalid_record", Severity::Error),
    ("all_caps", Severity::Warning),
    ("html_in_text", Severity::Warning),
    ("missing_recommended", Severity::Warning),
    ("insecure_url", Severity::Warning),
    ("legacy_field_name", Severity::Warning),
    ("unknown_field", Severity::Warning),
    ("deprecated_field", Severity::Warning),
    // mapping notes (feed build)
    ("gtin_dropped", Severity::Warning),
    ("no_purchasable_variations", Severity::Warning),
];
