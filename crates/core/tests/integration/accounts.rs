use productsynch_core::Error;
use productsynch_core::accounts::{ClientInfo, RegisterInput, UpdateMe};
use productsynch_db::both_backends;
use productsynch_db::entities::{email_tokens, refresh_tokens};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{app_for, token_from, wait_for_mail};

fn reg(email: &str) -> RegisterInput {
    RegisterInput { email: email.into(), password: "correct horse battery".into(), name: Some("Ada".into()) }
}

fn client() -> ClientInfo {
    ClientInfo { user_agent: Some("test-agent".into()), ip: Some("127.0.0.1".into()) }
}

both_backends!(register_login_me_and_claims, |db| async move {
    let (app, _dir) = app_for(&db);
    let acc = app.accounts();
    let s = acc.register(reg(" Ada@Example.COM "), &client()).await.unwrap();
    assert_eq!(s.user.email, "ada@example.com");
    assert!(!s.user.email_verified);
    assert!(s.user.id.starts_with("usr_"));
    assert_eq!(s.expires_in, 900);
    let claims = acc.verify_access_token(&s.access_token).unwrap();
    assert_eq!(claims.sub, s.user.id);
    assert_eq!(claims.email, "ada@example.com");
    assert_eq!(claims.name, "Ada");
    assert_eq!(claims.typ, "access");
    assert_eq!(claims.exp - claims.iat, 900);
    assert_eq!(serde_json::to_value(&claims).unwrap()["tier"], "FREE");
    assert!(matches!(acc.verify_access_token("garbage"), Err(Error::Unauthorized("invalid_token"))));

    // Same email again (any case) → conflict on email.
    match acc.register(reg("ADA@example.com"), &client()).await {
        Err(Error::Conflict { field, code, .. }) => {
            assert_eq!(field.as_deref(), Some("email"));
            assert_eq!(code, "email_taken");
        }
        other => panic!("{other:?}"),
    }
    // Validation lists every bad field.
    match acc
        .register(RegisterInput { email: "nope".into(), password: "short".into(), name: None }, &client())
        .await
    {
        Err(Error::Validation(errs)) => {
            let fields: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
            assert_eq!(fields, vec![("email", "invalid_email"), ("password", "too_short")]);
        }
        other => panic!("{other:?}"),
    }

    let l = acc.login("ADA@example.com", "correct horse battery", &client()).await.unwrap();
    assert_eq!(l.user.id, s.user.id);
    assert_eq!(acc.me(&l.user.id).await.unwrap().email, "ada@example.com");

    // Wrong password and unknown email answer alike.
    let wrong = acc.login("ada@example.com", "wrong password!", &client()).await.unwrap_err();
    let unknown = acc.login("nobody@example.com", "wrong password!", &client()).await.unwrap_err();
    assert!(matches!(wrong, Error::Unauthorized("invalid_credentials")));
    assert!(matches!(unknown, Error::Unauthorized("invalid_credentials")));
});

both_backends!(refresh_rotates_and_reuse_revokes_family, |db| async move {
    let (app, _dir) = app_for(&db);
    let acc = app.accounts();
    let s0 = acc.register(reg("bob@example.com"), &client()).await.unwrap();
    let other_session = acc.login("bob@example.com", "correct horse battery", &client()).await.unwrap();

    let s1 = acc.refresh(&s0.refresh_token, &client()).await.unwrap();
    assert_ne!(s1.refresh_token, s0.refresh_token);
    let s2 = acc.refresh(&s1.refresh_token, &client()).await.unwrap();
    acc.verify_access_token(&s2.access_token).unwrap();

    // Presenting the rotated s0 again: reuse → the whole family dies, including s2.
    assert!(matches!(acc.refresh(&s0.refresh_token, &client()).await, Err(Error::Unauthorized("token_reused"))));
    assert!(matches!(acc.refresh(&s2.refresh_token, &client()).await, Err(Error::Unauthorized("invalid_token"))));
    // Another login (another family) is untouched.
    acc.refresh(&other_session.refresh_token, &client()).await.unwrap();
    assert!(matches!(acc.refresh("not-a-token", &client()).await, Err(Error::Unauthorized("invalid_token"))));

    // Tokens are stored hashed.
    let rows = refresh_tokens::Entity::find().all(&db).await.unwrap();
    assert!(rows.iter().all(|r| r.token_hash.len() == 64 && r.token_hash != s0.refresh_token));
});

