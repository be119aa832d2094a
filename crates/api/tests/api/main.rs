//! Integration tests of the HTTP API over real HTTP (one test binary, several modules).
//! Every story runs on SQLite and on PostgreSQL (`TEST_DATABASE_URL`, set by `make test`).

mod helpers;

mod auth;
mod csrf;
mod delivery_stories;
mod notifications;
mod ops;
mod ownership;
mod rate_limits;
mod ssrf;
mod sync_ops;
mod sync_stories;
mod tls;
