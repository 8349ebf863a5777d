//! Cron benchmark: `feedgen run` against 50 local sites of 20 article pages each.
//!
//! ```text
//! cargo build --release          # the bench runs target/release/feedgen
//! cargo bench --bench cron       # prints a report, writes target/bench-cron.json
//! FEEDGEN_BENCH_HOSTS=100 FEEDGEN_BENCH_PAGES=100 cargo bench --bench cron   # 10,000 pages
//! ```
//!
//! The bench only runs the binary; it never builds it (though `cargo bench` itself rebuilds
//! the package's binaries first, with the release settings). `FEEDGEN_BIN=/path/to/feedgen`
//! benchmarks another binary instead. Linux only: it reads /proc and uses /usr/bin/time.
//!
//! What it does, all on 127.0.0.1:
//!
//! 1. Starts 50 HTTP/1.1 servers ("hosts", one port each), every one serving 20 generated
//!    article pages of 10–30 KB (head with Open Graph tags, nav, byline, date, 5–10
//!    paragraphs, related links, comments, footer), 50 ms latency on every response,
//!    keep-alive, ETag and Last-Modified on every page, 304 when the validators match.
//! 2. First run: one feed per host. Wall time, pages/s, peak RSS of feedgen.
//! 3. Second run, nothing changed: wall time, requests the servers saw, extractions (from
//!    `--json` when the binary has it) and whether every output file stayed byte-identical.
//! 4. Faults run, fresh output folder: the 50 hosts plus hosts that reset the connection,
//!    never answer, stream an endless body (fast, and a slow trickle), redirect in a loop,
//!    answer 500 once then 200, and serve binary garbage as text/html. It must end in under
//!    60 s with exit code 1, the faulty feeds failed and every healthy feed written.
//!
//! The bench exits non-zero when one of those checks fails, after printing the report.
//! Every loop is bounded by a count or a deadline, and feedgen is killed after 180 s.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

/// Hosts and pages per host when `FEEDGEN_BENCH_HOSTS` / `FEEDGEN_BENCH_PAGES` do not say:
/// 1,000 pages. The scale runs of the README use 100 × 100 and 200 × 500.
const DEFAULT_HOSTS: usize = 50;
const DEFAULT_PAGES_PER_HOST: usize = 20;

/// A positive count from the environment, else `default`.
fn scale(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(v) => v
            .parse::<usize>()
            .ok()
            .filter(|&n| (1..=10_000).contains(&n))
            .ok_or_else(|| format!("{name}={v:?}: give a count from 1 to 10000")),
    }
}
/// Pages listed in each fault feed. A host that never answers costs about
/// `ceil(FAULT_PAGES / per_host_concurrency) × timeout_secs` of wall time.
const FAULT_PAGES: usize = 4;
const LATENCY: Duration = Duration::from_millis(50);
const TIMEOUT_SECS: u64 = 5;
const CONCURRENCY: usize = 64;
const PER_HOST_CONCURRENCY: usize = 2;
/// The faults run must end within this, plus the first run's time (it redoes those pages).
const FAULT_RUN_LIMIT: Duration = Duration::from_secs(60);
/// Any feedgen run still going after this is killed (and counts as hung).
const KILL_AFTER: Duration = Duration::from_secs(180);
/// A keep-alive connection with no request for this long is closed.
const IDLE_LIMIT: Duration = Duration::from_secs(30);
/// How often blocked server threads look at the stop flag.
const POLL: Duration = Duration::from_millis(250);
const MAX_CONNECTIONS_PER_HOST: usize = 100_000;
const MAX_REQUESTS_PER_CONNECTION: usize = 10_000;
const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Caps on what one endless or hanging response may cost the server.
const STREAM_CAP_BYTES: u64 = 1 << 30;
const STREAM_CAP_TIME: Duration = Duration::from_secs(120);

fn main() -> ExitCode {
    match bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("cron bench: {message}");
            ExitCode::from(2)
        }
    }
}

