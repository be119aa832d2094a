//! Every auth flow and its failures.

use chrono::Utc;
use productsynch_db::entities::refresh_tokens;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::both;
use crate::helpers::*;

both!(register_returns_user_tokens_and_cookies, |t| {
    let email = unique_email("Reg");
    let r = t.register(&email, PASSWORD).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let user = &r.body["user"];
    assert!(user["id"].as_str().unwrap().starts_with("usr_"));
    assert_eq!(user["email"], email.to_lowercase());
    assert_eq!(user["name"], "Test User");
    assert_eq!(user["emailVerified"], false);
    assert_eq!(user["tier"], "FREE");
    assert_eq!(r.body["expiresIn"], 900);
    assert!(r.body["accessToken"].as_str().unwrap().split('.').count() == 3, "a JWT");
    assert!(r.body["refreshToken"].as_str().unwrap().len() >= 32);
    // browser cookies: HttpOnly + SameSite=Lax, not Secure over plain http
    let access = r.cookie("ps_access").expect("access cookie");
    assert!(access.contains("HttpOnly") && access.contains("SameSite=Lax") && !access.contains("Secure"), "{access}");
    let refresh = r.cookie("ps_refresh").expect("refresh cookie");
    assert!(refresh.contains("HttpOnly") && refresh.contains("Path=/api/v1/auth"), "{refresh}");
    let csrf = r.cookie("ps_csrf").expect("csrf cookie");
    assert!(!csrf.contains("HttpOnly"), "the page must read the CSRF cookie: {csrf}");

    let me = t.get_auth("/api/v1/auth/me", r.body["accessToken"].as_str().unwrap()).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["email"], email.to_lowercase());
});

both!(duplicate_email_is_409_naming_the_field, |t| {
    let email = unique_email("dup");
    assert_eq!(t.register(&email, PASSWORD).await.status, 201);
    let r = t.register(&email.to_uppercase(), PASSWORD).await;
    let p = r.assert_problem(409);
    assert_eq!(p["code"], "email_taken");
    assert_eq!(r.field_codes(), vec![("email".to_string(), "email_taken".to_string())]);
});

