//! Config values that used to panic, hang, collide or fail only at write time are refused
//! when the config is read: exit code 2 and the file and line of the value.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{feedgen, stderr};

fn config_with(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

/// Runs `feedgen run` on `text` and returns the exit code and the error output.
fn run(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_with(dir.path(), text);
    let out = feedgen(&[
        "run",
        "-q",
        "--config",
        config.to_str().expect("utf-8 path"),
    ]);
    (out.status.code(), stderr(&out))
}

const FEED: &str = "[[feeds]]\nname = \"a\"\nurl = \"https://feeds.invalid/a\"\n";

#[test]
fn unbounded_numbers_exit_2_at_their_line() {
    for setting in [
        "concurrency = 18446744073709551615",
        "per_host_concurrency = 2305843009213693952",
        "per_host_delay_ms = 18446744073709551615",
        "timeout_secs = 18446744073709551615",
    ] {
        let started = Instant::now();
        let (code, err) = run(&format!("{setting}\n{FEED}"));
        assert_eq!(code, Some(2), "{setting}: {err}");
        let key = setting.split(' ').next().unwrap_or_default();
        assert!(err.contains("config.toml:1:") && err.contains(key), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{setting} hung"
        );
    }
}

#[test]
fn a_name_too_long_for_a_file_is_refused_before_any_work() {
    let (code, err) = run(&format!(
        "[[feeds]]\nname = \"{}\"\nurl = \"https://feeds.invalid/a\"\n",
        "n".repeat(300)
    ));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("config.toml:2:") && err.contains("at most"),
        "{err}"
    );
}

#[test]
fn names_that_one_case_insensitive_file_would_hold_collide() {
    let (code, err) = run(
        "[[feeds]]\nname = \"a\"\nurl = \"https://feeds.invalid/a\"\n\n[[feeds]]\nname = \"A\"\nurl = \"https://feeds.invalid/b\"\n",
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("config.toml:5:") && err.contains("ignoring case"),
        "{err}"
    );
}

#[test]
fn a_language_that_is_not_a_tag_never_reaches_a_feed() {
    let (code, err) = run(&format!("{FEED}language = \"en\\\" xml:base=\\\"x\"\n"));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("config.toml:4:") && err.contains("language tag"),
        "{err}"
    );
}

#[test]
fn an_output_dir_that_is_a_file_is_a_config_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("taken"), "a file").expect("write");
    let config = config_with(dir.path(), &format!("output_dir = \"taken\"\n{FEED}"));
    let out = feedgen(&["run", "--config", config.to_str().expect("utf-8 path")]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("config.toml:1:") && err.contains("not a folder"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("taken")).expect("read"),
        b"a file"
    );
}

#[test]
fn an_error_says_its_cause_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("blocker"), "a file").expect("write");
    let page = common::repo().join("tests/fixtures/seed/seed-rich.html");
    let target = dir.path().join("blocker/feed.xml");
    let out = feedgen(&[
        "--url",
        page.to_str().expect("utf-8 path"),
        "--output",
        target.to_str().expect("utf-8 path"),
    ]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    let cause = "(os error 20)";
    assert_eq!(err.matches(cause).count(), 1, "{err}");
}

#[test]
fn one_shot_bounds_are_usage_errors() {
    for args in [
        ["--timeout", "99999999"],
        ["--max-bytes", "0"],
        ["--max-items", "0"],
        ["--max-new", "99999999"],
    ] {
        let out = feedgen(&["--url", "https://feeds.invalid/", args[0], args[1]]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}