#[allow(non_snake_case)] // HOSTS and PAGES_PER_HOST read as the constants they were.
fn bench() -> Result<bool, String> {
    let HOSTS = scale("FEEDGEN_BENCH_HOSTS", DEFAULT_HOSTS)?;
    let PAGES_PER_HOST = scale("FEEDGEN_BENCH_PAGES", DEFAULT_PAGES_PER_HOST)?;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("target"));
    let bin = std::env::var_os("FEEDGEN_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir.join("release").join("feedgen"));
    if !bin.is_file() {
        return Err(format!(
            "{} not found: build it first with `cargo build --release` (or set FEEDGEN_BIN)",
            bin.display()
        ));
    }
    if let Some(warning) = stale_warning(&bin, &manifest.join("src")) {
        println!("warning: {warning}");
    }
    let gnu_time = Command::new("/usr/bin/time")
        .args(["-v", "-o", "/dev/null", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let has_json = Command::new(&bin)
        .args(["run", "--help"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("--json"))
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let work = tempfile::Builder::new()
        .prefix("feedgen-cron-bench-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let has_per_host = supports_per_host(&bin, work.path());

    let mut specs: Vec<(String, Kind, usize)> = (0..HOSTS)
        .map(|i| (format!("host{i:02}"), Kind::Healthy, PAGES_PER_HOST))
        .collect();
    for kind in Kind::FAULTS {
        specs.push((kind.name().to_string(), kind, FAULT_PAGES));
    }
    let farm = Farm::start(&specs)?;
    self_check(&farm.hosts[0])?;
    let healthy: Vec<Arc<Host>> = farm
        .hosts
        .iter()
        .filter(|h| h.kind == Kind::Healthy)
        .cloned()
        .collect();
    let faulty: Vec<Arc<Host>> = farm
        .hosts
        .iter()
        .filter(|h| h.kind != Kind::Healthy)
        .cloned()
        .collect();
    let sizes: Vec<usize> = healthy
        .iter()
        .flat_map(|h| h.pages.iter().map(|p| p.body.len()))
        .collect();
    let total_pages = sizes.len();
    let avg_kb = sizes.iter().sum::<usize>() as f64 / total_pages as f64 / 1024.0;
    let min_kb = *sizes.iter().min().unwrap_or(&0) as f64 / 1024.0;
    let max_kb = *sizes.iter().max().unwrap_or(&0) as f64 / 1024.0;
    println!(
        "cron bench: {} ({})",
        bin.display(),
        binary_age(&bin).unwrap_or_default()
    );
    println!(
        "setup:      {HOSTS} hosts × {PAGES_PER_HOST} pages, {min_kb:.1}–{max_kb:.1} KB (avg {avg_kb:.1} KB), {} ms latency; concurrency {CONCURRENCY}, per_host_concurrency {}, timeout {TIMEOUT_SECS} s; --json: {}; RSS from {}",
        LATENCY.as_millis(),
        if has_per_host {
            PER_HOST_CONCURRENCY.to_string()
        } else {
            "not supported by this binary (left out)".into()
        },
        yes_no(has_json),
        if gnu_time {
            "/usr/bin/time -v"
        } else {
            "polling /proc/PID/status VmHWM"
        },
    );

    let mut failures: Vec<String> = Vec::new();
    let runner = Runner {
        bin: bin.clone(),
        gnu_time,
        json: has_json,
        work: work.path().to_path_buf(),
    };

    // First run: every page is new.
    let cron_dir = work.path().join("cron");
    let healthy_feeds: Vec<(String, Vec<String>)> = healthy.iter().map(|h| h.feed()).collect();
    let config = write_config(&cron_dir, has_per_host, &healthy_feeds)?;
    farm.reset_stats();
    let first = runner.run("first", &config)?;
    let first_server = farm.stats_json(&healthy);
    let first_feeds = check_feeds(&cron_dir.join("out"), &healthy);
    let first_errors = error_lines(&first.stderr);
    let pages_per_s = total_pages as f64 / first.wall;
    if first.status != Some(0) {
        failures.push(format!("first run: exit {}", first.status_text()));
    }
    if !first_feeds.bad.is_empty() {
        failures.push(format!(
            "first run: feeds missing or short: {}",
            abbreviate(&first_feeds.bad)
        ));
    }
    let peak_one_host = healthy
        .iter()
        .map(|h| h.stats.peak_in_flight.load(SeqCst))
        .max()
        .unwrap_or(0);
    if has_per_host && peak_one_host > PER_HOST_CONCURRENCY {
        failures.push(format!(
            "first run: {peak_one_host} requests in flight on one host, per_host_concurrency is {PER_HOST_CONCURRENCY}"
        ));
    }
    if !first_errors.is_empty() {
        failures.push(format!(
            "first run: {} error lines, e.g. {}",
            first_errors.len(),
            first_errors[0].line
        ));
    }
    let snapshot = read_dir_files(&cron_dir.join("out"));
    let first_line = format!(
        "first run:  {total_pages} pages, {HOSTS} hosts, {:.2} s, {pages_per_s:.0} pages/s, peak RSS {}, exit {}; feeds with all {PAGES_PER_HOST} entries: {}/{HOSTS}",
        first.wall,
        first.rss_text(),
        first.status_text(),
        first_feeds.complete,
    );
    let slots = if has_per_host {
        CONCURRENCY.min(HOSTS * PER_HOST_CONCURRENCY)
    } else {
        CONCURRENCY
    };
    // Every page and one robots.txt per host, each taking LATENCY, `slots` at a time.
    let ideal = (total_pages + HOSTS) as f64 * LATENCY.as_secs_f64() / slots as f64;
    let first_server_line = format!(
        "            server: {}\n            ideal with {slots} requests in flight: {ideal:.2} s, {:.0} pages/s",
        server_summary(&farm, &healthy),
        total_pages as f64 / ideal,
    );
    println!("{first_line}\n{first_server_line}");
    print_errors(&first_errors);

    // Second run: nothing changed on the sites.
    farm.reset_stats();
    let second = runner.run("second", &config)?;
    let second_server = farm.stats_json(&healthy);
    let after = read_dir_files(&cron_dir.join("out"));
    let changed: Vec<String> = snapshot
        .keys()
        .chain(after.keys())
        .filter(|k| snapshot.get(*k) != after.get(*k))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let identical = changed.is_empty() && !snapshot.is_empty();
    let page_requests = sum(&healthy, |s| {
        s.pages_ok.load(SeqCst) + s.not_modified.load(SeqCst)
    });
    let robots = sum(&healthy, |s| s.robots.load(SeqCst));
    let not_modified = sum(&healthy, |s| s.not_modified.load(SeqCst));
    let conditional = sum(&healthy, |s| s.conditional.load(SeqCst));
    let extractions = second.json_field("extractions");
    if second.status != Some(0) {
        failures.push(format!("second run: exit {}", second.status_text()));
    }
    if !identical {
        failures.push(format!(
            "second run: output changed although no page did: {}",
            if changed.is_empty() {
                "no files at all".to_string()
            } else {
                abbreviate(&changed)
            }
        ));
    }
    let second_errors = error_lines(&second.stderr);
    let second_line = format!(
        "second run: extractions {}, {page_requests} page requests ({} full 200s, {not_modified} × 304, {conditional} conditional; {robots} robots.txt), {:.2} s, peak RSS {}, exit {}, feeds byte-identical: {}",
        extractions.map_or_else(
            || "n/a (no --json output)".to_string(),
            |n| n.to_string()
        ),
        page_requests - not_modified,
        second.wall,
        second.rss_text(),
        second.status_text(),
        if identical {
            "yes".to_string()
        } else if snapshot.is_empty() {
            "NO (no output files)".to_string()
        } else {
            format!("NO ({} files differ)", changed.len())
        },
    );
    println!("{second_line}");
    print_errors(&second_errors);

    // Faults run: fault feeds first, so their hanging requests take concurrency slots early.
    farm.reset_stats();
    let fault_dir = work.path().join("faults");
    let mut fault_feeds: Vec<(String, Vec<String>)> = faulty.iter().map(|h| h.feed()).collect();
    fault_feeds.extend(healthy_feeds.iter().cloned());
    let fault_config = write_config(&fault_dir, has_per_host, &fault_feeds)?;
    let faults = runner.run("faults", &fault_config)?;
    let fault_server = farm.stats_json(&farm.hosts);
    let fault_errors = error_lines(&faults.stderr);
    let fault_healthy = check_feeds(&fault_dir.join("out"), &healthy);
    let mut failed_kinds: Vec<&str> = Vec::new();
    let mut not_failed: Vec<&str> = Vec::new();
    let mut fault_detail = serde_json::Map::new();
    for host in &faulty {
        let errors: Vec<&ErrorLine> = fault_errors
            .iter()
            .filter(|e| e.feed == host.name)
            .collect();
        let file = fault_dir.join("out").join(format!("{}.xml", host.name));
        let entries = std::fs::read_to_string(&file).ok().map(|t| count_items(&t));
        fault_detail.insert(
            host.name.clone(),
            json!({
                "failed_sources": errors.len(),
                "reasons": errors.iter().map(|e| e.reason.clone()).collect::<Vec<_>>(),
                "feed_entries": entries,
                "server_requests": host.stats.requests.load(SeqCst),
            }),
        );
        if host.kind == Kind::Flaky {
            continue;
        }
        if errors.is_empty() {
            not_failed.push(host.kind.name());
        } else {
            failed_kinds.push(host.kind.name());
        }
    }
    let flaky_host = faulty.iter().find(|h| h.kind == Kind::Flaky);
    let flaky_recovered = flaky_host.is_some_and(|h| {
        !fault_errors.iter().any(|e| e.feed == h.name)
            && fault_detail[&h.name]["feed_entries"] == json!(FAULT_PAGES)
    });
    let unexpected: Vec<&ErrorLine> = fault_errors
        .iter()
        .filter(|e| !faulty.iter().any(|h| h.name == e.feed))
        .collect();
    // The faults run redoes every healthy page as well: its limit grows with the first run.
    let fault_limit = FAULT_RUN_LIMIT.as_secs_f64() + first.wall;
    if faults.killed || faults.wall >= fault_limit {
        failures.push(format!(
            "faults run took {:.1} s{} (limit {fault_limit:.0} s: 60 s more than the first run)",
            faults.wall,
            if faults.killed { ", killed" } else { "" },
        ));
    }
    if faults.status != Some(1) {
        failures.push(format!(
            "faults run: exit {}, expected 1",
            faults.status_text()
        ));
    }
    if !not_failed.is_empty() {
        failures.push(format!(
            "faults run: no error reported for: {}",
            not_failed.join(", ")
        ));
    }
    if !fault_healthy.bad.is_empty() {
        failures.push(format!(
            "faults run: healthy feeds missing or short: {}",
            abbreviate(&fault_healthy.bad)
        ));
    }
    if !unexpected.is_empty() {
        failures.push(format!(
            "faults run: {} errors on healthy feeds, e.g. {}",
            unexpected.len(),
            unexpected[0].line
        ));
    }
    let fault_line = format!(
        "faults:     ended in {:.1} s{}, exit {}, peak RSS {}; failed: {}{}; flaky 500→200: {}; healthy feeds written: {}/{HOSTS}",
        faults.wall,
        if faults.killed { " (KILLED: hung)" } else { "" },
        faults.status_text(),
        faults.rss_text(),
        if failed_kinds.is_empty() {
            "none".to_string()
        } else {
            failed_kinds.join(", ")
        },
        if not_failed.is_empty() {
            String::new()
        } else {
            format!("; NOT reported: {}", not_failed.join(", "))
        },
        if flaky_recovered {
            "recovered"
        } else {
            "not recovered"
        },
        fault_healthy.complete,
    );
    println!("{fault_line}");
    for host in &faulty {
        let detail = &fault_detail[&host.name];
        let reason = detail["reasons"][0].as_str().unwrap_or("(no error)");
        println!(
            "            {:<8} {} request(s), {} failed source(s), feed entries {}: {}",
            host.name,
            detail["server_requests"],
            detail["failed_sources"],
            detail["feed_entries"],
            reason
        );
    }
    for e in unexpected.iter().take(5) {
        println!("            unexpected: {}", e.line);
    }

    if failures.is_empty() {
        println!("checks:     all passed");
    } else {
        println!("checks:     {} FAILED", failures.len());
        for f in &failures {
            println!("            - {f}");
        }
    }

    let report = json!({
        "binary": bin.display().to_string(),
        "binary_has_json": has_json,
        "binary_has_per_host_concurrency": has_per_host,
        "setup": {
            "hosts": HOSTS,
            "pages_per_host": PAGES_PER_HOST,
            "fault_pages": FAULT_PAGES,
            "latency_ms": LATENCY.as_millis() as u64,
            "timeout_secs": TIMEOUT_SECS,
            "concurrency": CONCURRENCY,
            "per_host_concurrency": has_per_host.then_some(PER_HOST_CONCURRENCY),
            "page_kb": {"min": min_kb, "avg": avg_kb, "max": max_kb},
            "rss_source": if gnu_time { "/usr/bin/time -v" } else { "/proc VmHWM polling" },
        },
        "first_run": {
            "pages": total_pages,
            "wall_seconds": first.wall,
            "pages_per_second": pages_per_s,
            "ideal_wall_seconds": ideal,
            "peak_rss_kb": first.peak_rss_kb,
            "exit": first.status,
            "feeds_complete": first_feeds.complete,
            "errors": first_errors.len(),
            "feedgen_json": first.json,
            "feedgen_summary": first.summary_line(),
            "server": first_server,
        },
        "second_run": {
            "wall_seconds": second.wall,
            "peak_rss_kb": second.peak_rss_kb,
            "exit": second.status,
            "extractions": extractions,
            "page_requests": page_requests,
            "not_modified": not_modified,
            "conditional_requests": conditional,
            "robots_requests": robots,
            "feeds_byte_identical": identical,
            "changed_files": changed,
            "feedgen_json": second.json,
            "feedgen_summary": second.summary_line(),
            "server": second_server,
        },
        "faults_run": {
            "wall_seconds": faults.wall,
            "killed": faults.killed,
            "peak_rss_kb": faults.peak_rss_kb,
            "exit": faults.status,
            "failed": failed_kinds,
            "not_reported": not_failed,
            "flaky_recovered": flaky_recovered,
            "healthy_feeds_complete": fault_healthy.complete,
            "unexpected_errors": unexpected.iter().map(|e| e.line.clone()).collect::<Vec<_>>(),
            "faults": fault_detail,
            "feedgen_json": faults.json,
            "feedgen_summary": faults.summary_line(),
            "server": fault_server,
        },
        "report": [first_line, second_line, fault_line],
        "failed_checks": failures,
    });
    let json_path = target_dir.join("bench-cron.json");
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    match std::fs::write(&json_path, text + "\n") {
        Ok(()) => println!("numbers:    {}", json_path.display()),
        Err(e) => println!("cannot write {}: {e}", json_path.display()),
    }
    farm.stop();
    Ok(failures.is_empty())
}

/// The first few names of a long list.
fn abbreviate(names: &[String]) -> String {
    let mut text = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        text.push_str(&format!(" … and {} more", names.len() - 5));
    }
    text
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn sum(hosts: &[Arc<Host>], f: impl Fn(&Stats) -> usize) -> usize {
    hosts.iter().map(|h| f(&h.stats)).sum()
}

/// Requests per host as "20 × 48 hosts, 22 × 2 hosts", plus totals and peaks.
fn server_summary(farm: &Farm, hosts: &[Arc<Host>]) -> String {
    let mut histogram: BTreeMap<usize, usize> = BTreeMap::new();
    for h in hosts {
        *histogram.entry(h.stats.requests.load(SeqCst)).or_default() += 1;
    }
    let per_host: Vec<String> = histogram
        .iter()
        .map(|(requests, n)| format!("{requests} × {n} hosts"))
        .collect();
    format!(
        "{} requests ({} pages 200, {} × 304, {} robots.txt, {} other) on {} connections; requests per host: {}; peak in flight {} overall, {} on one host",
        sum(hosts, |s| s.requests.load(SeqCst)),
        sum(hosts, |s| s.pages_ok.load(SeqCst)),
        sum(hosts, |s| s.not_modified.load(SeqCst)),
        sum(hosts, |s| s.robots.load(SeqCst)),
        sum(hosts, |s| s.other.load(SeqCst)),
        sum(hosts, |s| s.connections.load(SeqCst)),
        per_host.join(", "),
        farm.global.peak_in_flight.load(SeqCst),
        hosts
            .iter()
            .map(|h| h.stats.peak_in_flight.load(SeqCst))
            .max()
            .unwrap_or(0),
    )
}

/// The bench's own server must get conditional requests right, or the second run's numbers
/// mean nothing: 200 plain, 304 for a matching ETag or date, 200 for a stale ETag.
fn self_check(host: &Host) -> Result<(), String> {
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

fn stale_warning(bin: &Path, src: &Path) -> Option<String> {
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

fn binary_age(bin: &Path) -> Option<String> {
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
fn supports_per_host(bin: &Path, work: &Path) -> bool {
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

fn write_config(
    dir: &Path,
    per_host: bool,
    feeds: &[(String, Vec<String>)],
) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Every page of a feed stays in it, however large the bench is scaled.
    let max_items = feeds
        .iter()
        .map(|(_, urls)| urls.len())
        .max()
        .unwrap_or(1)
        .max(50);
    let mut text = format!(
        "output_dir = \"out\"\ntimeout_secs = {TIMEOUT_SECS}\nconcurrency = {CONCURRENCY}\nmax_items = {max_items}\n"
    );
    if per_host {
        text.push_str(&format!("per_host_concurrency = {PER_HOST_CONCURRENCY}\n"));
    }
    for (name, urls) in feeds {
        let urls: Vec<String> = urls.iter().map(|u| format!("\"{u}\"")).collect();
        text.push_str(&format!(
            "\n[[feeds]]\nname = \"{name}\"\nurls = [{}]\n",
            urls.join(", ")
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

// ---------------------------------------------------------------------------------------
// Running feedgen

struct Runner {
    bin: PathBuf,
    gnu_time: bool,
    json: bool,
    work: PathBuf,
}

struct RunResult {
    wall: f64,
    status: Option<i32>,
    killed: bool,
    peak_rss_kb: Option<u64>,
    stderr: String,
    json: Option<Value>,
}

impl RunResult {
    fn status_text(&self) -> String {
        match (self.killed, self.status) {
            (true, _) => "killed".into(),
            (false, Some(code)) => code.to_string(),
            (false, None) => "by signal".into(),
        }
    }

    fn rss_text(&self) -> String {
        self.peak_rss_kb.map_or_else(
            || "n/a".into(),
            |kb| format!("{:.0} MB", kb as f64 / 1024.0),
        )
    }

    fn json_field(&self, key: &str) -> Option<u64> {
        self.json.as_ref()?.get(key)?.as_u64()
    }

    /// feedgen's own summary line on stderr, e.g. "50 updated, 0 unchanged, …".
    fn summary_line(&self) -> Option<String> {
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix("feedgen: "))
            .find(|l| !l.starts_with("error:") && l.contains(" updated, "))
            .map(str::to_string)
    }
}

impl Runner {
    fn run(&self, label: &str, config: &Path) -> Result<RunResult, String> {
        let file = |ext: &str| self.work.join(format!("{label}.{ext}"));
        let create = |p: &Path| {
            std::fs::File::create(p).map_err(|e| format!("cannot create {}: {e}", p.display()))
        };
        let (stdout_path, stderr_path, time_path) = (file("stdout"), file("stderr"), file("time"));
        let mut cmd = if self.gnu_time {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-v").arg("-o").arg(&time_path).arg(&self.bin);
            c
        } else {
            Command::new(&self.bin)
        };
        cmd.arg("run").arg("--config").arg(config);
        if self.json {
            cmd.arg("--json");
        }
        cmd.stdin(Stdio::null())
            .stdout(create(&stdout_path)?)
            .stderr(create(&stderr_path)?)
            .process_group(0);
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.bin.display()))?;
        let pid = child.id();
        let done = Arc::new(AtomicBool::new(false));
        let killed = Arc::new(AtomicBool::new(false));
        let hwm = Arc::new(AtomicU64::new(0));
        let poll_rss = !self.gnu_time;
        let monitor = {
            let (done, killed, hwm) = (done.clone(), killed.clone(), hwm.clone());
            thread::spawn(move || {
                while !done.load(SeqCst) {
                    if started.elapsed() > KILL_AFTER {
                        // The child leads its own process group: this ends it and nothing else.
                        let _ = Command::new("kill")
                            .args(["-KILL", "--", &format!("-{pid}")])
                            .status();
                        killed.store(true, SeqCst);
                        break;
                    }
                    if poll_rss {
                        if let Some(kb) = vm_hwm_kb(pid) {
                            hwm.fetch_max(kb, SeqCst);
                        }
                    }
                    thread::sleep(Duration::from_millis(10));
                }
            })
        };
        let status = child
            .wait()
            .map_err(|e| format!("waiting for feedgen: {e}"))?;
        let wall = started.elapsed().as_secs_f64();
        done.store(true, SeqCst);
        let _ = monitor.join();
        let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
        let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let peak_rss_kb = if self.gnu_time {
            std::fs::read_to_string(&time_path).ok().and_then(|t| {
                t.lines()
                    .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
                    .and_then(|v| v.trim().parse().ok())
            })
        } else {
            Some(hwm.load(SeqCst)).filter(|&kb| kb > 0)
        };
        let json = stdout
            .lines()
            .rev()
            .filter(|l| l.trim_start().starts_with('{'))
            .find_map(|l| serde_json::from_str::<Value>(l).ok())
            .or_else(|| serde_json::from_str::<Value>(stdout.trim()).ok())
            .filter(Value::is_object);
        Ok(RunResult {
            wall,
            // GNU time exits with the command's status (128 + signal when it was killed).
            status: status.code(),
            killed: killed.load(SeqCst),
            peak_rss_kb,
            stderr,
            json,
        })
    }
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

struct ErrorLine {
    feed: String,
    reason: String,
    line: String,
}

/// `feedgen: error: FEED: URL: reason` lines (the reason may itself contain colons).
fn error_lines(stderr: &str) -> Vec<ErrorLine> {
    stderr
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("feedgen: error: ")?;
            let (feed, rest) = rest.split_once(": ").unwrap_or(("", rest));
            let reason = rest.split_once(": ").map_or(rest, |(_, r)| r);
            Some(ErrorLine {
                feed: feed.to_string(),
                reason: reason.to_string(),
                line: line.to_string(),
            })
        })
        .collect()
}

fn print_errors(errors: &[ErrorLine]) {
    for e in errors.iter().take(5) {
        println!("            {}", e.line);
    }
    if errors.len() > 5 {
        println!("            … {} more error lines", errors.len() - 5);
    }
}

struct FeedCheck {
    complete: usize,
    bad: Vec<String>,
}

/// Every host's feed file exists and holds one entry per page.
fn check_feeds(out: &Path, hosts: &[Arc<Host>]) -> FeedCheck {
    let mut check = FeedCheck {
        complete: 0,
        bad: Vec::new(),
    };
    for host in hosts {
        let path = out.join(format!("{}.xml", host.name));
        match std::fs::read_to_string(&path) {
            Ok(text) if count_items(&text) == host.pages.len() => check.complete += 1,
            Ok(text) => check
                .bad
                .push(format!("{} ({} entries)", host.name, count_items(&text))),
            Err(_) => check.bad.push(format!("{} (no file)", host.name)),
        }
    }
    check
}

fn count_items(rss: &str) -> usize {
    rss.matches("<item>").count() + rss.matches("<item ").count()
}

fn read_dir_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten().take(10_000) {
        if let Ok(bytes) = std::fs::read(entry.path()) {
            files.insert(entry.file_name().to_string_lossy().into_owned(), bytes);
        }
    }
    files
}

// ---------------------------------------------------------------------------------------
// The servers

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Healthy,
    /// Closes the connection with the request unread: the kernel answers with RST.
    Reset,
    /// Reads the request and never answers.
    Hang,
    /// 200, chunked, an HTML body that never ends, as fast as the client reads.
    Endless,
    /// 200, no Content-Length, a few bytes every 200 ms, never ending.
    Trickle,
    /// 302 to a second URL that 302s back to the first.
    Loop,
    /// 500 the first time a page is asked for, the page afterwards.
    Flaky,
    /// 200 text/html with random binary bytes.
    Garbage,
}

impl Kind {
    const FAULTS: [Kind; 7] = [
        Kind::Reset,
        Kind::Hang,
        Kind::Endless,
        Kind::Trickle,
        Kind::Loop,
        Kind::Flaky,
        Kind::Garbage,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Healthy => "healthy",
            Kind::Reset => "reset",
            Kind::Hang => "hang",
            Kind::Endless => "endless",
            Kind::Trickle => "trickle",
            Kind::Loop => "loop",
            Kind::Flaky => "flaky",
            Kind::Garbage => "garbage",
        }
    }
}

#[derive(Default)]
struct Stats {
    requests: AtomicUsize,
    pages_ok: AtomicUsize,
    not_modified: AtomicUsize,
    /// Page requests that carried If-None-Match or If-Modified-Since.
    conditional: AtomicUsize,
    robots: AtomicUsize,
    other: AtomicUsize,
    connections: AtomicUsize,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

impl Stats {
    fn reset(&self) {
        for counter in [
            &self.requests,
            &self.pages_ok,
            &self.not_modified,
            &self.conditional,
            &self.robots,
            &self.other,
            &self.connections,
        ] {
            counter.store(0, SeqCst);
        }
        self.peak_in_flight
            .store(self.in_flight.load(SeqCst), SeqCst);
    }

    fn enter(&self) {
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.peak_in_flight.fetch_max(now, SeqCst);
    }

    fn leave(&self) {
        self.in_flight.fetch_sub(1, SeqCst);
    }

    fn to_json(&self) -> Value {
        json!({
            "requests": self.requests.load(SeqCst),
            "pages_200": self.pages_ok.load(SeqCst),
            "not_modified": self.not_modified.load(SeqCst),
            "conditional": self.conditional.load(SeqCst),
            "robots": self.robots.load(SeqCst),
            "other": self.other.load(SeqCst),
            "connections": self.connections.load(SeqCst),
            "peak_in_flight": self.peak_in_flight.load(SeqCst),
        })
    }
}

struct Page {
    path: String,
    body: Vec<u8>,
    etag: String,
    last_modified: String,
    modified: i64,
}

struct Host {
    name: String,
    kind: Kind,
    port: u16,
    pages: Vec<Page>,
    index: Vec<u8>,
    stats: Stats,
    /// Paths a flaky host has already failed once.
    seen: Mutex<HashSet<String>>,
}

impl Host {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn feed(&self) -> (String, Vec<String>) {
        let urls = self.pages.iter().map(|p| self.url(&p.path)).collect();
        (self.name.clone(), urls)
    }
}

struct Farm {
    hosts: Vec<Arc<Host>>,
    global: Arc<Stats>,
    stop: Arc<AtomicBool>,
    acceptors: Vec<JoinHandle<()>>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Farm {
    fn start(specs: &[(String, Kind, usize)]) -> Result<Farm, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let global = Arc::new(Stats::default());
        let workers = Arc::new(Mutex::new(Vec::new()));
        let mut hosts = Vec::new();
        let mut acceptors = Vec::new();
        for (number, (name, kind, page_count)) in specs.iter().enumerate() {
            let listener = TcpListener::bind("127.0.0.1:0")
                .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
            let port = listener
                .local_addr()
                .map_err(|e| format!("no local address: {e}"))?
                .port();
            let site = site_name(number);
            let pages: Vec<Page> = (0..*page_count)
                .map(|i| article(number, i, port, &site, *page_count))
                .collect();
            let index = index_page(&site, port, &pages);
            let host = Arc::new(Host {
                name: name.clone(),
                kind: *kind,
                port,
                pages,
                index,
                stats: Stats::default(),
                seen: Mutex::new(HashSet::new()),
            });
            hosts.push(host.clone());
            let (stop, global, workers) = (stop.clone(), global.clone(), workers.clone());
            let acceptor = thread::Builder::new()
                .name(format!("accept-{name}"))
                .spawn(move || accept_loop(listener, host, global, stop, workers))
                .map_err(|e| format!("cannot start a server thread: {e}"))?;
            acceptors.push(acceptor);
        }
        Ok(Farm {
            hosts,
            global,
            stop,
            acceptors,
            workers,
        })
    }

    fn reset_stats(&self) {
        self.global.reset();
        for h in &self.hosts {
            h.stats.reset();
            if let Ok(mut seen) = h.seen.lock() {
                seen.clear();
            }
        }
    }

    fn stats_json(&self, hosts: &[Arc<Host>]) -> Value {
        let per_host: serde_json::Map<String, Value> = hosts
            .iter()
            .map(|h| (h.name.clone(), h.stats.to_json()))
            .collect();
        json!({
            "requests": sum(hosts, |s| s.requests.load(SeqCst)),
            "pages_200": sum(hosts, |s| s.pages_ok.load(SeqCst)),
            "not_modified": sum(hosts, |s| s.not_modified.load(SeqCst)),
            "robots": sum(hosts, |s| s.robots.load(SeqCst)),
            "other": sum(hosts, |s| s.other.load(SeqCst)),
            "connections": sum(hosts, |s| s.connections.load(SeqCst)),
            "peak_in_flight_overall": self.global.peak_in_flight.load(SeqCst),
            "peak_in_flight_one_host": hosts.iter().map(|h| h.stats.peak_in_flight.load(SeqCst)).max(),
            "per_host": per_host,
        })
    }

    /// Stops every listener and waits (boundedly) for the connection threads to notice.
    fn stop(self) {
        self.stop.store(true, SeqCst);
        for h in &self.hosts {
            // Wakes the acceptor blocked in accept(); it sees the flag and returns.
            let _ = TcpStream::connect_timeout(
                &([127, 0, 0, 1], h.port).into(),
                Duration::from_secs(1),
            );
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut handles = self.acceptors;
        if let Ok(mut workers) = self.workers.lock() {
            handles.append(&mut workers);
        }
        while Instant::now() < deadline && !handles.iter().all(JoinHandle::is_finished) {
            thread::sleep(Duration::from_millis(20));
        }
        let stuck = handles.iter().filter(|h| !h.is_finished()).count();
        for h in handles.into_iter().filter(JoinHandle::is_finished) {
            let _ = h.join();
        }
        if stuck > 0 {
            println!("warning: {stuck} server threads still busy at exit");
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    host: Arc<Host>,
    global: Arc<Stats>,
    stop: Arc<AtomicBool>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
) {
    for _ in 0..MAX_CONNECTIONS_PER_HOST {
        let accepted = listener.accept();
        if stop.load(SeqCst) {
            return;
        }
        let Ok((stream, _)) = accepted else {
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        host.stats.connections.fetch_add(1, SeqCst);
        global.connections.fetch_add(1, SeqCst);
        let (host, global, stop) = (host.clone(), global.clone(), stop.clone());
        let spawned = thread::Builder::new()
            .name("conn".into())
            .spawn(move || serve_connection(stream, &host, &global, &stop));
        if let (Ok(handle), Ok(mut list)) = (spawned, workers.lock()) {
            list.retain(|h| !h.is_finished());
            list.push(handle);
        }
    }
}

struct Request {
    path: String,
    headers: Vec<(String, String)>,
    close: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn serve_connection(stream: TcpStream, host: &Host, global: &Stats, stop: &AtomicBool) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(POLL));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        if host.kind == Kind::Reset && reader.buffer().is_empty() {
            match peek_path(&stream, stop) {
                Some(path) if path == "/robots.txt" => {}
                Some(_) => {
                    // Close with the request unread: with unread input in its receive queue,
                    // the kernel answers with RST instead of FIN.
                    host.stats.requests.fetch_add(1, SeqCst);
                    global.requests.fetch_add(1, SeqCst);
                    host.stats.other.fetch_add(1, SeqCst);
                    return;
                }
                None => return,
            }
        }
        let Some(request) = read_request(&mut reader, stop) else {
            return;
        };
        host.stats.requests.fetch_add(1, SeqCst);
        global.requests.fetch_add(1, SeqCst);
        let in_flight = InFlight::enter([&host.stats, global]);
        let keep_alive = respond(host, &request, &mut stream, stop, in_flight);
        if !keep_alive || request.close {
            return;
        }
    }
}

/// Counts a request as in flight until dropped. Responders drop it just before writing the
/// response, so a client that sends its next request on receipt is never counted twice:
/// the peaks are never above what the client really had outstanding.
struct InFlight<'a>([&'a Stats; 2]);

impl<'a> InFlight<'a> {
    fn enter(stats: [&'a Stats; 2]) -> InFlight<'a> {
        for s in stats {
            s.enter();
        }
        InFlight(stats)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        for s in self.0 {
            s.leave();
        }
    }
}

/// The path of the next request on `stream`, read without consuming anything.
fn peek_path(stream: &TcpStream, stop: &AtomicBool) -> Option<String> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    while !stop.load(SeqCst) && started.elapsed() < IDLE_LIMIT {
        match stream.peek(&mut buf) {
            Ok(0) => return None,
            Ok(n) => {
                let head = String::from_utf8_lossy(&buf[..n]);
                if let Some((line, _)) = head.split_once("\r\n") {
                    return line.split_whitespace().nth(1).map(str::to_string);
                }
                if n == buf.len() {
                    return None;
                }
                // Only part of the request line so far.
                thread::sleep(Duration::from_millis(1));
            }
            Err(e) if is_timeout(&e) => {}
            Err(_) => return None,
        }
    }
    None
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
    )
}

/// Reads one request head; `None` at end of stream, on garbage, when idle for too long, or
/// when the farm stops.
fn read_request(reader: &mut BufReader<TcpStream>, stop: &AtomicBool) -> Option<Request> {
    let started = Instant::now();
    let mut lines: Vec<String> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut total = 0;
    while lines.len() < 200 {
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return None,
            Ok(n) => {
                total += n;
                if total > MAX_HEADER_BYTES || !line.ends_with(b"\n") {
                    return None;
                }
                let text = String::from_utf8_lossy(&line).trim_end().to_string();
                line.clear();
                if text.is_empty() {
                    if lines.is_empty() {
                        continue;
                    }
                    break;
                }
                lines.push(text);
            }
            // A timeout keeps what was read so far in `line`; just try again.
            Err(e) if is_timeout(&e) => {
                if stop.load(SeqCst) || started.elapsed() > IDLE_LIMIT {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
    let mut parts = lines.first()?.split_whitespace();
    let (_method, path, version) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    let headers: Vec<(String, String)> = lines[1..]
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let connection = headers
        .iter()
        .find(|(k, _)| k == "connection")
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    let close = connection.contains("close")
        || (version == "HTTP/1.0" && !connection.contains("keep-alive"));
    Some(Request {
        path: path.to_string(),
        headers,
        close,
    })
}

/// Answers one request; returns whether the connection may carry another. Faults apply to
/// the article pages only: every host answers `/robots.txt` normally.
fn respond(
    host: &Host,
    request: &Request,
    stream: &mut TcpStream,
    stop: &AtomicBool,
    in_flight: InFlight,
) -> bool {
    if request.path == "/robots.txt" {
        thread::sleep(LATENCY);
        drop(in_flight);
        return serve_site(host, request, stream);
    }
    match host.kind {
        Kind::Hang => {
            hang(stream, stop);
            false
        }
        Kind::Endless => {
            endless(stream, stop);
            false
        }
        Kind::Trickle => {
            trickle(stream, stop);
            false
        }
        Kind::Loop => {
            thread::sleep(LATENCY);
            drop(in_flight);
            let target = match request.path.strip_suffix("?again") {
                Some(first) => first.to_string(),
                None => format!("{}?again", request.path),
            };
            host.stats.other.fetch_add(1, SeqCst);
            let location = host.url(&target);
            write_response(
                stream,
                "302 Found",
                &[("Location", &location), ("Content-Type", "text/html")],
                Some(b""),
            )
        }
        Kind::Garbage => {
            thread::sleep(LATENCY);
            drop(in_flight);
            host.stats.other.fetch_add(1, SeqCst);
            let body = garbage(&request.path);
            write_response(
                stream,
                "200 OK",
                &[("Content-Type", "text/html; charset=utf-8")],
                Some(&body),
            )
        }
        Kind::Flaky => {
            thread::sleep(LATENCY);
            drop(in_flight);
            let first_time = host
                .seen
                .lock()
                .map(|mut s| s.insert(request.path.clone()))
                .unwrap_or(false);
            if first_time {
                host.stats.other.fetch_add(1, SeqCst);
                write_response(
                    stream,
                    "500 Internal Server Error",
                    &[("Content-Type", "text/html")],
                    Some(b"<h1>500 Internal Server Error</h1>"),
                )
            } else {
                serve_site(host, request, stream)
            }
        }
        // Reset hosts reach here only for requests they let through (robots.txt).
        Kind::Healthy | Kind::Reset => {
            thread::sleep(LATENCY);
            drop(in_flight);
            serve_site(host, request, stream)
        }
    }
}

fn serve_site(host: &Host, request: &Request, stream: &mut TcpStream) -> bool {
    let path = request.path.split('?').next().unwrap_or("/");
    if path == "/robots.txt" {
        host.stats.robots.fetch_add(1, SeqCst);
        return write_response(
            stream,
            "200 OK",
            &[("Content-Type", "text/plain; charset=utf-8")],
            Some(b"User-agent: *\nAllow: /\n"),
        );
    }
    if path == "/" {
        host.stats.other.fetch_add(1, SeqCst);
        return write_response(
            stream,
            "200 OK",
            &[("Content-Type", "text/html; charset=utf-8")],
            Some(&host.index),
        );
    }
    let Some(page) = host.pages.iter().find(|p| p.path == path) else {
        host.stats.other.fetch_add(1, SeqCst);
        return write_response(
            stream,
            "404 Not Found",
            &[("Content-Type", "text/html; charset=utf-8")],
            Some(b"<h1>Not found</h1>"),
        );
    };
    let if_none_match = request.header("if-none-match");
    let if_modified_since = request.header("if-modified-since");
    if if_none_match.is_some() || if_modified_since.is_some() {
        host.stats.conditional.fetch_add(1, SeqCst);
    }
    // If-None-Match wins when present (RFC 9110 13.2.2).
    let not_modified = match (if_none_match, if_modified_since) {
        (Some(tags), _) => tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == page.etag),
        (None, Some(since)) => {
            DateTime::parse_from_rfc2822(since).is_ok_and(|d| d.timestamp() >= page.modified)
        }
        (None, None) => false,
    };
    let validators = [
        ("ETag", page.etag.as_str()),
        ("Last-Modified", page.last_modified.as_str()),
        ("Cache-Control", "max-age=300"),
    ];
    if not_modified {
        host.stats.not_modified.fetch_add(1, SeqCst);
        return write_response(stream, "304 Not Modified", &validators, None);
    }
    host.stats.pages_ok.fetch_add(1, SeqCst);
    let mut headers = vec![("Content-Type", "text/html; charset=utf-8")];
    headers.extend(validators);
    write_response(stream, "200 OK", &headers, Some(&page.body))
}

/// Writes a response; `None` body means none at all (304). Returns whether it went out.
fn write_response(
    stream: &mut TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> bool {
    let mut head = format!("HTTP/1.1 {status}\r\nServer: feedgen-cron-bench\r\n");
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    stream
        .write_all(&bytes)
        .and_then(|()| stream.flush())
        .is_ok()
}

/// Never answers; returns when the client gives up, the farm stops, or after the cap.
fn hang(stream: &mut TcpStream, stop: &AtomicBool) {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    while !stop.load(SeqCst) && started.elapsed() < STREAM_CAP_TIME * 5 {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if is_timeout(&e) => {}
            Err(_) => return,
        }
    }
}

fn endless(stream: &mut TcpStream, stop: &AtomicBool) {
    thread::sleep(LATENCY);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n";
    let mut rng = Rng::new(7);
    let mut text = String::from("<!DOCTYPE html><html><head><title>Endless</title></head><body><article><h1>This page never ends</h1>");
    while text.len() < 16 * 1024 {
        text.push_str(&format!("<p>{}</p>\n", paragraph(&mut rng)));
    }
    let chunk = [
        format!("{:x}\r\n", text.len()).as_bytes(),
        text.as_bytes(),
        b"\r\n",
    ]
    .concat();
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let started = Instant::now();
    let mut sent: u64 = 0;
    while !stop.load(SeqCst) && sent < STREAM_CAP_BYTES && started.elapsed() < STREAM_CAP_TIME {
        if stream.write_all(&chunk).is_err() {
            return;
        }
        sent += chunk.len() as u64;
    }
}

fn trickle(stream: &mut TcpStream, stop: &AtomicBool) {
    thread::sleep(LATENCY);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n<!DOCTYPE html><html><head><title>Slow</title></head><body><article><h1>Still loading</h1>\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let started = Instant::now();
    while !stop.load(SeqCst) && started.elapsed() < STREAM_CAP_TIME {
        thread::sleep(Duration::from_millis(200));
        if stream.write_all(b"<p>Still going.</p>\n").is_err() {
            return;
        }
    }
}

fn garbage(path: &str) -> Vec<u8> {
    let seed = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = Rng::new(seed);
    let mut body: Vec<u8> = (0..16 * 1024).map(|_| rng.next() as u8).collect();
    body[0] = b'<'; // not a known file signature: the bytes themselves must give it away
    body
}

// ---------------------------------------------------------------------------------------
// Generated pages

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    /// splitmix64.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// One of the `|`-separated items of `list`.
    fn pick(&mut self, list: &'static str) -> &'static str {
        let n = list.split('|').count();
        list.split('|').nth(self.below(n)).unwrap_or_default()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SITE_WORDS: &str = "\
    Harbour|Valley|Northern|City|River|Coast|Metro|Plains|Island|Highland|Lakeside|\
    Capital|Border|Market|Civic|Daily|Evening|Weekly";
const SITE_KINDS: &str = "\
    Gazette|Courier|Herald|Chronicle|Observer|Post|Times|Review|Dispatch|Record";
const SECTIONS: &str = "\
    News|Politics|Business|Climate|Science|Health|Education|Transport|Culture|Sport|\
    Technology|Housing|Opinion|Local";
const FIRST_NAMES: &str = "\
    Amira|Bastian|Chloé|Dmitri|Esther|Farid|Grace|Hiroshi|Ines|Jonas|Kemal|Lucía|Marta|\
    Nikolai|Olu|Priya|Quentin|Rosa|Sven|Thandiwe|Uma|Viktor|Wen|Yusuf|Zofia";
const LAST_NAMES: &str = "\
    Okafor|Lindqvist|Moreau|Petrova|Haddad|Nakamura|García|O'Brien|Kowalski|Mensah|\
    Novak|Fischer|Rahman|Silva|Tanaka|Van Dijk|Ibrahim|Costa|Eriksen|Dubois";
const ROLES: &str = "\
    a spokesperson for the council|who chairs the residents' association|\
    an economist at the regional university|the project's lead engineer|\
    a nurse who has worked at the hospital for twenty years|\
    the opposition's transport spokesperson|a shop owner on the high street|\
    head of the teachers' union|a hydrologist who advised the inquiry|the deputy mayor";
const SUBJECTS: &str = "\
    the city council|a group of researchers|local farmers|the transport ministry|\
    engineers at the port|volunteers from the food bank|the regional hospital|\
    small business owners|a coalition of schools|the water utility|independent auditors|\
    residents of the old quarter|the university's climate lab|fishing cooperatives|\
    the national weather service|two rival startups|the football club|museum curators|\
    night-shift nurses|the rail operator";
const VERBS: &str = "\
    announced|questioned|delayed|approved|tested|criticised|expanded|reviewed|funded|\
    redesigned|postponed|documented|defended|measured|rejected|piloted|mapped|\
    simplified";
const OBJECTS: &str = "\
    a plan to rebuild the northern bridge|the new bus timetable|\
    a solar farm on the old airfield|the budget for flood defences|\
    a proposal to close two clinics|a software system for building permits|\
    the harbour dredging contract|a pilot programme for free school meals|\
    new rules on short-term rentals|the library's opening hours|\
    a survey of air quality near schools|the price of district heating|\
    the cycle lane network|a study of groundwater levels|the recycling scheme|\
    a heat pump subsidy|the night train to the capital|a register of empty homes";
const TAILS: &str = "\
    after months of debate|despite objections from neighbours|\
    ahead of the winter season|following a public consultation|\
    in a vote late on Tuesday|without giving a reason|for the third time this year|\
    according to documents seen by this newspaper|as costs continued to rise|\
    in a statement on its website|before the end of the financial year|\
    with support from the regional government|while the inquiry is still under way";
const OPENERS: &str = "\
    Meanwhile,|However,|In practice,|By comparison,|Last year,|For now,|Even so,|\
    On paper,|Privately,|At the same time,|Since then,";
const QUOTES: &str = "\
    We simply did not have the numbers to do it properly|\
    Nobody expected the response to be this strong|\
    It is a good start, but it is only a start|\
    People here have been asking for this for a decade|\
    The money has to come from somewhere, and nobody wants to say where|\
    We will look at the figures again in the spring|\
    I have never seen the queues this long|If it works here, other towns will copy it";
const MONTHS: &str = "\
    January|February|March|April|May|June|July|August|September|October|November|\
    December";

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

fn sentence(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => format!(
            "{} {} {} {}.",
            capitalize(rng.pick(SUBJECTS)),
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            rng.pick(TAILS)
        ),
        1 => format!(
            "{} {} {} {}.",
            rng.pick(OPENERS),
            rng.pick(SUBJECTS),
            rng.pick(VERBS),
            rng.pick(OBJECTS)
        ),
        2 => format!(
            "“{},” said {}, {}.",
            rng.pick(QUOTES),
            person(rng),
            rng.pick(ROLES)
        ),
        3 => format!(
            "The figure rose to {}.{} per cent in {}, up from {} per cent {} years earlier.",
            rng.range(2, 60),
            rng.below(10),
            rng.range(2015, 2024),
            rng.range(1, 40),
            rng.range(2, 9)
        ),
        4 => format!(
            "{}, {}, said {} would decide on {} by {}.",
            person(rng),
            rng.pick(ROLES),
            rng.pick(SUBJECTS),
            rng.pick(OBJECTS),
            rng.pick(MONTHS)
        ),
        _ => format!(
            "About {} people attended the meeting, and {} of them spoke against {}.",
            rng.range(40, 900),
            rng.range(3, 39),
            rng.pick(OBJECTS)
        ),
    }
}

fn paragraph(rng: &mut Rng) -> String {
    let n = rng.range(2, 9);
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn site_name(number: usize) -> String {
    let mut rng = Rng::new(1_000 + number as u64);
    format!("The {} {}", rng.pick(SITE_WORDS), rng.pick(SITE_KINDS))
}

fn page_path(i: usize) -> String {
    format!("/a{}.html", i + 1)
}

const CSS: &str = "
:root{--ink:#1d1d1f;--muted:#6e6e73;--accent:#b3261e;--rule:#e5e5ea;--max:42rem}
*{box-sizing:border-box}body{margin:0;font:18px/1.6 Georgia,'Times New Roman',serif;color:var(--ink)}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
.site-header{display:flex;align-items:center;justify-content:space-between;padding:1rem 2rem;border-bottom:1px solid var(--rule)}
.logo{font:700 1.6rem/1 'Helvetica Neue',Arial,sans-serif;color:var(--ink);text-decoration:none}
nav.primary ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0;padding:.5rem 2rem;border-bottom:1px solid var(--rule)}
nav.primary a{font:600 .85rem/1 Arial,sans-serif;text-transform:uppercase;color:var(--ink);text-decoration:none}
.breadcrumbs{font:.8rem Arial,sans-serif;color:var(--muted);padding:.5rem 2rem}
main{display:grid;grid-template-columns:minmax(0,var(--max)) 18rem;gap:3rem;padding:2rem;max-width:72rem;margin:auto}
article h1{font-size:2.4rem;line-height:1.15;margin:.25rem 0 1rem}.kicker{color:var(--accent);font:700 .8rem Arial,sans-serif;text-transform:uppercase}
.standfirst{font-size:1.25rem;color:var(--muted)}.byline{font:.85rem Arial,sans-serif;color:var(--muted)}
figure{margin:1.5rem 0}figure img{width:100%;height:auto}figcaption{font:.8rem Arial,sans-serif;color:var(--muted)}
blockquote{border-left:4px solid var(--accent);margin:1.5rem 0;padding-left:1rem;font-style:italic}
aside.related li{margin-bottom:1rem}aside.related a{font-weight:700;color:var(--ink)}
.comments{border-top:1px solid var(--rule);margin-top:2rem}.comment{margin:1rem 0}.comment .who{font-weight:700}
.newsletter{background:#f5f5f7;padding:1rem;border-radius:6px}.newsletter input{padding:.5rem;width:70%}
.site-footer{background:#111;color:#ccc;padding:2rem;font:.85rem Arial,sans-serif}.site-footer a{color:#ccc}
.site-footer .cols{display:grid;grid-template-columns:repeat(4,1fr);gap:2rem}
@media (max-width:800px){main{grid-template-columns:1fr}.site-footer .cols{grid-template-columns:1fr 1fr}}
";

const SCRIPT: &str = "
window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}
gtag('js',new Date());gtag('config','G-BENCH0000',{anonymize_ip:true});
(function(){var consent=document.cookie.indexOf('consent=1')>=0;if(!consent){var b=document.createElement('div');
b.className='consent-banner';b.textContent='We use cookies to measure readership.';document.body.appendChild(b);}
document.querySelectorAll('a[data-track]').forEach(function(a){a.addEventListener('click',function(){
gtag('event','click',{link:a.getAttribute('href')});});});})();
";

/// One article page: unique text per (host, page), 10–30 KB, with the usual furniture.
fn article(host: usize, i: usize, port: u16, site: &str, page_count: usize) -> Page {
    let mut rng = Rng::new(((host as u64) << 32) | i as u64);
    let origin = format!("http://127.0.0.1:{port}");
    let path = page_path(i);
    let url = format!("{origin}{path}");
    let section = rng.pick(SECTIONS);
    let title = capitalize(&format!(
        "{} {} {}",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS)
    ));
    let summary = sentence(&mut rng);
    let author = person(&mut rng);
    let author_slug = author.to_lowercase().replace([' ', '\''], "-");
    // Published between early 2024 and mid 2025, later pages more recent; edited hours later.
    let published = Utc
        .with_ymd_and_hms(2024, 1, 1, 6, 0, 0)
        .single()
        .unwrap_or_default()
        + chrono::Duration::days((host * 7 + i * 13) as i64 % 540)
        + chrono::Duration::minutes(rng.below(16 * 60) as i64);
    let modified = published + chrono::Duration::hours(rng.range(1, 30) as i64);
    let iso = published.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let iso_modified = modified.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let human = published.format("%-d %B %Y, %H:%M").to_string();
    let paragraphs: Vec<String> = (0..rng.range(5, 10)).map(|_| paragraph(&mut rng)).collect();
    let words: usize = paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();

    let mut h = String::with_capacity(24 * 1024);
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t} | {site}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"description\" content=\"{s}\">\n<meta name=\"author\" content=\"{author}\">\n\
         <link rel=\"canonical\" href=\"{url}\">\n\
         <meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"{t}\">\n\
         <meta property=\"og:description\" content=\"{s}\">\n<meta property=\"og:url\" content=\"{url}\">\n\
         <meta property=\"og:site_name\" content=\"{site}\">\n<meta property=\"og:locale\" content=\"en_GB\">\n\
         <meta property=\"og:image\" content=\"{origin}/img/{host}-{i}.jpg\">\n\
         <meta property=\"article:published_time\" content=\"{iso}\">\n\
         <meta property=\"article:modified_time\" content=\"{iso_modified}\">\n\
         <meta property=\"article:section\" content=\"{section}\">\n\
         <meta property=\"article:author\" content=\"{author}\">\n\
         <meta name=\"twitter:card\" content=\"summary_large_image\">\n<meta name=\"twitter:title\" content=\"{t}\">\n\
         <link rel=\"icon\" href=\"/favicon.ico\">\n<link rel=\"alternate\" hreflang=\"en\" href=\"{url}\">\n",
        t = escape(&title),
        s = escape(&summary),
    ));
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "description": summary,
        "datePublished": iso,
        "dateModified": iso_modified,
        "author": {"@type": "Person", "name": author, "url": format!("{origin}/authors/{author_slug}")},
        "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": format!("{origin}/logo.png")}},
        "image": [format!("{origin}/img/{host}-{i}.jpg")],
        "mainEntityOfPage": url,
        "articleSection": section,
        "wordCount": words,
    });
    h.push_str(&format!(
        "<script type=\"application/ld+json\">{}</script>\n<style>{CSS}</style>\n</head>\n<body>\n",
        ld.to_string().replace("</", "<\\/")
    ));
    h.push_str(&format!(
        "<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\
         <a class=\"logo\" href=\"/\">{site}</a><form role=\"search\" action=\"/search\">\
         <input type=\"search\" name=\"q\" placeholder=\"Search\"><button>Search</button></form>\
         <a href=\"/subscribe\" class=\"cta\" data-track>Subscribe</a></header>\n<nav class=\"primary\" aria-label=\"Sections\"><ul>\n"
    ));
    for s in SECTIONS.split('|') {
        h.push_str(&format!(
            "<li><a href=\"/{}/\" data-track>{s}</a></li>\n",
            s.to_lowercase()
        ));
    }
    h.push_str(&format!(
        "</ul></nav>\n<div class=\"breadcrumbs\"><a href=\"/\">Home</a> › <a href=\"/{}/\">{section}</a> › {}</div>\n",
        section.to_lowercase(),
        escape(&title)
    ));
    h.push_str(&format!(
        "<main id=\"main\">\n<article class=\"post\">\n<header>\n<p class=\"kicker\">{section}</p>\n<h1>{}</h1>\n\
         <p class=\"standfirst\">{}</p>\n<p class=\"byline\">By <a rel=\"author\" href=\"/authors/{author_slug}\">{author}</a> · \
         <time datetime=\"{iso}\">{human}</time> · {} min read</p>\n</header>\n\
         <figure><img src=\"/img/{host}-{i}.jpg\" alt=\"{}\" width=\"1200\" height=\"675\">\
         <figcaption>{} Photo: {}</figcaption></figure>\n<div class=\"body\">\n",
        escape(&title),
        escape(&summary),
        words / 200 + 1,
        escape(&title),
        escape(&sentence(&mut rng)),
        person(&mut rng),
    ));
    for (n, p) in paragraphs.iter().enumerate() {
        if n == 3 && rng.chance(60) {
            h.push_str(&format!(
                "<h2>{}</h2>\n",
                capitalize(&format!("{} {}", rng.pick(VERBS), rng.pick(OBJECTS)))
            ));
        }
        if n == 2 && rng.chance(50) {
            h.push_str(&format!(
                "<blockquote><p>“{}.”</p></blockquote>\n",
                rng.pick(QUOTES)
            ));
        }
        h.push_str(&format!("<p>{}</p>\n", escape(p)));
    }
    h.push_str("</div>\n<footer class=\"tags\">Tags: ");
    let tags: Vec<String> = (0..rng.range(3, 6))
        .map(|_| {
            let tag = rng.pick(SECTIONS).to_lowercase();
            format!("<a rel=\"tag\" href=\"/tag/{tag}\">{tag}</a>")
        })
        .collect();
    h.push_str(&tags.join(", "));
    h.push_str("</footer>\n</article>\n<aside class=\"related\">\n<h2>Related</h2>\n<ul>\n");
    for _ in 0..rng.range(6, 10) {
        let other = rng.below(page_count.max(1));
        h.push_str(&format!(
            "<li><a href=\"{}\" data-track>{}</a><p>{}</p></li>\n",
            page_path(other),
            escape(&capitalize(&format!(
                "{} {} {}",
                rng.pick(SUBJECTS),
                rng.pick(VERBS),
                rng.pick(OBJECTS)
            ))),
            escape(&sentence(&mut rng)),
        ));
    }
    h.push_str(
        "</ul>\n</aside>\n<section class=\"newsletter\"><h2>Get the morning briefing</h2>\
         <form action=\"/newsletter\" method=\"post\"><input type=\"email\" name=\"email\" placeholder=\"you@example.org\">\
         <button>Sign up</button></form><p>One email a day. Unsubscribe any time.</p></section>\n\
         <section class=\"comments\"><h2>Comments</h2>\n",
    );
    for _ in 0..rng.range(0, 24) {
        h.push_str(&format!(
            "<div class=\"comment\"><p class=\"who\">{}</p><p>{}</p></div>\n",
            person(&mut rng),
            escape(&sentence(&mut rng))
        ));
    }
    h.push_str("</section>\n</main>\n<footer class=\"site-footer\"><div class=\"cols\">\n");
    for column in ["About", "Sections", "Services", "Legal"] {
        h.push_str(&format!("<div><h3>{column}</h3><ul>\n"));
        for _ in 0..6 {
            let s = rng.pick(SECTIONS);
            h.push_str(&format!(
                "<li><a href=\"/{}/{}\">{s} {}</a></li>\n",
                column.to_lowercase(),
                s.to_lowercase(),
                rng.pick("archive|team|contact|podcasts|events|guides")
            ));
        }
        h.push_str("</ul></div>\n");
    }
    h.push_str(&format!(
        "</div><p>© {} {site}. All rights reserved. Registered office: {} Street {}.</p></footer>\n\
         <script>{SCRIPT}</script>\n</body>\n</html>\n",
        published.format("%Y"),
        rng.pick(LAST_NAMES),
        rng.range(1, 200),
    ));
    let body = h.into_bytes();
    let hash = body.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    Page {
        path,
        etag: format!("\"{hash:016x}\""),
        last_modified: modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        modified: modified.timestamp(),
        body,
    }
}

fn index_page(site: &str, port: u16, pages: &[Page]) -> Vec<u8> {
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{site}</title></head><body>\
         <h1>{site}</h1><ul>\n"
    );
    for p in pages {
        h.push_str(&format!(
            "<li><a href=\"http://127.0.0.1:{port}{}\">{}</a></li>\n",
            p.path, p.path
        ));
    }
    h.push_str("</ul></body></html>\n");
    h.into_bytes()
}
