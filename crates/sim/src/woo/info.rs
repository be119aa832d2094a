//! Discovery and store information: the REST index, the wc/v3 namespace index, settings and system status.

use serde_json::{Value, json};

use super::App;
use super::error::ApiError;

const V3_ROUTES: &[&str] = &[
    "/wc/v3/products",
    "/wc/v3/products/(?P<id>[\\d]+)",
    "/wc/v3/products/(?P<product_id>[\\d]+)/variations",
    "/wc/v3/products/(?P<product_id>[\\d]+)/variations/(?P<id>[\\d]+)",
    "/wc/v3/products/categories",
    "/wc/v3/products/categories/(?P<id>[\\d]+)",
    "/wc/v3/products/tags",
    "/wc/v3/products/tags/(?P<id>[\\d]+)",
    "/wc/v3/products/brands",
    "/wc/v3/products/brands/(?P<id>[\\d]+)",
    "/wc/v3/products/reviews",
    "/wc/v3/products/reviews/(?P<id>[\\d]+)",
    "/wc/v3/orders",
    "/wc/v3/orders/(?P<id>[\\d]+)",
    "/wc/v3/settings",
    "/wc/v3/settings/(?P<group_id>[\\w-]+)",
    "/wc/v3/settings/(?P<group_id>[\\w-]+)/(?P<id>[\\w-]+)",
    "/wc/v3/system_status",
    "/wc/v3/webhooks",
    "/wc/v3/webhooks/(?P<id>[\\d]+)",
];

fn route_entry(app: &App, r: &str) -> Value {
    let methods: Vec<&str> = if r.ends_with("/webhooks") || r.ends_with("/products") {
        vec!["GET", "POST"]
    } else if r.contains("(?P<id>") && (r.contains("webhooks") || r.starts_with("/wc/v3/products/(?P<id>")) {
        vec!["GET", "POST", "PUT", "PATCH", "DELETE"]
    } else {
        vec!["GET"]
    };
    let mut v = json!({
        "namespace": "wc/v3",
        "methods": methods,
        "endpoints": [{ "methods": methods, "args": {} }],
    });
    if !r.contains("(?P<") {
        if let Some(o) = v.as_object_mut() {
            o.insert("_links".into(), json!({ "self": [{ "href": format!("{}/wp-json{}", app.site_url, r) }] }));
        }
    }
    v
}

/// `GET /wp-json/`.
pub fn index(app: &App) -> Value {
    let mut routes = serde_json::Map::new();
    routes.insert("/".into(), json!({ "namespace": "", "methods": ["GET"], "endpoints": [{ "methods": ["GET"], "args": { "context": { "default": "view", "required": false } } }], "_links": { "self": [{ "href": format!("{}/wp-json/", app.site_url) }] } }));
    routes.insert("/wc/v3".into(), json!({ "namespace": "wc/v3", "methods": ["GET"], "endpoints": [{ "methods": ["GET"], "args": {} }], "_links": { "self": [{ "href": format!("{}/wp-json/wc/v3", app.site_url) }] } }));
    if app.cfg.woocommerce_active {
        for r in V3_ROUTES {
            routes.insert((*r).into(), route_entry(app, r));
        }
    } else {
        routes.remove("/wc/v3");
    }
    let mut namespaces = vec!["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"];
    if app.cfg.woocommerce_active {
        namespaces.extend(["wc/store", "wc/store/v1", "wc-admin", "wc-analytics", "wc/v1", "wc/v2", "wc/v3", "wc-telemetry"]);
    }
    json!({
        "name": app.cfg.store_name,
        "description": "Just another WooCommerce store",
        "url": app.site_url,
        "home": app.site_url,
        "gmt_offset": (app.cfg.utc_offset_secs as f64 / 3600.0).to_string(),
        "timezone_string": if app.cfg.utc_offset_secs == 0 { "UTC" } else { "" },
        "page_for_posts": 0,
        "page_on_front": 0,
        "show_on_front": "posts",
        "namespaces": namespaces,
        "authentication": { "application-passwords": { "endpoints": { "authorization": format!("{}/wp-admin/authorize-application.php", app.site_url) } } },
        "routes": routes,
        "site_logo": 0,
        "site_icon": 0,
        "site_icon_url": "",
        "_links": { "help": [{ "href": "https://developer.wordpress.org/rest-api/" }] },
    })
}

