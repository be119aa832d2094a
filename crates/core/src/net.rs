//! Guard against server-side request forgery for every URL a user gives us (store URLs,
//! OpenAI endpoints, callbacks): only `http(s)`, and — unless `ALLOW_PRIVATE_NETWORK` —
//! never loopback, private, link-local, CGNAT, multicast, documentation or unspecified
//! addresses, whether written literally or reached through DNS.
//!
//! * [`check_url`] validates a URL now (parse + resolve) — call it when a URL is saved and
//!   before using it.
//! * [`outbound_client`] builds a `reqwest::Client` whose DNS resolver drops forbidden
//!   addresses at connect time (DNS rebinding) and whose redirects are checked too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};

/// Is this address one a user-supplied URL must not reach?
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_forbidden_v4(v4);
            }
            let seg0 = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg0 & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (seg0 & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (seg0 & 0xffc0) == 0xfec0 // site-local (deprecated)
                || seg0 == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || seg0 == 0x0064 && v6.segments()[1] == 0xff9b // NAT64 can reach v4 private space
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1)
        }
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64.0.0/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18.0.0/15
        || o[0] >= 240 // reserved
}

fn url_error(field: &str, code: &str, message: &str) -> Error {
    Error::invalid(field, code, message)
}

/// Parses `raw` and checks that it is an `http(s)` URL whose host resolves only to allowed
/// addresses. `field` names the input field in the validation error.
pub async fn check_url(raw: &str, field: &str, allow_private: bool) -> Result<Url> {
    let url = Url::parse(raw.trim()).map_err(|_| url_error(field, "invalid_url", "Enter a valid URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(url_error(field, "invalid_url", "Only http and https URLs are allowed"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(url_error(field, "invalid_url", "URLs with credentials are not allowed"));
    }
    let host = url.host().ok_or_else(|| url_error(field, "invalid_url", "The URL has no host"))?;
    if allow_private {
        return Ok(url);
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<IpAddr> = match host {
        url::Host::Ipv4(ip) => vec![IpAddr::V4(ip)],
        url::Host::Ipv6(ip) => vec![IpAddr::V6(ip)],
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                return Err(url_error(field, "private_address", "The URL points to a private or local address"));
            }
            match tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((d.as_str(), port))).await {
                Ok(Ok(it)) => it.map(|sa| sa.ip()).collect(),
                _ => return Err(url_error(field, "unresolvable_host", "The host name could not be resolved")),
            }
        }
    };
    if addrs.is_empty() {
        return Err(url_error(field, "unresolvable_host", "The host name could not be resolved"));
    }
    if addrs.iter().any(|ip| is_forbidden_ip(*ip)) {
        return Err(url_error(field, "private_address", "The URL points to a private or local address"));
    }
    Ok(url)
}

/// DNS resolver that refuses forbidden addresses.
struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = addrs.into_iter().filter(|a| !is_forbidden_ip(a.ip())).collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves only to private or local addresses").into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// An HTTP client for user-supplied URLs: forbidden addresses are refused at DNS time and on
/// redirects (at most 5) unless `allow_private`. Timeouts: 10 s connect, `timeout` overall.
pub fn outbound_client(allow_private: bool, timeout: Duration) -> Result<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(timeout)
        .user_agent(concat!("ProductSynch/", env!("CARGO_PKG_VERSION")));
    if !allow_private {
        b = b.dns_resolver(Arc::new(GuardedResolver)).redirect(reqwest::redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= 5 {
                return attempt.error("too many redirects");
            }
            let bad = match attempt.url().host() {
                Some(url::Host::Ipv4(ip)) => is_forbidden_ip(IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => is_forbidden_ip(IpAddr::V6(ip)),
                Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
                None => true,
            };
            if bad || !matches!(attempt.url().scheme(), "http" | "https") {
                attempt.error("redirect to a private or local address")
            } else {
                attempt.follow()
            }
        }));
    }
    b.build().map_err(|e| Error::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_ranges() {
        for ip in [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1",
            "255.255.255.255", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(is_forbidden_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "1.1.1.1"] {
            assert!(!is_forbidden_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn check_url_refuses_private_unless_allowed() {
        for u in [
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.5/",
            "http://2130706433/", // decimal form of 127.0.0.1, normalised by the URL parser
        ] {
            let err = check_url(u, "storeUrl", false).await.unwrap_err();
            match err {
                Error::Validation(v) => assert_eq!(v[0].field, "storeUrl", "{u}"),
                other => panic!("{u}: {other:?}"),
            }
        }
        for u in ["ftp://example.com/", "not a url", "http://user:pw@example.com/"] {
            assert!(matches!(check_url(u, "url", false).await, Err(Error::Validation(_))), "{u}");
        }
        assert_eq!(check_url("http://127.0.0.1:8080/x", "url", true).await.unwrap().port(), Some(8080));
        // Literal public address passes without DNS.
        assert!(check_url("https://93.184.216.34/", "url", false).await.is_ok());
    }

    #[tokio::test]
    async fn outbound_client_refuses_loopback_hostnames() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let guarded = outbound_client(false, Duration::from_secs(5)).unwrap();
        // `localhost` resolves to loopback: the guarded resolver refuses it.
        assert!(guarded.get(format!("http://localhost:{port}/")).send().await.is_err());
    }
}
