use chrono::{DateTime, Duration, Utc};
use productsynch_core::jobs::{NewJob, queues};
use productsynch_core::scheduler::every;
use productsynch_db::both_backends;
use productsynch_db::entities::{jobs, schedule_runs};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::app_for;

both_backends!(schedule_fires_once_per_slot_with_two_schedulers, |db| async move {
    // Two apps = two worker processes with their own scheduler.
    let (a, _d1) = app_for(&db);
    let (b, _d2) = app_for(&db);
    for app in [&a, &b] {
        app.scheduler()
            .register("sync-all", every::FIFTEEN_MINUTES, NewJob::new(queues::PRODUCT_SYNC, "test.sync_all", serde_json::json!({})))
            .unwrap();
    }
    let t0: DateTime<Utc> = "2026-11-28T10:00:30Z".parse().unwrap();
    let mut fired_total = 0;
    // Walk 2 hours in 1-minute ticks; both schedulers tick concurrently for each window.
    for m in 0..120 {
        let since = t0 + Duration::minutes(m);
        let now = since + Duration::minutes(1);
        let (ra, rb) = tokio::join!(a.scheduler().tick("A", since, now), b.scheduler().tick("B", since, now));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let n = ra.iter().chain(rb.iter()).filter(|(name, _, _)| name == "sync-all").count();
        assert!(n <= 1, "slot fired twice at minute {m}: {ra:?} {rb:?}");
        fired_total += n;
    }
    assert_eq!(fired_total, 8, "8 quarter-hour slots in two hours");
    let runs = schedule_runs::Entity::find().filter(schedule_runs::Column::Schedule.eq("sync-all")).all(&db).await.unwrap();
    assert_eq!(runs.len(), 8);
    let jobs = jobs::Entity::find().filter(jobs::Column::Kind.eq("test.sync_all")).all(&db).await.unwrap();
    assert_eq!(jobs.len(), 8);
    assert!(jobs.iter().all(|j| j.payload["slot"].as_str().is_some()));

    // Firing a slot again is a no-op; the built-in cleanup is registered for 03:00.
    let slot: DateTime<Utc> = "2026-11-28T10:15:00Z".parse().unwrap();
    assert!(a.scheduler().fire_slot("sync-all", slot, "A").await.unwrap().is_none());
    assert!(a.scheduler().schedules().iter().any(|(n, e)| n == "cleanup" && e == every::DAY_AT_0300));
    let fired = a
        .scheduler()
        .tick("A", "2026-11-29T02:59:00Z".parse().unwrap(), "2026-11-29T03:00:10Z".parse().unwrap())
        .await
        .unwrap();
    assert!(fired.iter().any(|(n, _, _)| n == "cleanup"));
});

both_backends!(cleanup_job_removes_expired_tokens, |db| async move {
    let (app, _dir) = app_for(&db);
    let s = app
        .accounts()
        .register(
            productsynch_core::accounts::RegisterInput {
                email: "c@example.com".into(),
                password: "password123".into(),
                name: None,
            },
            &Default::default(),
        )
        .await
        .unwrap();
    use sea_orm::sea_query::Expr;
    productsynch_db::entities::refresh_tokens::Entity::update_many()
        .col_expr(productsynch_db::entities::refresh_tokens::Column::ExpiresAt, Expr::value(Utc::now() - Duration::days(1)))
        .exec(&db)
        .await
        .unwrap();
    let removed = app.cleanup().await.unwrap();
    assert!(removed >= 1);
    assert!(app.accounts().refresh(&s.refresh_token, &Default::default()).await.is_err());
});

