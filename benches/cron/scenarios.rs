//! The bench itself: the first run, the second run with nothing changed and the faults run,
//! each against the loopback sites, with the checks every run must pass and the report.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;

use serde_json::json;

use crate::outputs::{check_feeds, count_items, read_dir_files};
use crate::preflight::{binary_age, self_check, stale_warning, supports_per_host};
use crate::report::{
    abbreviate, error_lines, print_errors, server_summary, sum, yes_no, ErrorLine,
};
use crate::runner::{write_config, Runner};
use crate::server::{Farm, Host, Kind};
use crate::{
    scale, CONCURRENCY, DEFAULT_HOSTS, DEFAULT_PAGES_PER_HOST, FAULT_PAGES, FAULT_RUN_LIMIT,
    LATENCY, PER_HOST_CONCURRENCY, TIMEOUT_SECS,
};

#[allow(non_snake_case)] // HOSTS and PAGES_PER_HOST read as the constants they were.
pub(crate) fn bench() -> Result<bool, String> {
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
