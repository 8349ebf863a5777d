//! Shared pieces of the end-to-end tests: a loopback HTTP server the test starts itself,
//! the path of the real binary, the shipped fixtures, and the feed consumer checks.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// What the server answers on one path.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this content type and body.
    Page {
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// A bare status with a short body.
    Status(u16),
    /// 302 to this location.
    Redirect(String),
    /// Waits this long before answering 200 with the body (to trip timeouts).
    Slow { delay: Duration, body: Vec<u8> },
    /// Answers `status` (with `Retry-After: retry_after` when given) the first `failures`
    /// times, then like `then`.
    Flaky {
        failures: usize,
        status: u16,
        retry_after: Option<u64>,
        then: Box<Reply>,
        seen: Arc<AtomicUsize>,
    },
    /// Adds headers (e.g. `Cache-Control`) to another reply.
    WithHeaders(Vec<(&'static str, String)>, Box<Reply>),
    /// Sends headers, then body bytes forever (until the client gives up).
    Endless,
    /// Accepts the connection and never answers.
    Hang,
    /// Closes the connection without a word.
    Reset,
}

impl Reply {
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::Page {
            content_type: "text/html; charset=utf-8",
            body: body.into(),
        }
    }

    pub fn flaky(failures: usize, status: u16, retry_after: Option<u64>, then: Reply) -> Reply {
        Reply::Flaky {
            failures,
            status,
            retry_after,
            then: Box::new(then),
            seen: Arc::new(AtomicUsize::new(0)),
        }
    }
}

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers from a fixed table, one thread per
/// connection, closing each connection after one response.
pub struct Server {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    /// Requests per path, `/robots.txt` included.
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    pub fn start(routes: Vec<(&str, Reply)>) -> Server {
        Server::with_listener(
            TcpListener::bind("127.0.0.1:0").expect("bind loopback"),
            routes,
        )
    }

    /// Serves on a listener bound beforehand, for pages that must know their own address.
    pub fn with_listener(listener: TcpListener, routes: Vec<(&str, Reply)>) -> Server {
        let routes: Arc<HashMap<String, Reply>> = Arc::new(
            routes
                .into_iter()
                .map(|(p, r)| (p.to_string(), r))
                .collect(),
        );
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let (stop2, hits2) = (stop.clone(), hits.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let routes = routes.clone();
                let hits = hits2.clone();
                std::thread::spawn(move || serve(stream, &routes, &hits));
            }
        });
        Server { addr, stop, hits }
    }

    /// Requests so far, not counting `/robots.txt`.
    pub fn page_requests(&self) -> usize {
        let hits = self.hits.lock().unwrap();
        hits.iter()
            .filter(|(p, _)| p.as_str() != "/robots.txt")
            .map(|(_, n)| n)
            .sum()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(
    mut stream: TcpStream,
    routes: &HashMap<String, Reply>,
    hits: &Mutex<HashMap<String, usize>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {
                if let Some((k, v)) = header.split_once(':') {
                    if k.trim().eq_ignore_ascii_case("if-none-match") {
                        if_none_match = Some(v.trim().to_string());
                    }
                }
            }
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let reply = routes.get(&path).cloned();
    respond(&mut stream, reply, if_none_match.as_deref(), Vec::new());
}

fn respond(
    stream: &mut TcpStream,
    reply: Option<Reply>,
    if_none_match: Option<&str>,
    mut extra: Vec<(String, String)>,
) {
    let html = |s: &str| vec![("Content-Type".to_string(), s.to_string())];
    let (status, mut headers, body): (u16, Vec<(String, String)>, Vec<u8>) = match reply {
        Some(Reply::Page { content_type, body }) => {
            let etag = format!(
                "\"{:x}\"",
                body.iter()
                    .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)))
            );
            if if_none_match == Some(etag.as_str()) {
                (304, vec![("ETag".into(), etag)], Vec::new())
            } else {
                let mut h = html(content_type);
                h.push(("ETag".into(), etag));
                (200, h, body)
            }
        }
        Some(Reply::Status(code)) => (
            code,
            html("text/html"),
            format!("<h1>status {code}</h1>").into_bytes(),
        ),
        Some(Reply::Redirect(to)) => (302, vec![("Location".into(), to)], Vec::new()),
        Some(Reply::Slow { delay, body }) => {
            std::thread::sleep(delay);
            (200, html("text/html"), body)
        }
        Some(Reply::Flaky {
            failures,
            status,
            retry_after,
            then,
            seen,
        }) => {
            if seen.fetch_add(1, Ordering::SeqCst) < failures {
                let mut h = html("text/html");
                if let Some(s) = retry_after {
                    h.push(("Retry-After".into(), s.to_string()));
                }
                (status, h, b"<h1>try again</h1>".to_vec())
            } else {
                return respond(stream, Some(*then), if_none_match, extra);
            }
        }
        Some(Reply::WithHeaders(add, then)) => {
            extra.extend(add.into_iter().map(|(k, v)| (k.to_string(), v)));
            return respond(stream, Some(*then), if_none_match, extra);
        }
        Some(Reply::Endless) => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>");
            let chunk = [b'a'; 64 * 1024];
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(60) && stream.write_all(&chunk).is_ok() {}
            return;
        }
        Some(Reply::Hang) => {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
        Some(Reply::Reset) => return,
        None => (404, html("text/html"), b"<h1>not found</h1>".to_vec()),
    };
    headers.extend(extra);
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_feedgen")
}

