//! Validating a whole feed file: the JSON report of `productsynch feed validate`.

use std::path::Path;

use serde::Serialize;

use crate::acp::flatten_product;
use crate::io::{FeedIoError, Format, RawRecord, RecordError, read_feed_file};
use crate::issue::{Issue, Severity};
use crate::item::FeedItem;
use crate::profile::{Profile, detect, read_item};
use crate::validate::{FeedValidator, ValidateOptions};

/// One issue with its position in the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportIssue {
    /// 1-based item number (data row for CSV/TSV, line for JSONL, array position for JSON, `<item>` for XML).
    pub line: u64,
    pub item_id: Option<String>,
    pub field: String,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
}

/// The report of one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationReport {
    pub format: Format,
    pub profile: Profile,
    pub items: u64,
    pub valid: u64,
    pub invalid: u64,
    pub issues: Vec<ReportIssue>,
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

struct Acc {
    profile: Option<Profile>,
    validator: Option<FeedValidator>,
    today: chrono::NaiveDate,
    items: u64,
    valid: u64,
    issues: Vec<ReportIssue>,
}

impl Acc {
    fn add_item(&mut self, line: u64, item: FeedItem, mut issues: Vec<Issue>) {
        let profile = self.profile.unwrap_or_default();
        let today = self.today;
        let v = self.validator.get_or_insert_with(|| FeedValidator::new(ValidateOptions { profile, today }));
        issues.extend(v.check(&item));
        self.items += 1;
        if !issues.iter().any(Issue::is_error) {
            self.valid += 1;
        }
        for i in issues {
            self.issues.push(ReportIssue { line, item_id: item.item_id.clone(), field: i.field, code: i.code, severity: i.severity, message: i.message });
        }
    }

    fn record(&mut self, r: Result<RawRecord, RecordError>) {
        match r {
            Err(e) => {
                self.items += 1;
                self.issues.push(ReportIssue { line: e.line, item_id: None, field: String::new(), code: "invalid_record", severity: Severity::Error, message: e.message });
            }
            Ok(rec) => {
                let profile = *self.profile.get_or_insert_with(|| detect(rec.fields.keys().map(String::as_str)));
                if profile == Profile::Acp {
                    for (item, issues) in flatten_product(&rec.fields) {
                        self.add_item(rec.line, item, issues);
                    }
                } else {
                    let (item, issues) = read_item(profile, &rec.fields);
                    self.add_item(rec.line, item, issues);
                }
            }
        }
    }
}

/// Validate a feed file. `format`/`profile` are detected when `None` (format from the name, then the content;
/// profile from the first record's field names: OpenAI first, then Google-compatible). Errors only when the
/// file cannot be read or parsed at all.
pub fn validate_file(path: &Path, format: Option<Format>, profile: Option<Profile>, today: chrono::NaiveDate) -> Result<ValidationReport, FeedIoError> {
    let mut acc = Acc { profile, validator: None, today, items: 0, valid: 0, issues: Vec::new() };
    let format = read_feed_file(path, format, &mut |r| acc.record(r))?;
    Ok(ValidationReport {
        format,
        profile: acc.profile.unwrap_or_default(),
        items: acc.items,
        valid: acc.valid,
        invalid: acc.items - acc.valid,
        issues: acc.issues,
    })
}

impl ValidationReport {
    /// Whether any item has an error.
    pub fn has_errors(&self) -> bool {
        self.invalid > 0
    }

    /// A readable table for people.
    pub fn to_human(&self) -> String {
        let mut out = format!(
            "{} items ({} format, {} profile): {} valid, {} invalid\n",
            self.items, self.format, self.profile, self.valid, self.invalid
        );
        if !self.issues.is_empty() {
            let idw = self.issues.iter().map(|i| i.item_id.as_deref().unwrap_or("-").chars().count()).max().unwrap_or(1).max(7);
            let fw = self.issues.iter().map(|i| i.field.chars().count()).max().unwrap_or(1).max(5);
            let cw = self.issues.iter().map(|i| i.code.len()).max().unwrap_or(1).max(4);
            out.push_str(&format!("{:>6}  {:<idw$}  {:<7}  {:<fw$}  {:<cw$}  MESSAGE\n", "LINE", "ITEM_ID", "LEVEL", "FIELD", "CODE"));
            for i in &self.issues {
                out.push_str(&format!(
                    "{:>6}  {:<idw$}  {:<7}  {:<fw$}  {:<cw$}  {}\n",
                    i.line,
                    i.item_id.as_deref().unwrap_or("-"),
                    i.severity.as_str(),
                    i.field,
                    i.code,
                    i.message
                ));
            }
        }
        out
    }
}

/// [`validate_file`] with today's date (UTC).
pub fn validate_file_now(path: &Path, format: Option<Format>, profile: Option<Profile>) -> Result<ValidationReport, FeedIoError> {
    validate_file(path, format, profile, chrono::Utc::now().date_naive())
}
