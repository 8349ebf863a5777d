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

// By concern: `scenarios` is the bench (the three runs, their checks and the report); `server`
// and `site` are the loopback sites and their pages; `runner` starts feedgen and measures it;
// `preflight`, `outputs` and `report` check the setup, read what a run wrote, word the lines.
mod outputs;
mod preflight;
mod report;
mod runner;
mod scenarios;
mod server;
mod site;

use std::process::ExitCode;
use std::time::Duration;

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
    match scenarios::bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("cron bench: {message}");
            ExitCode::from(2)
        }
    }
}
