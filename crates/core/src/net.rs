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

/// Host names refused without resolving them: `localhost` and `*.localhost` (RFC 6761), mDNS
/// `*.local`, and `*.internal` (cloud metadata names such as `metadata.google.internal`).
pub fn is_forbidden_name(host: &str) -> bool {
    let d = host.trim_end_matches('.').to_ascii_lowercase();
    d == "localhost" || d.ends_with(".localhost") || d.ends_with(".local") || d.ends_with(".internal")
}

/// Is this URL host refused without resolving it (a forbidden literal address or name)?
/// Domains that pass still have to pass [`resolve_checked`] / the guarded resolver.
pub fn is_forbidden_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => is_forbidden_ip(IpAddr::V4(*ip)),
        url::Host::Ipv6(ip) => is_forbidden_ip(IpAddr::V6(*ip)),
        url::Host::Domain(d) => is_forbidden_name(d) || d.parse::<IpAddr>().is_ok_and(is_forbidden_ip),
    }
}

/// Resolves `host` (a name or an IP literal, `[v6]` accepted) and returns its addresses with
/// `port`, refusing — unless `allow_private` — forbidden names and hosts with *any* forbidden
/// address. Connect to the returned addresses (not the name again) so that a second DNS answer
/// cannot swap in a private address. `field` names the input field in the validation error.
pub async fn resolve_checked(host: &str, port: u16, field: &str, allow_private: bool) -> Result<Vec<SocketAddr>> {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    if h.is_empty() {
        return Err(url_error(field, "invalid_host", "The host name is empty"));
    }
    if !allow_private && is_forbidden_name(h) {
        return Err(url_error(field, "private_address", "The host points to a private or local address"));
    }
    let addrs: Vec<SocketAddr> = match h.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => match tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((h, port))).await {
            Ok(Ok(it)) => it.collect(),
            _ => return Err(url_error(field, "unresolvable_host", "The host name could not be resolved")),
        },
    };
    if addrs.is_empty() {
        return Err(url_error(field, "unresolvable_host", "The host name could not be resolved"));
    }
    if !allow_private && addrs.iter().any(|a| is_forbidden_ip(a.ip())) {
        return Err(url_error(field, "private_address", "The host points to a private or local address"));
    }
    Ok(addrs)
}

/// Parses `raw` and checks that it is an `http(s)` URL without credentials whose host resolves
/// only to allowed addresses (no resolution when `allow_private`). `field` names the input
/// field in the validation error.
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
    if is_forbidden_host(&host) {
        return Err(url_error(field, "private_address", "The URL points to a private or local address"));
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let name = match host {
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => ip.to_string(),
        url::Host::Domain(d) => d.to_owned(),
    };
    resolve_checked(&name, port, field, false).await?;
    Ok(url)
}

/// DNS resolver that refuses forbidden addresses (keeps only allowed ones; fails when none is
/// left), so a host name that passed [`check_url`] cannot be re-pointed at a private address
/// between the check and the connection (DNS rebinding). reqwest does not consult the resolver
/// for IP-literal URLs: those are checked by [`check_url`] and, on redirects, by
/// [`redirect_policy`].
struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            if is_forbidden_name(&host) {
                return Err(format!("{host} is a private or local host name").into());
            }
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = addrs.into_iter().filter(|a| !is_forbidden_ip(a.ip())).collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves only to private or local addresses").into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Maximum redirects followed by guarded clients.
pub const MAX_REDIRECTS: usize = 5;

/// Why a redirect hop is refused (`None` = follow). Every hop is checked: scheme `http(s)`, at
/// most [`MAX_REDIRECTS`] hops, and — unless `allow_private` — no forbidden literal address or
/// name (a domain is then resolved by the guarded resolver, which refuses private answers).
pub fn redirect_refusal(target: &Url, previous_hops: usize, allow_private: bool) -> Option<&'static str> {
    if previous_hops >= MAX_REDIRECTS {
        return Some("too many redirects");
    }
    if !matches!(target.scheme(), "http" | "https") {
        return Some("redirect to a non-http(s) URL");
    }
    if allow_private {
        return None;
    }
    match target.host() {
        None => Some("redirect without a host"),
        Some(h) if is_forbidden_host(&h) => Some("redirect to a private or local address"),
        Some(_) => None,
    }
}

/// The redirect policy of guarded clients: each hop re-checked by [`redirect_refusal`].
pub fn redirect_policy(allow_private: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let refusal = redirect_refusal(attempt.url(), attempt.previous().len(), allow_private);
        match refusal {
            Some(reason) => attempt.error(reason),
            None => attempt.follow(),
        }
    })
}

/// Applies the guard to a client builder: unless `allow_private`, the DNS resolver refuses
/// forbidden addresses, and redirects are re-checked hop by hop ([`redirect_policy`]). Callers
/// set their own timeouts and user agent; a caller may still replace the redirect policy by a
/// stricter one (`Policy::none()`).
pub fn guard_builder(b: reqwest::ClientBuilder, allow_private: bool) -> reqwest::ClientBuilder {
    let b = b.redirect(redirect_policy(allow_private));
    if allow_private { b } else { b.dns_resolver(Arc::new(GuardedResolver)) }
}

