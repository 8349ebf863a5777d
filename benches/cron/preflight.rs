//! Before any run: the bench's own server answers conditional requests right, and the binary
//! is what it claims (fresh, and which config keys it knows), so the numbers mean something.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use crate::runner::write_config;
use crate::server::Host;

/// The bench's own server must get conditional requests right, or the second run's numbers
/// mean nothing: 200 plain, 304 for a matching ETag or date, 200 for a stale ETag.
pub(crate) fn self_check(host: &Host) -> Result<(), String> {
    let page = &host.pages[0];
    let cases = [
        (String::new(), "200"),
        (format!("If-None-Match: {}\r\n", page.etag), "304"),
        (format!("If-None-Match: W/{}\r\n", page.etag), "304"),
        ("If-None-Match: \"stale\"\r\n".to_string(), "200"),
        (
            format!("If-Modified-Since: {}\r\n", page.last_modified),
            "304",
        ),
        (
            "If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT\r\n".to_string(),
            "200",
        ),
    ];
    for (extra, expected) in cases {
        let status = http_status(host.port, &page.path, &extra)
            .map_err(|e| format!("server self-check: {e}"))?;
        if status.split_whitespace().nth(1) != Some(expected) {
            return Err(format!(
                "server self-check: expected {expected} for {:?}, got {status:?}",
                extra.trim()
            ));
        }
    }
    Ok(())
}

/// The status line of a GET with `extra` header lines, on a fresh connection.
fn http_status(port: u16, path: &str, extra: &str) -> Result<String, std::io::Error> {
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.take(1 << 20).read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    Ok(text.lines().next().unwrap_or_default().to_string())
}

pub(crate) fn stale_warning(bin: &Path, src: &Path) -> Option<String> {
    let built = std::fs::metadata(bin).and_then(|m| m.modified()).ok()?;
    let newest = newest_mtime(src, 0)?;
    (newest > built).then(|| {
        format!(
            "{} changed after {} was built; the numbers are for the binary as built (run `cargo build --release`)",
            src.display(),
            bin.display()
        )
    })
}

fn newest_mtime(dir: &Path, depth: usize) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten().take(10_000) {
        let path = entry.path();
        let time = if path.is_dir() && depth < 8 {
            newest_mtime(&path, depth + 1)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        newest = newest.max(time);
    }
    newest
}

pub(crate) fn binary_age(bin: &Path) -> Option<String> {
    let meta = std::fs::metadata(bin).ok()?;
    let age = meta.modified().ok()?.elapsed().ok()?.as_secs();
    Some(format!(
        "{:.1} MB, built {} ago",
        meta.len() as f64 / 1e6,
        if age < 120 {
            format!("{age} s")
        } else {
            format!("{} min", age / 60)
        }
    ))
}

/// Whether the binary's config accepts `per_host_concurrency` (`opml` loads the config
/// and fetches nothing; an unknown key is a config error, exit 2).
pub(crate) fn supports_per_host(bin: &Path, work: &Path) -> bool {
    let dir = work.join("probe");
    let feeds = vec![(
        "probe".to_string(),
        vec!["http://127.0.0.1:9/a.html".to_string()],
    )];
    let Ok(config) = write_config(&dir, true, &feeds) else {
        return false;
    };
    Command::new(bin)
        .args(["opml", "--config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
