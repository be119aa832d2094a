//! Outgoing email: one [`Mailer`], backends chosen by `MAIL_BACKEND`, templates in
//! HTML and plain text rendered with minijinja.
//!
//! Every message, whatever the backend, is recorded in `email_outbox` with its status
//! (`stored` for the development outbox, `sent` or `failed` otherwise), so the dev outbox
//! (`GET /api/v1/dev/outbox`) and delivery problems are both visible.

use std::sync::{Arc, LazyLock};

use chrono::Utc;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use productsynch_db::entities::email_outbox;
use productsynch_db::ids;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::config::{Config, MailBackendKind};
use crate::error::{Error, Result};

/// The emails the product sends. Each renders a subject, an HTML body and a text body.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum Template {
    VerifyEmail { name: String, link: String },
    PasswordReset { name: String, link: String },
    SyncFailed { name: String, shop_name: String, error: String, link: String },
    StoreDisconnected { name: String, shop_name: String, reason: String, link: String },
}

impl Template {
    /// Stable template name (stored in `email_outbox.template`).
    pub fn name(&self) -> &'static str {
        match self {
            Template::VerifyEmail { .. } => "verify_email",
            Template::PasswordReset { .. } => "password_reset",
            Template::SyncFailed { .. } => "sync_failed",
            Template::StoreDisconnected { .. } => "store_disconnected",
        }
    }

    fn subject(&self) -> String {
        match self {
            Template::VerifyEmail { .. } => "Confirm your email for ProductSynch".into(),
            Template::PasswordReset { .. } => "Reset your ProductSynch password".into(),
            Template::SyncFailed { shop_name, .. } => format!("Sync failed for {shop_name}"),
            Template::StoreDisconnected { shop_name, .. } => format!("{shop_name} was disconnected"),
        }
    }
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub html: String,
    pub text: String,
}

const BASE_HTML: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;background:#f6f7f9;margin:0;padding:24px">
<table role="presentation" width="100%" style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
<tr><td>
<h1 style="font-size:20px;margin:0 0 16px">ProductSynch</h1>
{% block body %}{% endblock %}
<p style="color:#888;font-size:12px;margin-top:32px">You received this email because of your ProductSynch account.</p>
</td></tr></table></body></html>"#;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", BASE_HTML),
    (
        "verify_email.html",
        r#"{% extends "base.html" %}{% block body %}<p>Hi {{ name }},</p>
<p>Please confirm your email address to finish setting up your account.</p>
<p><a href="{{ link }}" style="background:#228be6;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Confirm email</a></p>
<p>Or paste this link into your browser: {{ link }}</p><p>The link expires in 24 hours.</p>{% endblock %}"#,
    ),
    (
        "verify_email.txt",
        "Hi {{ name }},\n\nPlease confirm your email address to finish setting up your ProductSynch account:\n\n{{ link }}\n\nThe link expires in 24 hours.\n",
    ),
    (
        "password_reset.html",
        r#"{% extends "base.html" %}{% block body %}<p>Hi {{ name }},</p>
<p>Someone asked to reset the password of your account. If it was you, choose a new password:</p>
<p><a href="{{ link }}" style="background:#228be6;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Reset password</a></p>
<p>Or paste this link into your browser: {{ link }}</p><p>The link expires in 1 hour. If you did not ask for this, ignore this email.</p>{% endblock %}"#,
    ),
    (
        "password_reset.txt",
        "Hi {{ name }},\n\nSomeone asked to reset the password of your ProductSynch account. If it was you, open:\n\n{{ link }}\n\nThe link expires in 1 hour. If you did not ask for this, ignore this email.\n",
    ),
    (
        "sync_failed.html",
        r#"{% extends "base.html" %}{% block body %}<p>Hi {{ name }},</p>
<p>The product sync of <strong>{{ shop_name }}</strong> failed:</p>
<pre style="background:#f1f3f5;padding:12px;border-radius:4px;white-space:pre-wrap">{{ error }}</pre>
<p><a href="{{ link }}">Open the shop in ProductSynch</a></p>{% endblock %}"#,
    ),
    (
        "sync_failed.txt",
        "Hi {{ name }},\n\nThe product sync of {{ shop_name }} failed:\n\n{{ error }}\n\nOpen the shop: {{ link }}\n",
    ),
    (
        "store_disconnected.html",
        r#"{% extends "base.html" %}{% block body %}<p>Hi {{ name }},</p>
<p>ProductSynch lost access to <strong>{{ shop_name }}</strong>: {{ reason }}.</p>
<p>We marked the store disconnected. Product syncs and feed updates are paused until you connect it again;
the last feed stays published meanwhile.</p>
<p><a href="{{ link }}" style="background:#228be6;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Reconnect the store</a></p>
<p>Or paste this link into your browser: {{ link }}</p>
<p>We send this once; you will hear from us again only if the store disconnects after being reconnected.</p>{% endblock %}"#,
    ),
    (
        "store_disconnected.txt",
        "Hi {{ name }},\n\nProductSynch lost access to {{ shop_name }}: {{ reason }}.\n\nWe marked the store disconnected. Product syncs and feed updates are paused until you connect it again; the last feed stays published meanwhile.\n\nReconnect the store: {{ link }}\n\nWe send this once; you will hear from us again only if the store disconnects after being reconnected.\n",
    ),
];