both_backends!(expired_refresh_token_is_refused, |db| async move {
    let (app, _dir) = app_for(&db);
    let acc = app.accounts();
    let s = acc.register(reg("exp@example.com"), &client()).await.unwrap();
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::ExpiresAt, Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)))
        .exec(&db)
        .await
        .unwrap();
    assert!(matches!(acc.refresh(&s.refresh_token, &client()).await, Err(Error::Unauthorized("token_expired"))));
    assert!(acc.cleanup_expired_tokens().await.unwrap() >= 1);
    assert!(refresh_tokens::Entity::find().all(&db).await.unwrap().is_empty());
});

both_backends!(logout_sessions_and_logout_all, |db| async move {
    let (app, _dir) = app_for(&db);
    let acc = app.accounts();
    let a = acc.register(reg("sess@example.com"), &client()).await.unwrap();
    let b = acc.login("sess@example.com", "correct horse battery", &ClientInfo::default()).await.unwrap();
    let c = acc.login("sess@example.com", "correct horse battery", &client()).await.unwrap();
    let sessions = acc.list_sessions(&a.user.id, Some(&c.refresh_token)).await.unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    assert!(sessions.iter().any(|s| s.user_agent.as_deref() == Some("test-agent")));

    acc.logout(&a.refresh_token).await.unwrap();
    assert!(matches!(acc.refresh(&a.refresh_token, &client()).await, Err(Error::Unauthorized("invalid_token"))));
    assert_eq!(acc.list_sessions(&a.user.id, None).await.unwrap().len(), 2);

    // Revoke one session by id; someone else's id is NotFound.
    let sb = acc.list_sessions(&a.user.id, Some(&b.refresh_token)).await.unwrap();
    let b_id = sb.iter().find(|s| s.current).unwrap().id.clone();
    let other = acc.register(reg("other@example.com"), &client()).await.unwrap();
    assert!(matches!(acc.revoke_session(&other.user.id, &b_id).await, Err(Error::NotFound(_))));
    acc.revoke_session(&a.user.id, &b_id).await.unwrap();
    assert!(acc.refresh(&b.refresh_token, &client()).await.is_err());

    assert!(acc.logout_all(&a.user.id).await.unwrap() >= 1);
    assert!(acc.refresh(&c.refresh_token, &client()).await.is_err());
    assert!(acc.list_sessions(&a.user.id, None).await.unwrap().is_empty());
    // The other user keeps their session.
    acc.refresh(&other.refresh_token, &client()).await.unwrap();
});

both_backends!(email_verification_is_single_use_and_expires, |db| async move {
    let (app, _dir) = app_for(&db);
    let acc = app.accounts();
    let s = acc.register(reg("ver@example.com"), &client()).await.unwrap();
    let mail = wait_for_mail(&app, "ver@example.com", "verify_email").await;
    assert_eq!(mail.status, "stored");
    assert!(mail.html_body.contains("verify-email?token="));
    let token = token_from(&mail.text_body);
    // Hashed at rest.
    let row = email_tokens::Entity::find().one(&db).await.unwrap().unwrap();
    assert_ne!(row.token_hash, token);

    let u = acc.verify_email(&token).await.unwrap();
    assert!(u.email_verified);
    assert!(acc.me(&s.user.id).await.unwrap().email_verified);
    assert!(matches!(acc.verify_email(&token).await, Err(Error::Unauthorized("invalid_token"))));
    assert!(matches!(acc.resend_verification(&s.user.id).await, Err(Error::Conflict { .. })));

    // A second account: resent token works, first one no longer does; expired one fails.
    let s2 = acc.register(reg("ver2@example.com"), &client()).await.unwrap();
    let first = token_from(&wait_for_mail(&app, "ver2@example.com", "verify_email").await.text_body);
    acc.resend_verification(&s2.user.id).await.unwrap();
    let second = loop {
        let t = token_from(&wait_for_mail(&app, "ver2@example.com", "verify_email").await.text_body);
        if t != first {
            break t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(acc.verify_email(&first).await.is_err());
    email_tokens::Entity::update_many()
        .col_expr(email_tokens::Column::ExpiresAt, Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)))
        .filter(email_tokens::Column::UserId.eq(&s2.user.id))
        .exec(&db)
        .await
        .unwrap();
    assert!(matches!(acc.verify_email(&second).await, Err(Error::Unauthorized("token_expired"))));
    assert!(!acc.me(&s2.user.id).await.unwrap().email_verified);
});