both!(weak_password_and_bad_email_are_422_with_fields, |t| {
    let r = t.register(&unique_email("weak"), "short").await;
    r.assert_problem(422);
    assert!(r.field_codes().iter().any(|(f, c)| f == "password" && c == "too_short"), "{}", r.text);

    let r = t.register("not-an-email", PASSWORD).await;
    r.assert_problem(422);
    assert!(r.field_codes().iter().any(|(f, _)| f == "email"), "{}", r.text);

    // a missing field is named in camelCase
    let r = t.post("/api/v1/auth/reset-password", json!({"token": "x"})).await;
    r.assert_problem(422);
    assert_eq!(r.field_codes(), vec![("newPassword".to_string(), "required".to_string())]);

    // wrong type
    let r = t.post("/api/v1/auth/login", json!({"email": 5, "password": "x"})).await;
    r.assert_problem(422);
    assert_eq!(r.field_codes()[0].0, "email");

    // unparseable JSON is a 400, a wrong media type a 415
    let r = Resp::from(
        t.client
            .post(t.url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body("{nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.assert_problem(400);
    let r = Resp::from(t.client.post(t.url("/api/v1/auth/login")).body("email=a").send().await.unwrap()).await;
    r.assert_problem(415);
});

both!(login_wrong_password_answers_like_unknown_email, |t| {
    let (email, ..) = t.user("login").await;
    let ok = t.login(&email, PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["user"]["email"], email.to_lowercase());

    let wrong = t.login(&email, "wrong password!!").await;
    let unknown = t.login(&unique_email("nobody"), "wrong password!!").await;
    wrong.assert_problem(401);
    unknown.assert_problem(401);
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("requestId");
        v
    };
    assert_eq!(strip(&wrong.body), strip(&unknown.body));
    assert_eq!(wrong.body["code"], "invalid_credentials");
});

both!(refresh_rotates_and_reuse_revokes_the_family, |t| {
    let (_, _, refresh1, _) = t.user("rot").await;
    let r = t.post("/api/v1/auth/refresh", json!({"refreshToken": refresh1})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let refresh2 = r.body["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(refresh1, refresh2, "rotated");
    let access2 = r.body["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(t.get_auth("/api/v1/auth/me", &access2).await.status, 200);

    // presenting the rotated token again: 401 token_reused, and the whole family dies
    let reused = t.post("/api/v1/auth/refresh", json!({"refreshToken": refresh1})).await;
    assert_eq!(reused.assert_problem(401)["code"], "token_reused");
    let r = t.post("/api/v1/auth/refresh", json!({"refreshToken": refresh2})).await;
    r.assert_problem(401);

    // garbage and missing tokens
    let r = t.post("/api/v1/auth/refresh", json!({"refreshToken": "nope"})).await;
    assert_eq!(r.assert_problem(401)["code"], "invalid_token");
    let r = t.post("/api/v1/auth/refresh", json!({})).await;
    r.assert_problem(401);
});

both!(expired_refresh_token_is_refused, |t| {
    let (_, _, refresh, user_id) = t.user("exp").await;
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::ExpiresAt, Expr::value(Utc::now() - chrono::Duration::hours(1)))
        .filter(refresh_tokens::Column::UserId.eq(&user_id))
        .exec(t.app.db())
        .await
        .unwrap();
    let r = t.post("/api/v1/auth/refresh", json!({"refreshToken": refresh})).await;
    assert_eq!(r.assert_problem(401)["code"], "token_expired");
});

both!(logout_revokes_the_session, |t| {
    let (email, _, refresh, _) = t.user("out").await;
    let other = t.login(&email, PASSWORD).await;
    let other_refresh = other.body["refreshToken"].as_str().unwrap().to_owned();
    let r = t.post("/api/v1/auth/logout", json!({"refreshToken": refresh})).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(r.cookie("ps_access").is_some_and(|c| c.contains("Max-Age=0")), "cookies cleared");
    t.post("/api/v1/auth/refresh", json!({"refreshToken": refresh})).await.assert_problem(401);
    // the other session is untouched
    assert_eq!(t.post("/api/v1/auth/refresh", json!({"refreshToken": other_refresh})).await.status, 200);
});

both!(sessions_list_and_logout_everywhere, |t| {
    let (email, access, refresh, _) = t.user("sess").await;
    let second = t.login(&email, PASSWORD).await;
    let second_refresh = second.body["refreshToken"].as_str().unwrap().to_owned();
    let r = t.get_auth("/api/v1/auth/sessions", &access).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sessions = r.body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{}", r.text);

    // revoke one by id
    let id = sessions[0]["id"].as_str().unwrap();
    let del = Resp::from(t.client.delete(t.url(&format!("/api/v1/auth/sessions/{id}"))).bearer_auth(&access).send().await.unwrap()).await;
    assert_eq!(del.status, 204, "{}", del.text);
    let r = t.get_auth("/api/v1/auth/sessions", &access).await;
    assert_eq!(r.body["sessions"].as_array().unwrap().len(), 1);

    let r = t.post_auth("/api/v1/auth/logout-all", &access, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    for tok in [refresh, second_refresh] {
        t.post("/api/v1/auth/refresh", json!({"refreshToken": tok})).await.assert_problem(401);
    }
});

both!(me_requires_a_valid_token, |t| {
    let r = t.get("/api/v1/auth/me").await;
    assert_eq!(r.assert_problem(401)["code"], "unauthenticated");
    let r = t.get_auth("/api/v1/auth/me", "not.a.jwt").await;
    assert_eq!(r.assert_problem(401)["code"], "invalid_token");
    let r = Resp::from(t.client.get(t.url("/api/v1/auth/me")).header("authorization", "Basic abc").send().await.unwrap()).await;
    r.assert_problem(401);
});

both!(update_name_and_password, |t| {
    let (email, access, ..) = t.user("upd").await;
    let patch = |body: serde_json::Value| {
        let req = t.client.patch(t.url("/api/v1/auth/me")).bearer_auth(&access).json(&body);
        async move { Resp::from(req.send().await.unwrap()).await }
    };
    let r = patch(json!({"name": "New Name"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "New Name");

    let r = patch(json!({"newPassword": "another good password"})).await;
    r.assert_problem(422);
    assert!(r.field_codes().iter().any(|(f, _)| f == "currentPassword"), "{}", r.text);

    let r = patch(json!({"currentPassword": "wrong wrong wrong", "newPassword": "another good password"})).await;
    r.assert_problem(422);
    assert_eq!(r.field_codes(), vec![("currentPassword".to_owned(), "invalid_password".to_owned())], "{}", r.text);

    let r = patch(json!({"currentPassword": PASSWORD, "newPassword": "another good password"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    t.login(&email, PASSWORD).await.assert_problem(401);
    assert_eq!(t.login(&email, "another good password").await.status, 200);

    let r = patch(json!({"unknownField": 1})).await;
    r.assert_problem(422);
});

both!(delete_account, |t| {
    let (email, access, ..) = t.user("del").await;
    let del = |pw: &str| {
        let req = t.client.delete(t.url("/api/v1/auth/me")).bearer_auth(&access).json(&json!({"password": pw}));
        async move { Resp::from(req.send().await.unwrap()).await }
    };
    del("wrong wrong wrong").await.assert_problem(401);
    let r = del(PASSWORD).await;
    assert_eq!(r.status, 204, "{}", r.text);
    t.login(&email, PASSWORD).await.assert_problem(401);
    t.get_auth("/api/v1/auth/me", &access).await.assert_problem(401);
});

both!(verify_email_with_the_mailed_token, |t| {
    let (email, access, ..) = t.user("verify").await;
    let mail = t.mail_containing(&email.to_lowercase(), "verify-email?token=").await.expect("verification email");
    let token = token_from(&mail);
    let r = t.post("/api/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["emailVerified"], true);
    // single use
    t.post("/api/v1/auth/verify-email", json!({"token": token})).await.assert_problem(401);
    let me = t.get_auth("/api/v1/auth/me", &access).await;
    assert_eq!(me.body["emailVerified"], true);
    // resending to a verified account is a conflict
    t.post_auth("/api/v1/auth/resend-verification", &access, json!({})).await.assert_problem(409);
});

both!(forgot_and_reset_password, |t| {
    let (email, _, refresh, _) = t.user("forgot").await;
    let known = t.post("/api/v1/auth/forgot-password", json!({"email": email})).await;
    let unknown = t.post("/api/v1/auth/forgot-password", json!({"email": unique_email("ghost")})).await;
    assert_eq!(known.status, 202, "{}", known.text);
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body), "same answer either way");

    let mail = t.mail_containing(&email.to_lowercase(), "reset-password?token=").await.expect("reset email");
    let token = token_from(&mail);
    let r = t.post("/api/v1/auth/reset-password", json!({"token": token, "newPassword": "short"})).await;
    r.assert_problem(422);
    let r = t.post("/api/v1/auth/reset-password", json!({"token": token, "newPassword": "brand new password"})).await;
    assert_eq!(r.status, 204, "{}", r.text);
    t.post("/api/v1/auth/reset-password", json!({"token": token, "newPassword": "brand new password 2"}))
        .await
        .assert_problem(401);
    t.login(&email, PASSWORD).await.assert_problem(401);
    assert_eq!(t.login(&email, "brand new password").await.status, 200);
    // a reset signs every old session out
    t.post("/api/v1/auth/refresh", json!({"refreshToken": refresh})).await.assert_problem(401);
});