static ENV: LazyLock<minijinja::Environment<'static>> = LazyLock::new(|| {
    let mut env = minijinja::Environment::new();
    for (name, src) in TEMPLATES {
        env.add_template(name, src).expect("built-in email templates parse");
    }
    env
});

/// Renders a template (HTML is auto-escaped, text is not).
pub fn render(template: &Template) -> Result<RenderedEmail> {
    let subject = template.subject();
    let mut ctx = serde_json::to_value(template).map_err(|e| Error::Internal(e.into()))?;
    if let Some(obj) = ctx.as_object_mut() {
        obj.insert("subject".into(), serde_json::Value::String(subject.clone()));
    }
    let name = template.name();
    let render = |file: String| -> Result<String> {
        ENV.get_template(&file)
            .and_then(|t| t.render(&ctx))
            .map_err(|e| Error::Internal(anyhow::anyhow!("rendering {file}: {e}")))
    };
    Ok(RenderedEmail { html: render(format!("{name}.html"))?, text: render(format!("{name}.txt"))?, subject })
}

enum Backend {
    Outbox,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Resend { base: String, key: String },
    Sendgrid { base: String, key: String },
}

/// Sends email through the configured backend and records it in `email_outbox`.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<MailerInner>,
}

struct MailerInner {
    db: DatabaseConnection,
    from: Mailbox,
    kind: MailBackendKind,
    backend: Backend,
    http: reqwest::Client,
}

