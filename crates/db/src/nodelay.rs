//! `TCP_NODELAY` on PostgreSQL connections.
//!
//! sqlx 0.9.0 stopped setting it (transact-rs/sqlx#4335; the fix, #4336, is merged but not released as of
//! 2026-11). Without it Nagle's algorithm meets the server's delayed ACKs and every statement over TCP waits:
//! a full sync against a local PostgreSQL ran 2.7× slower over 127.0.0.1 than over the Unix socket. sqlx gives
//! no access to its socket, so after each new connection we look up this process's TCP sockets whose peer is the
//! database's port and switch the option on (idempotent; a socket that already has it is left alone). Remove
//! once a sqlx release sets it again.

/// Sets `TCP_NODELAY` on every TCP socket of this process connected to `port`; returns how many it changed.
pub fn set_on_sockets_to(port: u16) -> usize {
    let mut changed = 0;
    for_each_socket_to(port, |sock| {
        if sock.tcp_nodelay().is_ok_and(|on| !on) && sock.set_tcp_nodelay(true).is_ok() {
            changed += 1;
        }
    });
    changed
}

/// `TCP_NODELAY` of each TCP socket of this process connected to `port` (for tests and diagnostics).
pub fn states_of_sockets_to(port: u16) -> Vec<bool> {
    let mut states = Vec::new();
    for_each_socket_to(port, |sock| states.extend(sock.tcp_nodelay().ok()));
    states
}

#[cfg(target_os = "linux")]
fn for_each_socket_to(port: u16, mut f: impl FnMut(socket2::SockRef<'_>)) {
    use std::os::fd::BorrowedFd;
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else { return };
    for entry in dir.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        // Sockets only: their link reads `socket:[inode]`.
        if !std::fs::read_link(entry.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        // SAFETY: the descriptor was open when listed and is only borrowed for these calls. If another thread
        // closes (or reuses) it meanwhile, the calls fail (EBADF/ENOTSOCK) or find another peer, and it is skipped.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let sock = socket2::SockRef::from(&fd);
        let to_port = sock.peer_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.port() == port);
        if to_port && sock.r#type().is_ok_and(|t| t == socket2::Type::STREAM) {
            f(sock);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn for_each_socket_to(_port: u16, _f: impl FnMut(socket2::SockRef<'_>)) {}

/// The TCP port of a `postgres://` URL, or `None` when it connects through a Unix socket.
pub(crate) fn tcp_port(url: &str) -> Option<u16> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str().unwrap_or("");
    let socket_query = u.query_pairs().any(|(k, v)| k == "host" && v.starts_with('/'));
    if host.is_empty() || host.starts_with('%') || host.starts_with('/') || socket_query {
        return None;
    }
    Some(u.port().unwrap_or(5432))
}

#[cfg(test)]
mod tests {
    use super::tcp_port;

    #[test]
    fn port_of_postgres_urls() {
        assert_eq!(tcp_port("postgres://u@127.0.0.1/db"), Some(5432));
        assert_eq!(tcp_port("postgres://u:p@db.example.com:6543/db?sslmode=require"), Some(6543));
        assert_eq!(tcp_port("postgres://u@%2Fvar%2Frun%2Fpostgresql/db"), None);
        assert_eq!(tcp_port("postgres:///db?host=/var/run/postgresql"), None);
    }
}
