//! Entities of the delivery tables (migration `m20261128_000060_delivery` in productsynch-db).

/// Per-shop delivery settings. Secret columns hold AES-256-GCM envelopes.
pub mod shop_delivery {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "shop_delivery")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub shop_id: String,
        /// `hosted`, `sftp` or `https`.
        pub method: String,
        /// `daily` or `after_sync`.
        pub cadence: String,
        pub enabled: bool,
        #[sea_orm(column_type = "Text", nullable)]
        pub https_endpoint: Option<String>,
        /// Encrypted bearer token.
        #[sea_orm(column_type = "Text", nullable)]
        pub https_token: Option<String>,
        pub sftp_host: Option<String>,
        pub sftp_port: Option<i32>,
        pub sftp_username: Option<String>,
        /// Encrypted.
        #[sea_orm(column_type = "Text", nullable)]
        pub sftp_password: Option<String>,
        /// Encrypted OpenSSH private key.
        #[sea_orm(column_type = "Text", nullable)]
        pub sftp_private_key: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub sftp_directory: Option<String>,
        pub sftp_file_name: Option<String>,
        pub sftp_host_key_fingerprint: Option<String>,
        /// SHA-256 of the hosted-URL token (lookup).
        pub feed_token_hash: Option<String>,
        /// Encrypted hosted-URL token (to show the URL to its owner).
        #[sea_orm(column_type = "Text", nullable)]
        pub feed_token: Option<String>,
        pub feed_token_rotated_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One push of a feed file to a destination (one row per attempt).
pub mod feed_pushes {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "feed_pushes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub shop_id: String,
        pub feed_file_id: Option<String>,
        pub job_id: Option<String>,
        pub method: String,
        /// `manual`, `schedule` or `after_sync`.
        pub triggered_by: String,
        /// `running`, `succeeded` or `failed`.
        pub status: String,
        pub attempt: i32,
        pub size_bytes: i64,
        pub item_count: i32,
        #[sea_orm(column_type = "Text", nullable)]
        pub destination: Option<String>,
        pub remote_status: Option<i32>,
        #[sea_orm(column_type = "Text", nullable)]
        pub remote_response: Option<String>,
        #[sea_orm(column_type = "Text", nullable)]
        pub error: Option<String>,
        pub started_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
