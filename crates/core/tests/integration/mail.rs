use productsynch_core::config::MailBackendKind;
use productsynch_core::mail::Template;
use productsynch_core::Error;
use productsynch_db::both_backends;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{app_for, app_with};

fn verify_tpl() -> Template {
    Template::VerifyEmail { name: "Ada".into(), link: "http://127.0.0.1:3000/verify-email?token=abc".into() }
}

both_backends!(outbox_stores_and_lists, |db| async move {
    let (app, _dir) = app_for(&db);
    assert_eq!(app.mailer().backend(), MailBackendKind::Outbox);
    let id = app.mailer().send("ada@example.com", &verify_tpl()).await.unwrap();
    app.mailer()
        .send("bob@example.com", &Template::StoreDisconnected {
            name: "Bob".into(),
            shop_name: "Bob's".into(),
            reason: "401".into(),
            link: "http://x".into(),
        })
        .await
        .unwrap();
    let all = app.mailer().outbox(None, 10).await.unwrap();
    assert_eq!(all.len(), 2);
    let ada = app.mailer().outbox(Some("ada@example.com"), 10).await.unwrap();
    assert_eq!(ada.len(), 1);
    assert_eq!(ada[0].id, id);
    assert_eq!(ada[0].status, "stored");
    assert_eq!(ada[0].backend, "outbox");
    assert!(ada[0].text_body.contains("verify-email?token=abc"));
    assert!(matches!(app.mailer().send("not an address", &verify_tpl()).await, Err(Error::Validation(_))));
});

both_backends!(resend_backend, |db| async move {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/emails"))
        .and(header("authorization", "Bearer re_test"))
        .and(body_partial_json(serde_json::json!({ "to": ["ada@example.com"], "subject": "Confirm your email for ProductSynch" })))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({ "id": "re_123" })))
        .expect(1)
        .mount(&server)
        .await;
    let (app, _dir) = app_with(&db, |c| {
        c.mail.backend = MailBackendKind::Resend;
        c.mail.resend_api_key = Some(productsynch_core::config::Secret::new("re_test"));
        c.mail.resend_base_url = server.uri();
    });
    app.mailer().send("ada@example.com", &verify_tpl()).await.unwrap();
    let row = &app.mailer().outbox(Some("ada@example.com"), 1).await.unwrap()[0];
    assert_eq!((row.status.as_str(), row.backend.as_str()), ("sent", "resend"));
    assert_eq!(row.provider_id.as_deref(), Some("re_123"));
    let received = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert!(body["html"].as_str().unwrap().contains("<a href="));
    assert!(body["text"].as_str().unwrap().contains("token=abc"));
});

both_backends!(sendgrid_backend_and_failure, |db| async move {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v3/mail/send"))
        .and(header("authorization", "Bearer sg_test"))
        .and(body_partial_json(serde_json::json!({ "personalizations": [{ "to": [{ "email": "ada@example.com" }] }] })))
        .respond_with(ResponseTemplate::new(202).insert_header("x-message-id", "sg_1"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v3/mail/send"))
        .and(body_partial_json(serde_json::json!({ "personalizations": [{ "to": [{ "email": "bounce@example.com" }] }] })))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream broke"))
        .mount(&server)
        .await;
    let (app, _dir) = app_with(&db, |c| {
        c.mail.backend = MailBackendKind::Sendgrid;
        c.mail.sendgrid_api_key = Some(productsynch_core::config::Secret::new("sg_test"));
        c.mail.sendgrid_base_url = server.uri();
    });
    app.mailer().send("ada@example.com", &verify_tpl()).await.unwrap();
    let ok = &app.mailer().outbox(Some("ada@example.com"), 1).await.unwrap()[0];
    assert_eq!((ok.status.as_str(), ok.provider_id.as_deref()), ("sent", Some("sg_1")));
    let received = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["from"]["email"], "no-reply@localhost");
    assert_eq!(body["content"][0]["type"], "text/plain");
    assert_eq!(body["content"][1]["type"], "text/html");

    let err = app.mailer().send("bounce@example.com", &verify_tpl()).await.unwrap_err();
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
    let failed = &app.mailer().outbox(Some("bounce@example.com"), 1).await.unwrap()[0];
    assert_eq!(failed.status, "failed");
    assert!(failed.error.as_deref().unwrap().contains("500"));
});

/// A minimal SMTP server (enough of RFC 5321 for lettre) that records each DATA section.
async fn fake_smtp() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let store: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let s2 = store.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = s2.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 fake ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(buf) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(std::mem::take(buf));
                            data = None;
                            w.write_all(b"250 2.0.0 queued as fake1\r\n").await.unwrap();
                        } else {
                            buf.push_str(&line);
                            buf.push('\n');
                        }
                        continue;
                    }
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250-fake\r\n250 8BITMIME\r\n"
                    } else if cmd.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go ahead\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, store)
}

both_backends!(smtp_backend, |db| async move {
    let (port, received) = fake_smtp().await;
    let (app, _dir) = app_with(&db, |c| {
        c.mail.backend = MailBackendKind::Smtp;
        c.mail.smtp_host = Some("127.0.0.1".into());
        c.mail.smtp_port = Some(port);
    });
    app.mailer()
        .send("ada@example.com", &Template::PasswordReset { name: "Ada".into(), link: "http://l/reset-password?token=xyz".into() })
        .await
        .unwrap();
    let msgs = received.lock().unwrap().clone();
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].contains("Subject: Reset your ProductSynch password"), "{}", msgs[0]);
    assert!(msgs[0].contains("multipart/alternative"));
    assert!(msgs[0].contains("text/html"));
    let row = &app.mailer().outbox(Some("ada@example.com"), 1).await.unwrap()[0];
    assert_eq!((row.status.as_str(), row.backend.as_str()), ("sent", "smtp"));
});
