//! Integration tests of productsynch-core; every DB test runs on SQLite and PostgreSQL.
mod accounts;
mod jobs;
mod mail;
mod scheduler;

use std::time::Duration;

use productsynch_core::{App, Config};
use sea_orm::DatabaseConnection;

/// An App over a test database, with a temp DATA_DIR. Keep the TempDir alive.
pub fn app_for(db: &DatabaseConnection) -> (App, tempfile::TempDir) {
    app_with(db, |_| {})
}

pub fn app_with(db: &DatabaseConnection, tweak: impl FnOnce(&mut Config)) -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = Config::for_tests(dir.path(), "sqlite::memory:");
    tweak(&mut cfg);
    (App::from_parts(cfg, db.clone()).unwrap(), dir)
}

/// Waits (bounded) for the newest outbox mail to `to` with `template`.
pub async fn wait_for_mail(app: &App, to: &str, template: &str) -> productsynch_db::entities::email_outbox::Model {
    for _ in 0..200 {
        let mails = app.mailer().outbox(Some(to), 20).await.unwrap();
        if let Some(m) = mails.into_iter().find(|m| m.template == template) {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no {template} mail to {to}");
}

/// The `token=` value of the first link in a text body.
pub fn token_from(text: &str) -> String {
    let start = text.find("token=").expect("a token link") + "token=".len();
    text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}
