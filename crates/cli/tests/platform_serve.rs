//! The `productsynch` binary: configuration errors, `--help`, `migrate`, and graceful shutdown
//! on SIGTERM with a request still in flight.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_productsynch");

fn base_cmd(data_dir: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("SHUTDOWN_TIMEOUT_SECS", "20")
        .current_dir(data_dir);
    c
}

#[test]
fn help_on_every_command() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["demo", "--help"],
        &["sim", "--help"],
        &["sim", "generate", "--help"],
        &["feed", "--help"],
        &["feed", "validate", "--help"],
        &["feed", "build", "--help"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage"), "{args:?}: {text}");
    }
    let out = Command::new(BIN).args(["serve", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("--role"));
}

#[test]
fn invalid_configuration_names_the_variable_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value) in [("PORT", "not-a-port"), ("DATABASE_URL", "mysql://x"), ("RATE_LIMIT_AUTH_PER_IP", "lots")] {
        let out = base_cmd(dir.path()).env(var, value).arg("serve").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(var), "{var}: {err}");
    }
    let out = base_cmd(dir.path()).env("APP_ENV", "production").arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("JWT_SECRET"));
}

#[test]
fn migrate_applies_then_reports_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = base_cmd(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("applied"));
    let out = base_cmd(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
}

struct Server {
    child: Child,
    addr: String,
    logs: std::sync::mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path, role: &str) -> Server {
    let mut child = base_cmd(dir).args(["serve", "--role", role]).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut addr = None;
    while addr.is_none() {
        let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("server should log `listening`");
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
            && v["message"] == "listening"
        {
            addr = v["address"].as_str().map(|a| a.trim_start_matches("http://").to_owned());
        }
    }
    Server { child, addr: addr.unwrap(), logs: rx }
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success();
    assert!(ok, "kill -TERM");
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "server did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_finishes_the_in_flight_request_then_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(dir.path(), "all");

    let mut probe = TcpStream::connect(&server.addr).unwrap();
    write!(probe, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    probe.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");

    // A request whose body is still arriving when the signal comes.
    let body = br#"{"email":"nobody@example.com","password":"wrong password"}"#;
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(&body[..10]).unwrap();
    s.flush().unwrap();

    sigterm(&server.child);
    // wait until the process has seen the signal
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = server.logs.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("shutdown log");
        if line.contains("shutting down") {
            break;
        }
    }
    // new connections are refused or closed without an answer...
    // ...but the in-flight request completes with a real response.
    s.write_all(&body[10..]).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 401"), "in-flight request answered: {resp}");

    let status = wait_exit(&mut server.child);
    assert!(status.success(), "clean exit: {status:?}");
    let rest: Vec<String> = server.logs.try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("shutdown complete")), "{rest:?}");
}

/// A plain HTTP/1.1 GET; returns (status line, body).
fn http_get(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.lines().next().unwrap_or_default().to_owned();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[test]
fn worker_role_serves_ops_endpoints_only_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = base_cmd(dir.path()).args(["serve", "--role", "worker"]).stdout(Stdio::piped()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let (mut started, mut addr) = (false, None::<String>);
    while !(started && addr.is_some()) {
        let line = lines.next().expect("worker output").unwrap();
        started |= line.contains("worker started");
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
            && v["message"].as_str().is_some_and(|m| m.starts_with("ops endpoints listening"))
        {
            addr = v["address"].as_str().map(|a| a.trim_start_matches("http://").to_owned());
        }
        assert!(!line.contains(r#""message":"listening""#), "a worker serves no API: {line}");
    }
    let addr = addr.unwrap();
    let (status, body) = http_get(&addr, "/healthz");
    assert!(status.contains(" 200"), "{status} {body}");
    let (status, _) = http_get(&addr, "/readyz");
    assert!(status.contains(" 200"), "{status}");
    let (status, body) = http_get(&addr, "/metrics");
    assert!(status.contains(" 200"), "{status}");
    // the job gauges, every known queue and status, zeros included
    assert!(body.contains(r#"productsynch_jobs{queue="maintenance",status="queued"}"#), "{body}");
    assert!(body.contains(r#"route="/healthz""#), "requests to the worker are counted: {body}");
    let (status, _) = http_get(&addr, "/api/v1/auth/me");
    assert!(status.contains(" 404"), "no API on a worker: {status}");

    sigterm(&child);
    let status = wait_exit(&mut child);
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("worker stopped")), "{rest:?}");
}

#[test]
fn unreadable_tls_files_exit_2_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing-cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&key, "not a key").unwrap();
    let out = base_cmd(dir.path()).env("TLS_CERT", &missing).env("TLS_KEY", &key).arg("serve").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TLS_CERT"), "{err}");
    // a readable certificate with a garbage key names TLS_KEY
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").unwrap();
    let out = base_cmd(dir.path()).env("TLS_CERT", &cert).env("TLS_KEY", &key).args(["serve", "--role", "worker"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TLS_"), "{err}");
}

#[test]
fn unreachable_redis_exits_2_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    // a port nothing listens on
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = base_cmd(dir.path()).env("REDIS_URL", format!("redis://127.0.0.1:{port}")).arg("serve").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("REDIS_URL"));
}
