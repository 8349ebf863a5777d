//! Turning the numbers into the report's lines: request summaries, error lines, short lists.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;

use crate::server::{Farm, Host, Stats};

/// The first few names of a long list.
pub(crate) fn abbreviate(names: &[String]) -> String {
    let mut text = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        text.push_str(&format!(" … and {} more", names.len() - 5));
    }
    text
}

pub(crate) fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

pub(crate) fn sum(hosts: &[Arc<Host>], f: impl Fn(&Stats) -> usize) -> usize {
    hosts.iter().map(|h| f(&h.stats)).sum()
}

/// Requests per host as "20 × 48 hosts, 22 × 2 hosts", plus totals and peaks.
pub(crate) fn server_summary(farm: &Farm, hosts: &[Arc<Host>]) -> String {
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

pub(crate) struct ErrorLine {
    pub(crate) feed: String,
    pub(crate) reason: String,
    pub(crate) line: String,
}

/// `feedgen: error: FEED: URL: reason` lines (the reason may itself contain colons).
pub(crate) fn error_lines(stderr: &str) -> Vec<ErrorLine> {
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

pub(crate) fn print_errors(errors: &[ErrorLine]) {
    for e in errors.iter().take(5) {
        println!("            {}", e.line);
    }
    if errors.len() > 5 {
        println!("            … {} more error lines", errors.len() - 5);
    }
}
