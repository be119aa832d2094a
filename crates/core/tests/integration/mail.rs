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