/// `GET /wp-json/wc/v3`.
pub fn namespace_index(app: &App) -> Value {
    let mut routes = serde_json::Map::new();
    routes.insert("/wc/v3".into(), json!({ "namespace": "wc/v3", "methods": ["GET"], "endpoints": [{ "methods": ["GET"], "args": {} }] }));
    for r in V3_ROUTES {
        routes.insert((*r).into(), route_entry(app, r));
    }
    json!({ "namespace": "wc/v3", "routes": routes, "_links": { "up": [{ "href": format!("{}/wp-json/", app.site_url) }] } })
}

pub fn settings_groups(app: &App) -> Value {
    let g = |id: &str, label: &str, desc: &str| json!({ "id": id, "label": label, "description": desc, "parent_id": "", "sub_groups": [], "_links": { "options": [{ "href": app.site().rest(&format!("/settings/{id}")) }] } });
    json!([
        g("general", "General", ""),
        g("products", "Products", ""),
        g("tax", "Tax", ""),
        g("email", "Emails", ""),
        g("advanced", "Advanced", ""),
    ])
}

fn setting(app: &App, group: &str, id: &str, label: &str, kind: &str, default: &str, value: &str, options: Option<Value>) -> Value {
    let mut v = json!({
        "id": id,
        "label": label,
        "description": "",
        "type": kind,
        "default": default,
        "tip": "",
        "value": value,
    });
    if let (Some(o), Some(opts)) = (v.as_object_mut(), options) {
        o.insert("options".into(), opts);
    }
    if let Some(o) = v.as_object_mut() {
        o.insert("group_id".into(), json!(group));
        o.insert("_links".into(), json!({ "self": [{ "href": app.site().rest(&format!("/settings/{group}/{id}")) }], "collection": [{ "href": app.site().rest(&format!("/settings/{group}")) }] }));
    }
    v
}

fn group_settings(app: &App, group: &str) -> Option<Vec<Value>> {
    let c = &app.cfg;
    Some(match group {
        "general" => vec![
            setting(app, group, "woocommerce_store_address", "Address line 1", "text", "", "123 Market Street", None),
            setting(app, group, "woocommerce_store_address_2", "Address line 2", "text", "", "", None),
            setting(app, group, "woocommerce_store_city", "City", "text", "", "San Francisco", None),
            setting(app, group, "woocommerce_default_country", "Country / State", "select", "US:CA", &c.store_country, Some(json!({ "US:CA": "United States (US) — California", "CA:ON": "Canada — Ontario", "GB": "United Kingdom (UK)", "DE": "Germany" }))),
            setting(app, group, "woocommerce_store_postcode", "Postcode / ZIP", "text", "", "94103", None),
            setting(app, group, "woocommerce_allowed_countries", "Selling location(s)", "select", "all", "specific", None),
            setting(app, group, "woocommerce_specific_allowed_countries", "Sell to specific countries", "multiselect", "", "", None),
            setting(app, group, "woocommerce_currency", "Currency", "select", "USD", &c.currency, Some(json!({ "USD": "United States (US) dollar ($)", "EUR": "Euro (€)", "GBP": "Pound sterling (£)", "JPY": "Japanese yen (¥)" }))),
            setting(app, group, "woocommerce_currency_pos", "Currency position", "select", "left", "left", Some(json!({ "left": "Left", "right": "Right", "left_space": "Left with space", "right_space": "Right with space" }))),
            setting(app, group, "woocommerce_price_thousand_sep", "Thousand separator", "text", ",", ",", None),
            setting(app, group, "woocommerce_price_decimal_sep", "Decimal separator", "text", ".", ".", None),
            setting(app, group, "woocommerce_price_num_decimals", "Number of decimals", "number", "2", "2", None),
            setting(app, group, "woocommerce_calc_taxes", "Enable taxes", "checkbox", "no", "no", None),
        ],
        "products" => vec![
            setting(app, group, "woocommerce_shop_page_id", "Shop page", "select", "", "5", None),
            setting(app, group, "woocommerce_weight_unit", "Weight unit", "select", "kg", "lbs", Some(json!({ "kg": "kg", "g": "g", "lbs": "lbs", "oz": "oz" }))),
            setting(app, group, "woocommerce_dimension_unit", "Dimensions unit", "select", "cm", "in", Some(json!({ "m": "m", "cm": "cm", "mm": "mm", "in": "in", "yd": "yd" }))),
            setting(app, group, "woocommerce_enable_reviews", "Enable product reviews", "checkbox", "yes", "yes", None),
            setting(app, group, "woocommerce_manage_stock", "Manage stock", "checkbox", "yes", "yes", None),
            setting(app, group, "woocommerce_hide_out_of_stock_items", "Out of stock visibility", "checkbox", "no", "no", None),
        ],
        "tax" => vec![setting(app, group, "woocommerce_prices_include_tax", "Prices entered with tax", "radio", "no", "no", None)],
        "email" => vec![setting(app, group, "woocommerce_email_from_name", "\"From\" name", "text", "", &c.store_name, None)],
        "advanced" => vec![setting(app, group, "woocommerce_api_enabled", "Legacy API", "checkbox", "no", "no", None)],
        _ => return None,
    })
}