pub fn feedgen(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .output()
        .expect("run feedgen")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures").join(name)).expect("fixture")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Parses a feed with feed-rs, an independent parser, failing the test if it does not parse.
pub fn parse_feed(bytes: &[u8]) -> feed_rs::model::Feed {
    feed_rs::parser::parse(bytes).unwrap_or_else(|e| {
        panic!(
            "feed does not parse: {e}\n{}",
            String::from_utf8_lossy(bytes)
        )
    })
}

/// The repository's own feed consumers (feedparser, newsboat), run by
/// `tests/consumers/check-feed`.
pub fn consumer_checker() -> PathBuf {
    repo().join("tests/consumers/check-feed")
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1")
}

/// What the consumer checks need and this machine lacks (empty when nothing), asked once
/// per test binary: `check-feed --tools` is the same lookup the checker itself makes, so the
/// tests and a hand run never disagree on what is installed.
fn missing_consumer_tools() -> &'static [String] {
    static MISSING: OnceLock<Vec<String>> = OnceLock::new();
    MISSING.get_or_init(|| {
        match Command::new("bash")
            .arg(consumer_checker())
            .arg("--tools")
            .output()
        {
            Ok(out) if out.status.success() => Vec::new(),
            Ok(out) => {
                let missing: Vec<String> = stdout(&out)
                    .lines()
                    .filter_map(|l| l.strip_prefix("missing "))
                    .map(str::to_string)
                    .collect();
                if missing.is_empty() {
                    vec![format!(
                        "check-feed --tools failed: {}",
                        stderr(&out).trim()
                    )]
                } else {
                    missing
                }
            }
            Err(e) => vec![format!("bash, to run tests/consumers/check-feed ({e})")],
        }
    })
}

/// Runs `tests/consumers/check-feed` on the files and returns what it said, or None when
/// its tools are not installed: then a note names what is missing and how to install it,
/// once per test binary, on the real stderr (test output capture would hide it). With
/// FEEDGEN_REQUIRE_CHECK_FEED=1 (as `.ci/run` sets) a missing tool fails the test instead.
pub fn run_consumer_checks(files: &[&Path]) -> Option<Output> {
    let missing = missing_consumer_tools();
    if !missing.is_empty() {
        let what = missing.join("; ");
        assert!(
            !env_flag("FEEDGEN_REQUIRE_CHECK_FEED"),
            "FEEDGEN_REQUIRE_CHECK_FEED=1, but the feed consumer checks cannot run, missing: \
             {what}\ninstall them with: bash scripts/setup-test-tools.sh"
        );
        static NOTED: AtomicBool = AtomicBool::new(false);
        if !NOTED.swap(true, Ordering::SeqCst) {
            let _ = writeln!(
                std::io::stderr(),
                "note: feed consumer checks (tests/consumers) skipped, missing: {what}\n\
                 note: install them once with `bash scripts/setup-test-tools.sh`; \
                 feeds are still read back with feed-rs"
            );
        }
        return None;
    }
    Some(
        Command::new("bash")
            .arg(consumer_checker())
            .args(files)
            .output()
            .expect("run tests/consumers/check-feed"),
    )
}

/// Reads the files with real feed consumers (`tests/consumers/check-feed`: feedparser,
/// newsboat) and fails the test when one of them finds a problem. Where those are not
/// installed it skips with a note (see [`run_consumer_checks`]); every test still reads its
/// feeds back with feed-rs. FEEDGEN_SKIP_CHECK_FEED=1 skips them on purpose.
pub fn check_feed(files: &[&Path]) {
    if env_flag("FEEDGEN_SKIP_CHECK_FEED") {
        return;
    }
    let Some(out) = run_consumer_checks(files) else {
        return;
    };
    assert!(
        out.status.success(),
        "tests/consumers/check-feed failed (exit {:?}):\n{}{}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
}

/// Cases per fuzz batch: `default` in CI, more with `FEEDGEN_FUZZ_CASES`.
pub fn fuzz_cases(default: u32) -> u32 {
    std::env::var("FEEDGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `check` on 300-case batches of generated values until `FEEDGEN_FUZZ_SECONDS` have
/// passed (one batch without it). A panic in `check` fails the test with the (shrunk) value.
pub fn fuzz<S: proptest::strategy::Strategy>(name: &str, strategy: S, check: impl Fn(S::Value)) {
    fuzz_with(name, 300, strategy, |value| {
        check(value);
        Ok(())
    });
}

/// [`fuzz`] for checks that report failures themselves, with `default_cases` per batch.
/// Each batch has its own fixed seed, so a failure can be replayed.
pub fn fuzz_with<S: proptest::strategy::Strategy>(
    name: &str,
    default_cases: u32,
    strategy: S,
    check: impl Fn(S::Value) -> Result<(), proptest::test_runner::TestCaseError>,
) {
    use proptest::test_runner::{Config, RngSeed, TestRunner};
    let budget = std::env::var("FEEDGEN_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let started = std::time::Instant::now();
    let cases = fuzz_cases(default_cases);
    let mut total = 0u64;
    loop {
        let config = Config {
            cases,
            rng_seed: RngSeed::Fixed(total),
            // The seed above replays a failure; proptest's file of failures needs a source path.
            failure_persistence: None,
            ..Config::default()
        };
        TestRunner::new(config)
            .run(&strategy, &check)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        total += u64::from(cases);
        if budget.is_none_or(|b| started.elapsed().as_secs() >= b) {
            break;
        }
    }
    if budget.is_some() {
        println!(
            "{name}: fuzzed {total} cases in {:.0}s without a failure",
            started.elapsed().as_secs_f64()
        );
    }
}