both_backends!(password_reset_flow, |db| async move {
    let (app, _dir) = app_for(&db);
    let acc = app.accounts();
    let s = acc.register(reg("reset@example.com"), &client()).await.unwrap();

    // Unknown email: same answer, no mail.
    acc.forgot_password("ghost@example.com").await.unwrap();
    acc.forgot_password("not an email").await.unwrap();
    acc.forgot_password("RESET@example.com").await.unwrap();
    let mail = wait_for_mail(&app, "reset@example.com", "password_reset").await;
    let token = token_from(&mail.text_body);
    assert!(app.mailer().outbox(Some("ghost@example.com"), 10).await.unwrap().is_empty());

    assert!(matches!(acc.reset_password(&token, "short").await, Err(Error::Validation(_))));
    acc.reset_password(&token, "a brand new password").await.unwrap();
    assert!(matches!(acc.reset_password(&token, "another new password").await, Err(Error::Unauthorized(_))));
    // Old sessions are gone, old password too.
    assert!(acc.refresh(&s.refresh_token, &client()).await.is_err());
    assert!(acc.login("reset@example.com", "correct horse battery", &client()).await.is_err());
    acc.login("reset@example.com", "a brand new password", &client()).await.unwrap();

    // Expired reset token.
    acc.forgot_password("reset@example.com").await.unwrap();
    let token2 = loop {
        let t = token_from(&wait_for_mail(&app, "reset@example.com", "password_reset").await.text_body);
        if t != token {
            break t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    email_tokens::Entity::update_many()
        .col_expr(email_tokens::Column::ExpiresAt, Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)))
        .exec(&db)
        .await
        .unwrap();
    assert!(matches!(acc.reset_password(&token2, "yet another password").await, Err(Error::Unauthorized("token_expired"))));
});

both_backends!(update_me_and_delete_account, |db| async move {
    let (app, _dir) = app_for(&db);
    let acc = app.accounts();
    let s = acc.register(reg("me@example.com"), &client()).await.unwrap();
    let u = acc.update_me(&s.user.id, UpdateMe { name: Some("  Grace ".into()), ..Default::default() }).await.unwrap();
    assert_eq!(u.name, "Grace");

    let bad = acc
        .update_me(&s.user.id, UpdateMe {
            current_password: Some("wrong password".into()),
            new_password: Some("new password 123".into()),
            ..Default::default()
        })
        .await;
    assert!(matches!(bad, Err(Error::Unauthorized("invalid_password"))));
    let missing = acc
        .update_me(&s.user.id, UpdateMe { new_password: Some("new password 123".into()), ..Default::default() })
        .await;
    assert!(matches!(missing, Err(Error::Validation(ref v)) if v[0].field == "currentPassword"));
    acc.update_me(&s.user.id, UpdateMe {
        current_password: Some("correct horse battery".into()),
        new_password: Some("new password 123".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert!(acc.refresh(&s.refresh_token, &client()).await.is_err(), "password change revokes sessions");
    acc.login("me@example.com", "new password 123", &client()).await.unwrap();

    assert!(matches!(acc.delete_account(&s.user.id, "nope").await, Err(Error::Unauthorized(_))));
    acc.delete_account(&s.user.id, "new password 123").await.unwrap();
    assert!(matches!(acc.me(&s.user.id).await, Err(Error::Unauthorized(_))));
    assert!(acc.login("me@example.com", "new password 123", &client()).await.is_err());
    assert!(refresh_tokens::Entity::find().all(&db).await.unwrap().is_empty());
});