pub fn settings_group(app: &App, group: &str) -> Result<Value, ApiError> {
    group_settings(app, group).map(Value::Array).ok_or_else(|| ApiError::new(404, "rest_setting_setting_group_invalid", "Invalid setting group."))
}

pub fn setting_one(app: &App, group: &str, id: &str) -> Result<Value, ApiError> {
    let list = group_settings(app, group).ok_or_else(|| ApiError::new(404, "rest_setting_setting_group_invalid", "Invalid setting group."))?;
    list.into_iter().find(|s| s.get("id").and_then(|i| i.as_str()) == Some(id)).ok_or_else(|| ApiError::new(404, "rest_setting_setting_invalid", "Invalid setting."))
}

pub fn system_status(app: &App) -> Value {
    let c = &app.cfg;
    let (country, state) = c.store_country.split_once(':').unwrap_or((c.store_country.as_str(), ""));
    json!({
        "environment": {
            "home_url": app.site_url,
            "site_url": app.site_url,
            "store_id": "sim-store",
            "version": c.wc_version,
            "log_directory": "/var/www/html/wp-content/uploads/wc-logs/",
            "log_directory_writable": true,
            "wp_version": c.wp_version,
            "wp_multisite": false,
            "wp_memory_limit": 268_435_456,
            "wp_debug_mode": false,
            "wp_cron": true,
            "language": "en_US",
            "external_object_cache": Value::Null,
            "server_info": "nginx/1.26.0",
            "php_version": "8.2.20",
            "php_post_max_size": 67_108_864,
            "php_max_execution_time": 30,
            "php_max_input_vars": 1000,
            "curl_version": "8.5.0, OpenSSL/3.0.13",
            "suhosin_installed": false,
            "max_upload_size": 67_108_864,
            "mysql_version": "8.0.36",
            "mysql_version_string": "8.0.36",
            "default_timezone": "UTC",
            "fsockopen_or_curl_enabled": true,
            "soapclient_enabled": true,
            "domdocument_enabled": true,
            "gzip_enabled": true,
            "mbstring_enabled": true,
            "remote_post_successful": true,
            "remote_post_response": 200,
            "remote_get_successful": true,
            "remote_get_response": 200,
        },
        "database": { "wc_database_version": c.wc_version, "database_prefix": "wp_", "database_tables": {}, "database_size": { "data": 12.5, "index": 4.1 } },
        "active_plugins": [
            { "plugin": "woocommerce/woocommerce.php", "name": "WooCommerce", "version": c.wc_version, "version_latest": c.wc_version, "url": "https://woocommerce.com/", "author_name": "Automattic", "author_url": "https://woocommerce.com", "network_activated": false },
        ],
        "inactive_plugins": [],
        "dropins_mu_plugins": { "dropins": [], "mu_plugins": [] },
        "theme": { "name": "Storefront", "version": "4.6.0", "version_latest": "4.6.0", "author_url": "https://woocommerce.com/", "is_child_theme": false, "has_woocommerce_support": true, "has_woocommerce_file": false, "has_outdated_templates": false, "overrides": [], "parent_name": "", "parent_version": "", "parent_version_latest": "", "parent_author_url": "" },
        "settings": {
            "api_enabled": false,
            "force_ssl": false,
            "currency": c.currency,
            "currency_symbol": c.currency_symbol,
            "currency_position": "left",
            "thousand_separator": ",",
            "decimal_separator": ".",
            "number_of_decimals": 2,
            "geolocation_enabled": false,
            "taxonomies": { "external": "external", "grouped": "grouped", "simple": "simple", "variable": "variable" },
            "product_visibility_terms": { "exclude-from-catalog": "exclude-from-catalog", "exclude-from-search": "exclude-from-search", "featured": "featured", "outofstock": "outofstock" },
            "woocommerce_com_connected": "no",
            "store_country": country,
            "store_state": state,
        },
        "security": { "secure_connection": c.https, "hide_errors": true },
        "pages": [],
        "post_type_counts": [{ "type": "product", "count": app.catalog.base.len().to_string() }],
    })
}
