//! The feed consumer checks (`tests/consumers/check-feed`) must fail on broken feeds: every
//! other test trusts a passing check, which would mean nothing if the checker passed
//! everything. Skipped, with the same note as everywhere, when the consumers are not installed.

mod common;

use common::{run_consumer_checks, stdout};
use std::path::{Path, PathBuf};
use std::process::Output;

const GOOD_RSS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Control</title><link>https://example.org/</link><description>A feed that passes</description>
<item><title>First</title><link>https://example.org/first</link>
<guid isPermaLink="true">https://example.org/first</guid>
<pubDate>Tue, 01 Dec 2026 10:00:00 +0000</pubDate><description>One</description></item>
<item><title>Second</title><link>https://example.org/second</link>
<guid isPermaLink="true">https://example.org/second</guid>
<pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate><description>Two</description></item>
</channel></rss>
"#;

const GOOD_ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Control</title><id>https://example.org/</id><link href="https://example.org/"/>
<updated>2026-12-01T10:00:00Z</updated><author><name>Someone</name></author>
<entry><title>First</title><id>https://example.org/first</id>
<link rel="alternate" href="https://example.org/first"/>
<updated>2026-12-01T10:00:00Z</updated><summary>One</summary></entry>
</feed>
"#;

const GOOD_JSON: &str = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Control",
"home_page_url": "https://example.org/", "items": [{"id": "https://example.org/first",
"url": "https://example.org/first", "title": "First", "content_text": "One",
"date_published": "2026-12-01T10:00:00Z"}]}
"#;

/// Items with a title, a non-permalink guid and a date, but no link anywhere.
const RSS_WITHOUT_LINKS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Broken</title><link>https://example.org/</link><description>Entries lack links</description>
<item><title>First</title><guid isPermaLink="false">first</guid>
<pubDate>Tue, 01 Dec 2026 10:00:00 +0000</pubDate><description>One</description></item>
<item><title>Second</title><guid isPermaLink="false">second</guid>
<pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate><description>Two</description></item>
</channel></rss>
"#;

/// A raw `&` in a title and an element that is never closed.
const MALFORMED_XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Broken</title><link>https://example.org/</link><description>Not XML</description>
<item><title>Fish & chips</title><link>https://example.org/fish</link>
<guid>https://example.org/fish</guid><pubDate>Tue, 01 Dec 2026 10:00:00 +0000</pubDate>
</channel>
"#;

const RSS_WITHOUT_ENTRIES: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Empty</title><link>https://example.org/</link><description>No items</description>
</channel></rss>
"#;

/// JSON Feed items without `url` or a date.
const JSON_WITHOUT_LINKS: &str = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Broken",
"home_page_url": "https://example.org/", "items": [{"id": "first", "title": "First",
"content_text": "One"}]}
"#;

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write a sample feed");
    path
}

/// The checker's line for this consumer and file (one per file per consumer).
fn line<'a>(report: &'a str, consumer: &str, file: &Path) -> &'a str {
    let tail = format!(" {consumer} {}:", file.display());
    report
        .lines()
        .find(|l| l.contains(&tail))
        .unwrap_or_else(|| panic!("no {consumer} line for {}:\n{report}", file.display()))
}

/// Runs the checker on one file; None when the consumers are not installed.
fn check(file: &Path) -> Option<(Output, String)> {
    let out = run_consumer_checks(&[file])?;
    let report = stdout(&out);
    Some((out, report))
}

#[test]
fn well_formed_feeds_pass_every_consumer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        write(dir.path(), "good.xml", GOOD_RSS),
        write(dir.path(), "good.atom", GOOD_ATOM),
        write(dir.path(), "good.json", GOOD_JSON),
    ];
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let Some(out) = run_consumer_checks(&refs) else {
        return;
    };
    let report = stdout(&out);
    assert!(out.status.success(), "control feeds failed:\n{report}");
    for file in &files {
        assert!(
            line(&report, "feedparser", file).starts_with("PASS"),
            "{report}"
        );
    }
    assert!(
        line(&report, "newsboat", &files[0]).starts_with("PASS"),
        "{report}"
    );
    assert!(
        line(&report, "newsboat", &files[1]).starts_with("PASS"),
        "{report}"
    );
    assert!(
        line(&report, "newsboat", &files[2]).starts_with("SKIP"),
        "{report}"
    );
    assert!(
        report.contains("check-feed: 5 passed, 0 failed, 1 skipped"),
        "{report}"
    );
}

#[test]
fn entries_without_links_fail_both_consumers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "no-links.xml", RSS_WITHOUT_LINKS);
    let Some((out, report)) = check(&file) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1), "{report}");
    let feedparser = line(&report, "feedparser", &file);
    assert!(feedparser.starts_with("FAIL"), "{report}");
    assert!(feedparser.contains("entry 1: no link"), "{report}");
    assert!(feedparser.contains("entry 2: no link"), "{report}");
    let newsboat = line(&report, "newsboat", &file);
    assert!(newsboat.starts_with("FAIL"), "{report}");
    assert!(newsboat.contains("has no link"), "{report}");
}

#[test]
fn malformed_xml_fails_both_consumers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "malformed.xml", MALFORMED_XML);
    let Some((out, report)) = check(&file) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1), "{report}");
    let feedparser = line(&report, "feedparser", &file);
    assert!(feedparser.starts_with("FAIL"), "{report}");
    assert!(feedparser.contains("malformed (bozo)"), "{report}");
    let newsboat = line(&report, "newsboat", &file);
    assert!(newsboat.starts_with("FAIL"), "{report}");
    assert!(newsboat.contains("not a well-formed"), "{report}");
}

#[test]
fn a_feed_without_entries_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "empty.xml", RSS_WITHOUT_ENTRIES);
    let Some((out, report)) = check(&file) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        line(&report, "feedparser", &file).contains("feed has no entries"),
        "{report}"
    );
    assert!(
        line(&report, "newsboat", &file).contains("the feed has no entries"),
        "{report}"
    );
}

#[test]
fn json_feed_items_without_links_fail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "no-links.json", JSON_WITHOUT_LINKS);
    let Some((out, report)) = check(&file) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1), "{report}");
    let feedparser = line(&report, "feedparser", &file);
    assert!(feedparser.starts_with("FAIL"), "{report}");
    assert!(feedparser.contains("entry 1: no link"), "{report}");
    assert!(feedparser.contains("entry 1: no date"), "{report}");
    assert!(
        line(&report, "newsboat", &file).starts_with("SKIP"),
        "{report}"
    );
}

#[test]
fn an_atom_file_read_as_rss_fails() {
    // The format check: a `.atom` file must hold Atom, not just any feed.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "really-rss.atom", GOOD_RSS);
    let Some((out, report)) = check(&file) else {
        return;
    };
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        line(&report, "feedparser", &file).contains("named .atom but written as rss20"),
        "{report}"
    );
}
