//! Cron behaviour against a local server: incremental runs, conditional requests, cache
//! freshness, robots.txt, retries, the run lock, and faults that must end in bounded time.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

fn article(title: &str) -> Vec<u8> {
    let para = "This paragraph is the body of a test article, with enough words, commas, and length to be scored as text.";
    format!(
        "<!doctype html><html lang=en><head><title>{title}</title><meta name=author content='Ann Lee'>\
         <meta property='article:published_time' content='2024-07-17T10:15:00Z'></head><body><article><h1>{title}</h1>\
         <p>{para}</p><p>{para}</p></article></body></html>"
    )
    .into_bytes()
}

/// A config with one feed per (name, urls) and extra top-level or per-feed lines.
fn config(dir: &Path, top: &str, feeds: &[(&str, Vec<String>, &str)]) -> PathBuf {
    let mut text = format!("output_dir = \"out\"\nbase_url = \"https://feeds.example.org/\"\ntimeout_secs = 2\n{top}\n");
    for (name, urls, extra) in feeds {
        let list: Vec<String> = urls.iter().map(|u| format!("\"{u}\"")).collect();
        text.push_str(&format!(
            "[[feeds]]\nname = \"{name}\"\nurls = [{}]\n{extra}\n",
            list.join(", ")
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run_json(config: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut args = vec!["run", "-q", "--json", "--config", config.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = feedgen(&args);
    let summary = serde_json::from_str(stdout(&out).trim()).unwrap_or(serde_json::Value::Null);
    (out.status.code(), summary, stderr(&out))
}

#[test]
fn a_second_run_fetches_no_article_again() {
    let server = Server::start(vec![
        ("/a", Reply::html(article("A"))),
        ("/b", Reply::html(article("B"))),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "",
        &[("site", vec![server.url("/a"), server.url("/b")], "")],
    );
    let (code, first, err) = run_json(&cfg, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(first["extractions"], 2);
    assert_eq!(server.page_requests(), 2);
    let (code, second, err) = run_json(&cfg, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(second["extractions"], 0);
    assert_eq!(second["pages_skipped"], 2);
    assert_eq!(second["feeds_unchanged"], 1);
    assert_eq!(server.page_requests(), 2, "no page was requested again");
    // --force asks again (conditionally: unchanged pages answer 304), file unchanged.
    let before = std::fs::read(dir.path().join("out/site.xml")).unwrap();
    let (_, forced, _) = run_json(&cfg, &["--force"]);
    assert_eq!(forced["not_modified"], 2, "{forced}");
    assert_eq!(server.page_requests(), 4);
    assert_eq!(
        std::fs::read(dir.path().join("out/site.xml")).unwrap(),
        before
    );
}

#[test]
fn refreshes_use_conditional_requests_and_a_304_costs_no_extraction() {
    let server = Server::start(vec![("/a", Reply::html(article("A")))]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "",
        &[("site", vec![server.url("/a")], "refresh_minutes = 0")],
    );
    assert_eq!(run_json(&cfg, &[]).0, Some(0));
    let (code, second, err) = run_json(&cfg, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(second["not_modified"], 1, "{second}");
    assert_eq!(second["extractions"], 0);
    assert_eq!(server.hits("/a"), 2);
}

#[test]
fn cache_control_max_age_is_honoured_until_it_expires() {
    let page = Reply::WithHeaders(
        vec![("Cache-Control", "max-age=3600".into())],
        Box::new(Reply::html(article("A"))),
    );
    let server = Server::start(vec![("/a", page)]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "",
        &[("site", vec![server.url("/a")], "refresh_minutes = 0")],
    );
    assert_eq!(run_json(&cfg, &[]).0, Some(0));
    let (_, second, _) = run_json(&cfg, &[]);
    assert_eq!(second["pages_skipped"], 1);
    assert_eq!(server.hits("/a"), 1, "still fresh: not asked again");
}

#[test]
fn robots_txt_is_obeyed_unless_the_feed_overrides_it() {
    let robots = Reply::Page {
        content_type: "text/plain",
        body: b"User-agent: *\nDisallow: /private/\n".to_vec(),
    };
    let server = Server::start(vec![
        ("/robots.txt", robots),
        ("/private/a", Reply::html(article("Secret"))),
        ("/public/b", Reply::html(article("Public"))),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "",
        &[
            (
                "polite",
                vec![server.url("/private/a"), server.url("/public/b")],
                "",
            ),
            (
                "override",
                vec![server.url("/private/a")],
                "ignore_robots = true",
            ),
        ],
    );
    let (code, summary, err) = run_json(&cfg, &[]);
    assert_eq!(code, Some(1));
    assert!(
        err.lines()
            .any(|l| l.contains("/private/a") && l.contains("robots.txt")),
        "{err}"
    );
    assert_eq!(summary["feeds_updated"], 2);
    assert_eq!(
        server.hits("/private/a"),
        1,
        "fetched only by the overriding feed"
    );
    assert_eq!(
        server.hits("/robots.txt"),
        1,
        "robots.txt fetched once per site"
    );
    let out = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("warning: override: ignore_robots"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn transient_failures_are_retried_with_backoff_and_retry_after() {
    let server = Server::start(vec![
        (
            "/flaky",
            Reply::flaky(1, 500, None, Reply::html(article("Flaky"))),
        ),
        (
            "/busy",
            Reply::flaky(1, 503, Some(1), Reply::html(article("Busy"))),
        ),
        (
            "/gone",
            Reply::flaky(5, 500, None, Reply::html(article("Never"))),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "retries = 2",
        &[
            ("flaky", vec![server.url("/flaky")], ""),
            ("busy", vec![server.url("/busy")], ""),
            ("gone", vec![server.url("/gone")], ""),
        ],
    );
    let (code, summary, err) = run_json(&cfg, &[]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(summary["feeds_updated"], 2, "{summary} {err}");
    assert_eq!(server.hits("/flaky"), 2);
    assert_eq!(server.hits("/busy"), 2);
    assert_eq!(server.hits("/gone"), 3, "one try and two retries");
    assert!(err.contains("/gone") && err.contains("500"), "{err}");
}

#[test]
fn faults_end_in_bounded_time_and_spare_the_healthy_feeds() {
    let server = Server::start(vec![
        ("/ok", Reply::html(article("Fine"))),
        ("/reset", Reply::Reset),
        ("/hang", Reply::Hang),
        ("/endless", Reply::Endless),
        ("/l1", Reply::Redirect("/l2".into())),
        ("/l2", Reply::Redirect("/l1".into())),
        (
            "/garbage",
            Reply::Page {
                content_type: "text/html",
                body: (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect(),
            },
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let bad = ["reset", "hang", "endless", "l1", "garbage"];
    let mut feeds: Vec<(&str, Vec<String>, &str)> = bad
        .iter()
        .map(|p| (*p, vec![server.url(&format!("/{p}"))], ""))
        .collect();
    feeds.push(("ok", vec![server.url("/ok")], ""));
    let cfg = config(dir.path(), "retries = 0\nmax_bytes = 1000000", &feeds);
    let started = Instant::now();
    let (code, summary, err) = run_json(&cfg, &[]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        summary["feeds_failed"],
        bad.len() as u64,
        "{summary}\n{err}"
    );
    for name in bad {
        assert!(
            err.lines().any(|l| l.contains(&format!("error: {name}:"))),
            "no line for {name}:\n{err}"
        );
    }
    parse_feed(&std::fs::read(dir.path().join("out/ok.xml")).unwrap());
}

#[test]
fn an_overlapping_run_exits_at_once_without_touching_anything() {
    let server = Server::start(vec![(
        "/slow",
        Reply::Slow {
            delay: Duration::from_millis(1500),
            body: article("Slow"),
        },
    )]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "", &[("slow", vec![server.url("/slow")], "")]);
    let mut first = Command::new(binary())
        .args(["run", "-q", "--config", cfg.to_str().unwrap()])
        .spawn()
        .unwrap();
    let lock = dir.path().join("out/.feedgen.lock");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !lock.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let second = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the second run must not wait"
    );
    assert_eq!(second.status.code(), Some(3), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("another feedgen run"),
        "{}",
        stderr(&second)
    );
    assert!(first.wait().unwrap().success());
    parse_feed(&std::fs::read(dir.path().join("out/slow.xml")).unwrap());
    assert_eq!(server.hits("/slow"), 1, "the second run fetched nothing");
}

#[test]
fn losing_the_state_costs_requests_not_entries() {
    let server = Server::start(vec![("/a", Reply::html(article("A")))]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "", &[("site", vec![server.url("/a")], "")]);
    assert_eq!(run_json(&cfg, &[]).0, Some(0));
    let feed = std::fs::read(dir.path().join("out/site.xml")).unwrap();
    std::fs::write(dir.path().join("out/.feedgen-state.json"), "garbage").unwrap();
    let out = feedgen(&["run", "--json", "--config", cfg.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning:") && err.contains("starting afresh"),
        "{err}"
    );
    let summary: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(summary["extractions"], 1);
    assert_eq!(summary["errors"], 0, "a rebuilt state file is no error");
    assert_eq!(
        std::fs::read(dir.path().join("out/site.xml")).unwrap(),
        feed
    );
}