both_backends!(key_rotation_reencrypts_shop_secrets, |db| async move {
    use productsynch_db::entities::{SyncStatus, shops};
    use sea_orm::{ActiveModelTrait, Set};
    let old_key = "11".repeat(32);
    let new_key = "22".repeat(32);
    let (old_app, _d1) = crate::app_with(&db, |c| c.encryption_key = productsynch_core::config::Secret::new(old_key.clone()));
    let user = old_app
        .accounts()
        .register(
            productsynch_core::accounts::RegisterInput { email: "k@example.com".into(), password: "password123".into(), name: None },
            &Default::default(),
        )
        .await
        .unwrap()
        .user
        .id;
    let now = Utc::now();
    let env = old_app.crypto().encrypt("cs_secret");
    shops::ActiveModel {
        id: Set(productsynch_db::ids::new_id(productsynch_db::ids::SHOP)),
        user_id: Set(user),
        woo_store_url: Set("https://s.example".into()),
        woo_consumer_key: Set("ck".into()),
        woo_consumer_secret: Set(env.clone()),
        woo_webhook_secret: Set(None),
        shop_name: Set("S".into()),
        shop_currency: Set("USD".into()),
        is_connected: Set(true),
        last_sync_at: Set(None),
        sync_status: Set(SyncStatus::Pending),
        sync_enabled: Set(true),
        last_health_check_at: Set(None),
        connection_error: Set(None),
        openai_merchant_id: Set(None),
        openai_endpoint: Set(None),
        openai_token: Set(Some(old_app.crypto().encrypt("sk-openai"))),
        openai_enabled: Set(false),
        seller_name: Set(None),
        seller_url: Set(None),
        seller_privacy_policy: Set(None),
        seller_tos: Set(None),
        return_policy: Set(None),
        return_window: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&db)
    .await
    .unwrap();
    // Delivery settings with every encrypted column set, written with the old key.
    let shop_id = shops::Entity::find().one(&db).await.unwrap().unwrap().id;
    let hosted_url = productsynch_core::delivery::settings::view(&old_app, &shop_id).await.unwrap().hosted_url;
    {
        use productsynch_core::delivery::entities::shop_delivery;
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----";
        shop_delivery::ActiveModel {
            shop_id: Set(shop_id.clone()),
            https_endpoint: Set(Some("https://feeds.example.com/in".into())),
            https_token: Set(Some(old_app.crypto().encrypt("push-bearer"))),
            sftp_host: Set(Some("sftp.example.com".into())),
            sftp_password: Set(Some(old_app.crypto().encrypt("sftp-pw"))),
            sftp_private_key: Set(Some(old_app.crypto().encrypt(key))),
            ..Default::default()
        }
        .update(&db)
        .await
        .unwrap();
    }
    let (new_app, _d2) = crate::app_with(&db, |c| {
        c.encryption_key = productsynch_core::config::Secret::new(new_key.clone());
        c.encryption_keys_previous = vec![productsynch_core::config::Secret::new(old_key.clone())];
    });
    assert_eq!(new_app.reencrypt_secrets().await.unwrap(), 2, "the shop row and its delivery row");
    assert_eq!(new_app.reencrypt_secrets().await.unwrap(), 0, "idempotent");
    let shop = shops::Entity::find().one(&db).await.unwrap().unwrap();
    assert_ne!(shop.woo_consumer_secret, env);
    assert!(!new_app.crypto().needs_reencrypt(&shop.woo_consumer_secret));
    // Readable with the new key alone.
    let only_new = productsynch_core::crypto::Keyring::from_hex(&new_key, &[]).unwrap();
    assert_eq!(only_new.decrypt(&shop.woo_consumer_secret).unwrap(), "cs_secret");
    assert_eq!(only_new.decrypt(shop.openai_token.as_deref().unwrap()).unwrap(), "sk-openai");
    let row = productsynch_core::delivery::settings::load(&new_app, &shop_id).await.unwrap().unwrap();
    for (name, env, plain) in [
        ("https_token", &row.https_token, "push-bearer"),
        ("sftp_password", &row.sftp_password, "sftp-pw"),
    ] {
        assert_eq!(only_new.decrypt(env.as_deref().unwrap()).unwrap(), plain, "{name}");
    }
    assert!(only_new.decrypt(row.sftp_private_key.as_deref().unwrap()).unwrap().contains("not-a-real-key"));
    assert!(only_new.decrypt(row.feed_token.as_deref().unwrap()).is_ok(), "feed_token");
    // An app holding only the new key still shows the same hosted URL and delivers.
    let (only_new_app, _d3) = crate::app_with(&db, |c| c.encryption_key = productsynch_core::config::Secret::new(new_key.clone()));
    assert_eq!(productsynch_core::delivery::settings::view(&only_new_app, &shop_id).await.unwrap().hosted_url, hosted_url);
});