impl Mailer {
    pub fn new(cfg: &Config, db: DatabaseConnection) -> Result<Mailer> {
        let m = &cfg.mail;
        let from: Mailbox =
            m.from.parse().map_err(|e| Error::Internal(anyhow::anyhow!("MAIL_FROM is not a mailbox: {e}")))?;
        let backend = match m.backend {
            MailBackendKind::Outbox => Backend::Outbox,
            MailBackendKind::Smtp => Backend::Smtp(smtp_transport(m)?),
            MailBackendKind::Resend => Backend::Resend {
                base: m.resend_base_url.trim_end_matches('/').to_owned(),
                key: m.resend_api_key.as_ref().map(|s| s.expose().to_owned()).unwrap_or_default(),
            },
            MailBackendKind::Sendgrid => Backend::Sendgrid {
                base: m.sendgrid_base_url.trim_end_matches('/').to_owned(),
                key: m.sendgrid_api_key.as_ref().map(|s| s.expose().to_owned()).unwrap_or_default(),
            },
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(|e| Error::Internal(e.into()))?;
        Ok(Mailer { inner: Arc::new(MailerInner { db, from, kind: m.backend, backend, http }) })
    }

    /// The active backend.
    pub fn backend(&self) -> MailBackendKind {
        self.inner.kind
    }

    /// Renders `template` and sends it to `to`. Returns the `email_outbox` row id.
    /// A delivery failure is recorded (status `failed`) and returned as `Error::Unavailable`.
    pub async fn send(&self, to: &str, template: &Template) -> Result<String> {
        let rendered = render(template)?;
        self.send_rendered(to, template.name(), &rendered).await
    }

    /// Sends an already rendered message.
    pub async fn send_rendered(&self, to: &str, template_name: &str, msg: &RenderedEmail) -> Result<String> {
        let to_box: Mailbox = to.parse().map_err(|_| Error::invalid("email", "invalid_email", "not an email address"))?;
        let result: std::result::Result<Option<String>, String> = match &self.inner.backend {
            Backend::Outbox => {
                tracing::info!(to = %to, subject = %msg.subject, "dev outbox email:\n{}", msg.text);
                Ok(None)
            }
            Backend::Smtp(t) => self.send_smtp(t, to_box, msg).await,
            Backend::Resend { base, key } => self.send_resend(base, key, to, msg).await,
            Backend::Sendgrid { base, key } => self.send_sendgrid(base, key, to_box, msg).await,
        };
        let (status, error, provider_id) = match &result {
            Ok(id) if matches!(self.inner.backend, Backend::Outbox) => ("stored", None, id.clone()),
            Ok(id) => ("sent", None, id.clone()),
            Err(e) => ("failed", Some(e.clone()), None),
        };
        let id = ids::new_id(ids::EMAIL);
        email_outbox::ActiveModel {
            id: Set(id.clone()),
            to_addr: Set(to.to_owned()),
            from_addr: Set(self.inner.from.to_string()),
            subject: Set(msg.subject.clone()),
            html_body: Set(msg.html.clone()),
            text_body: Set(msg.text.clone()),
            template: Set(template_name.to_owned()),
            backend: Set(self.inner.kind.as_str().to_owned()),
            status: Set(status.to_owned()),
            error: Set(error),
            provider_id: Set(provider_id),
            created_at: Set(Utc::now()),
        }
        .insert(&self.inner.db)
        .await?;
        match result {
            Ok(_) => Ok(id),
            Err(e) => {
                tracing::warn!(to = %to, backend = self.inner.kind.as_str(), error = %e, "email delivery failed");
                Err(Error::Unavailable(format!("email delivery failed: {e}")))
            }
        }
    }

    /// Most recent outbox rows first (optionally only those sent to `to`).
    pub async fn outbox(&self, to: Option<&str>, limit: u64) -> Result<Vec<email_outbox::Model>> {
        let mut q = email_outbox::Entity::find();
        if let Some(to) = to {
            q = q.filter(email_outbox::Column::ToAddr.eq(to));
        }
        Ok(q.order_by_desc(email_outbox::Column::CreatedAt)
            .order_by_desc(email_outbox::Column::Id)
            .limit(limit)
            .all(&self.inner.db)
            .await?)
    }

    async fn send_smtp(
        &self,
        t: &AsyncSmtpTransport<Tokio1Executor>,
        to: Mailbox,
        msg: &RenderedEmail,
    ) -> std::result::Result<Option<String>, String> {
        let email = lettre::Message::builder()
            .from(self.inner.from.clone())
            .to(to)
            .subject(msg.subject.clone())
            .multipart(MultiPart::alternative_plain_html(msg.text.clone(), msg.html.clone()))
            .map_err(|e| e.to_string())?;
        let resp = t.send(email).await.map_err(|e| e.to_string())?;
        Ok(resp.message().next().map(str::to_owned))
    }

    async fn send_resend(
        &self,
        base: &str,
        key: &str,
        to: &str,
        msg: &RenderedEmail,
    ) -> std::result::Result<Option<String>, String> {
        let body = serde_json::json!({
            "from": self.inner.from.to_string(),
            "to": [to],
            "subject": msg.subject,
            "html": msg.html,
            "text": msg.text,
        });
        let resp = self
            .inner
            .http
            .post(format!("{base}/emails"))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("resend: {e}"))?;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(format!("resend answered {status}: {}", truncate(&text, 300)));
        }
        let id = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned));
        Ok(id)
    }

    async fn send_sendgrid(
        &self,
        base: &str,
        key: &str,
        to: Mailbox,
        msg: &RenderedEmail,
    ) -> std::result::Result<Option<String>, String> {
        let from = &self.inner.from;
        let mut from_json = serde_json::json!({ "email": from.email.to_string() });
        if let Some(name) = &from.name {
            from_json["name"] = serde_json::Value::String(name.clone());
        }
        let body = serde_json::json!({
            "personalizations": [{ "to": [{ "email": to.email.to_string() }] }],
            "from": from_json,
            "subject": msg.subject,
            "content": [
                { "type": "text/plain", "value": msg.text },
                { "type": "text/html", "value": msg.html },
            ],
        });
        let resp = self
            .inner
            .http
            .post(format!("{base}/v3/mail/send"))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("sendgrid: {e}"))?;
        let status = resp.status();
        let id = resp.headers().get("x-message-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        if !status.is_success() {
            let text = resp.text().await.unwrap_or_default();
            return Err(format!("sendgrid answered {status}: {}", truncate(&text, 300)));
        }
        Ok(id)
    }
}

