//! Schema-only types for the OpenAPI document (feature `openapi`): the productsynch-db enums that
//! the API views carry, described with the strings they serialize to. Never constructed.

#![allow(dead_code)]

use serde::Serialize;
use utoipa::ToSchema;

/// A shop's or a product's sync state (productsynch-db `SyncStatus`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SyncState {
    Pending,
    Syncing,
    Completed,
    Failed,
    Paused,
}

/// A product's feed state (productsynch-db `ProductStatus`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProductStatus {
    Draft,
    PendingReview,
    Approved,
    Synced,
    Excluded,
    Error,
}

/// A background job's lifecycle (productsynch-db `JobStatus`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Dead,
    Cancelled,
}
