//! Cookie sessions: CSRF double-submit for unsafe methods, Origin check, bearer unaffected.

use serde_json::json;

use crate::both;
use crate::helpers::*;

/// "name=value" of a Set-Cookie line.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

both!(cookie_auth_needs_the_csrf_header_for_unsafe_methods, |t| {
    let email = unique_email("csrf");
    let r = t.register(&email, PASSWORD).await;
    assert_eq!(r.status, 201);
    let access = pair(&r.cookie("ps_access").unwrap());
    let refresh = pair(&r.cookie("ps_refresh").unwrap());
    let csrf_pair = pair(&r.cookie("ps_csrf").unwrap());
    let csrf = csrf_pair.trim_start_matches("ps_csrf=").to_owned();
    let cookies = format!("{access}; {refresh}; {csrf_pair}");

    // safe method: the cookie alone is enough
    let r = Resp::from(t.client.get(t.url("/api/v1/auth/me")).header("cookie", &cookies).send().await.unwrap()).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // unsafe method without the header: refused
    let r = Resp::from(
        t.client.patch(t.url("/api/v1/auth/me")).header("cookie", &cookies).json(&json!({"name": "X"})).send().await.unwrap(),
    )
    .await;
    r.assert_problem(403);

    // with a wrong header value: refused
    let r = Resp::from(
        t.client
            .patch(t.url("/api/v1/auth/me"))
            .header("cookie", &cookies)
            .header("x-csrf-token", "forged")
            .json(&json!({"name": "X"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.assert_problem(403);

    // with the right header but from a foreign Origin: refused
    let r = Resp::from(
        t.client
            .patch(t.url("/api/v1/auth/me"))
            .header("cookie", &cookies)
            .header("x-csrf-token", &csrf)
            .header("origin", "https://evil.example")
            .json(&json!({"name": "X"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.assert_problem(403);

    // with the header (and a same-origin Origin): accepted
    let r = Resp::from(
        t.client
            .patch(t.url("/api/v1/auth/me"))
            .header("cookie", &cookies)
            .header("x-csrf-token", &csrf)
            .header("origin", &t.base)
            .json(&json!({"name": "Cookie User"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "Cookie User");

    // refreshing from the cookie needs the header too
    let r = Resp::from(t.client.post(t.url("/api/v1/auth/refresh")).header("cookie", &cookies).json(&json!({})).send().await.unwrap()).await;
    r.assert_problem(403);
    let r = Resp::from(
        t.client
            .post(t.url("/api/v1/auth/refresh"))
            .header("cookie", &cookies)
            .header("x-csrf-token", &csrf)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.cookie("ps_refresh").is_some(), "rotated refresh cookie");

    // bearer clients never need the CSRF header
    let (_, bearer, ..) = t.user("bearer").await;
    let r = Resp::from(
        t.client.patch(t.url("/api/v1/auth/me")).bearer_auth(&bearer).json(&json!({"name": "B"})).send().await.unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
});

/// Served behind an https PUBLIC_URL: cookies are Secure and HSTS is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_public_url_makes_cookies_secure_and_sends_hsts() {
    let opts = Opts { public_url: Some("https://app.example.com".into()), ..Opts::default() };
    let t = spawn_app_with(Backend::Sqlite, opts).await.unwrap();
    let r = t.register(&unique_email("secure"), PASSWORD).await;
    assert_eq!(r.status, 201);
    for name in ["ps_access", "ps_refresh", "ps_csrf"] {
        assert!(r.cookie(name).unwrap().contains("Secure"), "{name}");
    }
    assert!(r.header("strict-transport-security").is_some_and(|h| h.contains("max-age=")));
}