/// An HTTP client for user-supplied URLs: forbidden addresses are refused at DNS time and on
/// redirects (at most 5) unless `allow_private`. Timeouts: 10 s connect, `timeout` overall.
pub fn outbound_client(allow_private: bool, timeout: Duration) -> Result<reqwest::Client> {
    let b = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(timeout)
        .user_agent(concat!("ProductSynch/", env!("CARGO_PKG_VERSION")));
    guard_builder(b, allow_private).build().map_err(|e| Error::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_ranges() {
        for ip in [
            // IPv4 loopback, private, link-local (cloud metadata), unspecified, "this network"
            "127.0.0.1", "127.255.255.254", "10.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "0.0.0.0", "0.1.2.3",
            // CGNAT 100.64.0.0/10 (both ends), broadcast, multicast, reserved
            "100.64.0.1", "100.127.255.255", "255.255.255.255", "224.0.0.1", "239.255.255.250", "240.0.0.1",
            // IPv6 loopback, unspecified, link-local fe80::/10, ULA fc00::/7, multicast
            "::1", "::", "fe80::1", "febf::1", "fc00::1", "fd00::1", "fdff:ffff::1", "ff02::1",
            // IPv4-mapped IPv6 of forbidden IPv4, NAT64 of private IPv4
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:100.64.0.1", "::ffff:0.0.0.0",
            "64:ff9b::a00:1",
        ] {
            assert!(is_forbidden_ip(ip.parse().unwrap()), "{ip} must be refused");
        }
        for ip in [
            "93.184.216.34", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1", "11.0.0.1",
            "2606:4700:4700::1111", "2a00:1450::1", "::ffff:8.8.8.8",
        ] {
            assert!(!is_forbidden_ip(ip.parse().unwrap()), "{ip} must be allowed");
        }
    }

    #[test]
    fn forbidden_names_and_hosts() {
        for h in ["localhost", "LOCALHOST.", "api.localhost", "printer.local", "metadata.google.internal"] {
            assert!(is_forbidden_name(h), "{h}");
        }
        for h in ["example.com", "localhost.example.com", "internal.example.com"] {
            assert!(!is_forbidden_name(h), "{h}");
        }
        let forbidden = |u: &str| is_forbidden_host(&Url::parse(u).unwrap().host().unwrap());
        assert!(forbidden("http://[::ffff:7f00:1]/"));
        assert!(forbidden("http://0x7f.1/"), "hex IPv4 is normalised to 127.0.0.1");
        assert!(forbidden("http://printer.local/"));
        assert!(!forbidden("https://shop.example.com/"));
    }

    #[test]
    fn redirect_hops_are_rechecked() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(redirect_refusal(&u("https://shop.example.com/wp-json/"), 0, false), None);
        for target in [
            "http://127.0.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:8080/",
            "http://[::ffff:10.0.0.1]/",
            "http://localhost:3000/",
            "http://10.0.0.1/",
            "http://100.64.0.1/",
        ] {
            assert!(redirect_refusal(&u(target), 0, false).is_some(), "{target}");
            assert_eq!(redirect_refusal(&u(target), 0, true), None, "{target} allowed with ALLOW_PRIVATE_NETWORK");
        }
        assert!(redirect_refusal(&u("file:///etc/passwd"), 0, true).is_some());
        assert!(redirect_refusal(&u("https://shop.example.com/"), MAX_REDIRECTS, false).is_some());
        assert!(redirect_refusal(&u("https://shop.example.com/"), MAX_REDIRECTS, true).is_some());
    }

    #[tokio::test]
    async fn resolve_checked_refuses_private_unless_allowed() {
        for h in ["localhost", "127.0.0.1", "10.0.0.1", "[::1]", "::ffff:192.168.0.1", "100.64.1.1"] {
            match resolve_checked(h, 22, "sftp.host", false).await {
                Err(Error::Validation(v)) => assert_eq!((v[0].field.as_str(), v[0].code.as_str()), ("sftp.host", "private_address"), "{h}"),
                other => panic!("{h}: {other:?}"),
            }
        }
        let ok = resolve_checked("127.0.0.1", 2222, "sftp.host", true).await.unwrap();
        assert_eq!(ok, vec!["127.0.0.1:2222".parse::<SocketAddr>().unwrap()]);
        assert_eq!(resolve_checked("93.184.216.34", 22, "h", false).await.unwrap().len(), 1);
        assert!(matches!(resolve_checked("", 22, "h", false).await, Err(Error::Validation(_))));
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

    /// A one-line HTTP server on 127.0.0.1: answers every request with `response` and counts them.
    async fn tiny_server(response: String) -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let h = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let response = response.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = sock.read(&mut buf).await;
                    let _ = sock.write_all(response.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        (port, hits)
    }

    #[tokio::test]
    async fn redirects_to_private_addresses_are_refused_hop_by_hop() {
        let (target, target_hits) = tiny_server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".into()).await;
        for location in [format!("http://localhost:{target}/"), format!("http://127.0.0.1:{target}/")] {
            let (redirector, _) = tiny_server(format!(
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ))
            .await;
            // The first hop is a literal loopback address only because this test has no public
            // server to start from; check_url would refuse it, the resolver never sees literals.
            let start = format!("http://127.0.0.1:{redirector}/feed");
            let before = target_hits.load(std::sync::atomic::Ordering::SeqCst);
            let guarded = outbound_client(false, Duration::from_secs(5)).unwrap();
            let err = guarded.get(&start).send().await.expect_err("redirect to a private address followed");
            assert!(err.is_redirect(), "{location}: {err:?}");
            assert_eq!(target_hits.load(std::sync::atomic::Ordering::SeqCst), before, "{location}: the guarded client reached the target");
            // With ALLOW_PRIVATE_NETWORK the same redirect is followed.
            let open = outbound_client(true, Duration::from_secs(5)).unwrap();
            let r = open.get(&start).send().await.unwrap();
            assert_eq!(r.status(), 200, "{location}");
            assert!(target_hits.load(std::sync::atomic::Ordering::SeqCst) > before);
        }
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