fn truncate(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn smtp_transport(m: &crate::config::MailConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
    let bad = |e: lettre::transport::smtp::Error| Error::Internal(anyhow::anyhow!("SMTP configuration: {e}"));
    if let Some(url) = &m.smtp_url {
        return Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose()).map_err(bad)?.build());
    }
    let host = m.smtp_host.clone().unwrap_or_else(|| "localhost".into());
    let port = m.smtp_port.unwrap_or(587);
    let mut builder = match port {
        465 => AsyncSmtpTransport::<Tokio1Executor>::relay(&host).map_err(bad)?,
        587 => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host).map_err(bad)?,
        // Other ports (25, 1025, 2525…): a local relay or a test server, plain SMTP.
        _ => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host),
    }
    .port(port);
    if let (Some(user), Some(pass)) = (&m.smtp_user, &m.smtp_password) {
        builder = builder.credentials(Credentials::new(user.clone(), pass.expose().to_owned()));
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_html_escaped_and_text() {
        let t = Template::SyncFailed {
            name: "Ada".into(),
            shop_name: "Ada's <Shop>".into(),
            error: "HTTP 401 <unauthorized>".into(),
            link: "http://x/shops/1".into(),
        };
        let r = render(&t).unwrap();
        assert_eq!(r.subject, "Sync failed for Ada's <Shop>");
        assert!(r.html.contains("&lt;unauthorized&gt;"), "{}", r.html);
        assert!(!r.html.contains("<unauthorized>"));
        assert!(r.text.contains("HTTP 401 <unauthorized>"));
        for t in [
            Template::VerifyEmail { name: "A".into(), link: "http://l/v?token=abc".into() },
            Template::PasswordReset { name: "A".into(), link: "http://l/r?token=abc".into() },
            Template::StoreDisconnected {
                name: "A".into(),
                shop_name: "S".into(),
                reason: "401".into(),
                link: "http://l".into(),
            },
        ] {
            let r = render(&t).unwrap();
            assert!(r.html.contains("<html>") && r.html.contains("ProductSynch"));
            assert!(!r.text.contains('<') || t.name() == "store_disconnected");
            assert!(!r.subject.is_empty());
        }
    }
}
