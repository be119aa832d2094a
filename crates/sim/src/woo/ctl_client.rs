//! A small client for a running simulator's control API (`/__sim/...`), used by `productsynch sim ctl`.

use serde_json::Value;

use super::error::SimError;

/// Sends one control request and returns the JSON answer; non-2xx answers become errors carrying the body.
pub async fn control_request(base_url: &str, method: &str, path: &str, body: Option<&Value>) -> Result<Value, SimError> {
    let url = format!("{}/__sim/{}", base_url.trim_end_matches('/'), path.trim_start_matches('/'));
    let client = reqwest::Client::new();
    let m = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| SimError::Invalid(e.to_string()))?;
    let mut req = client.request(m, &url);
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.map_err(|e| SimError::Http(format!("{url}: {e}")))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| SimError::Http(e.to_string()))?;
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if !status.is_success() {
        return Err(SimError::Http(format!("{status}: {v}")));
    }
    Ok(v)
}
