//! The feed files are the store: no run, however it ends, may lose an entry that any of
//! them held. Format files that fell out of step, temporary files of a killed run, side
//! files that cannot be written, a symlinked lock, and `run --force` on undated pages.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;

fn article(title: &str, date: Option<&str>) -> Vec<u8> {
    let para = "This paragraph is the body of a test article, with enough words, commas, and length to be scored as text.";
    let date = date
        .map(|d| format!("<meta property='article:published_time' content='{d}'>"))
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=en><head><title>{title}</title><meta name=author content='Ann Lee'>{date}\
         </head><body><article><h1>{title}</h1><p>{para}</p><p>{para}</p></article></body></html>"
    )
    .into_bytes()
}

/// A config of one feed `site` over `urls` in `formats`, output in `dir/out`.
fn config(dir: &Path, urls: &[String], formats: &[&str], top: &str) -> PathBuf {
    let list = |items: Vec<String>| items.join(", ");
    let text = format!(
        "output_dir = \"out\"\nbase_url = \"https://feeds.example.org/\"\ntimeout_secs = 2\n{top}\n\
         [[feeds]]\nname = \"site\"\nurls = [{}]\nformats = [{}]\n",
        list(urls.iter().map(|u| format!("\"{u}\"")).collect()),
        list(formats.iter().map(|f| format!("\"{f}\"")).collect()),
    );
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(config: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut args = vec!["run", "-q", "--json", "--config", config.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = feedgen(&args);
    let summary = serde_json::from_str(stdout(&out).trim()).unwrap_or(serde_json::Value::Null);
    (out.status.code(), summary, stderr(&out))
}

/// The entry links of a feed file, as an independent parser reads them.
fn links(path: &Path) -> BTreeSet<String> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_feed(&bytes)
        .entries
        .iter()
        .filter_map(|e| e.links.first().map(|l| l.href.clone()))
        .collect()
}

const FILES: [&str; 3] = ["site.xml", "site.atom", "site.json"];

#[test]
fn a_format_dropped_and_added_again_loses_no_entry() {
    let server = Server::start(vec![
        (
            "/a",
            Reply::html(article("A", Some("2024-07-01T10:00:00Z"))),
        ),
        (
            "/b",
            Reply::html(article("B", Some("2024-07-02T10:00:00Z"))),
        ),
        (
            "/c",
            Reply::html(article("C", Some("2024-07-03T10:00:00Z"))),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let all = ["rss", "atom", "json"];
    for (page, formats) in [("/a", &all[..]), ("/b", &["rss"][..]), ("/c", &all[..])] {
        let cfg = config(dir.path(), &[server.url(page)], formats, "");
        let (code, _, err) = run(&cfg, &[]);
        assert_eq!(code, Some(0), "{page}: {err}");
    }
    let expected: BTreeSet<String> = ["/a", "/b", "/c"].iter().map(|p| server.url(p)).collect();
    for file in FILES {
        assert_eq!(
            links(&dir.path().join("out").join(file)),
            expected,
            "{file}"
        );
    }
}

/// A page with neither a date nor an author: its entry is dated when first seen and
/// credited to the feed's title.
fn bare_article(title: &str) -> Vec<u8> {
    let para = "This paragraph is the body of a test article, with enough words, commas, and length to be scored as text.";
    format!(
        "<!doctype html><html lang=en><head><title>{title}</title></head><body><article>\
         <h1>{title}</h1><p>{para}</p><p>{para}</p></article></body></html>"
    )
    .into_bytes()
}

#[test]
fn run_force_on_undated_pages_rewrites_nothing() {
    // One server sends an ETag (a forced run gets 304), the other none (a forced run
    // extracts the page again and must find it unchanged).
    let server = Server::start(vec![
        ("/tagged", Reply::html(bare_article("Tagged"))),
        (
            "/untagged",
            Reply::Slow {
                delay: std::time::Duration::ZERO,
                body: bare_article("Untagged"),
            },
        ),
    ]);
    let urls = [server.url("/tagged"), server.url("/untagged")];
    for formats in [&["rss", "atom", "json"][..], &["rss"], &["atom"], &["json"]] {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path(), &urls, formats, "");
        let (code, _, err) = run(&cfg, &[]);
        assert_eq!(code, Some(0), "{formats:?}: {err}");
        let read_all = || {
            FILES
                .iter()
                .map(|f| std::fs::read(dir.path().join("out").join(f)).ok())
                .collect::<Vec<_>>()
        };
        let before = read_all();
        // Dates are to the second: let the clock move past the first run's second.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let (code, summary, err) = run(&cfg, &["--force"]);
        assert_eq!(code, Some(0), "{formats:?}: {err}");
        for (file, (old, new)) in FILES.iter().zip(before.iter().zip(read_all())) {
            assert_eq!(
                old.as_deref().map(String::from_utf8_lossy),
                new.as_deref().map(String::from_utf8_lossy),
                "{formats:?}: {file} changed"
            );
        }
        assert_eq!(summary["feeds_unchanged"], 1, "{formats:?}: {summary}");
    }
}

/// Makes `out/NAME` a non-empty folder, so that no file can be renamed over it.
fn block(dir: &Path, name: &str) {
    let path = dir.join("out").join(name);
    std::fs::create_dir_all(&path).unwrap();
    std::fs::write(path.join("keep"), "x").unwrap();
}

#[test]
fn side_files_that_cannot_be_written_are_errors() {
    let server = Server::start(vec![(
        "/a",
        Reply::html(article("A", Some("2024-07-01T10:00:00Z"))),
    )]);
    for side in ["feeds.opml", "feedgen.xsl", ".feedgen-state.json"] {
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(
            dir.path(),
            &[server.url("/a")],
            &["rss"],
            "stylesheet = true",
        );
        block(dir.path(), side);
        let (code, summary, err) = run(&cfg, &[]);
        assert_eq!(code, Some(1), "{side}: {err}");
        assert!(summary["errors"].as_u64() > Some(0), "{side}: {summary}");
        assert!(err.contains(side), "{side}: {err}");
        assert_eq!(
            links(&dir.path().join("out/site.xml")).len(),
            1,
            "{side}: the feed itself is still written"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_lock_file_is_refused_and_its_target_never_created() {
    let server = Server::start(vec![(
        "/a",
        Reply::html(article("A", Some("2024-07-01T10:00:00Z"))),
    )]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &[server.url("/a")], &["rss"], "");
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    let target = dir.path().join("elsewhere");
    std::os::unix::fs::symlink(&target, dir.path().join("out/.feedgen.lock")).unwrap();
    let (code, _, err) = run(&cfg, &[]);
    assert_ne!(code, Some(0), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(!target.exists(), "the link's target was created");
    assert!(!dir.path().join("out/site.xml").exists(), "the run went on");
    // One-shot --output takes the same lock and refuses the same way.
    let out = feedgen(&[
        "--url",
        &server.url("/a"),
        "--output",
        dir.path().join("out/one.xml").to_str().unwrap(),
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert!(!target.exists() && !dir.path().join("out/one.xml").exists());
}

#[test]
fn one_shot_output_waits_for_no_one_and_takes_the_folder_lock() {
    let server = Server::start(vec![(
        "/a",
        Reply::html(article("A", Some("2024-07-01T10:00:00Z"))),
    )]);
    let dir = tempfile::tempdir().unwrap();
    let lock = std::fs::File::create(dir.path().join(".feedgen.lock")).unwrap();
    lock.try_lock().unwrap();
    let file = dir.path().join("feed.xml");
    let out = feedgen(&[
        "--url",
        &server.url("/a"),
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another feedgen run"),
        "{}",
        stderr(&out)
    );
    assert!(!file.exists(), "written while another run held the folder");
    drop(lock);
    let out = feedgen(&[
        "--url",
        &server.url("/a"),
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(links(&file).len(), 1);
}

#[test]
fn a_killed_runs_temporary_files_are_removed_and_nothing_else() {
    let server = Server::start(vec![(
        "/a",
        Reply::html(article("A", Some("2024-07-01T10:00:00Z"))),
    )]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &[server.url("/a")], &["rss"], "");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".feedgen-Ab12cD.tmp"), "half a feed").unwrap();
    let outside = dir.path().join("precious");
    std::fs::write(&outside, "mine").unwrap();
    let keep = [
        "notes.tmp",
        ".feedgen-notes.txt",
        ".feedgen-state.json.bak",
        ".feedgen-toolong123.tmp",
    ];
    for name in keep {
        std::fs::write(out.join(name), "user file").unwrap();
    }
    std::fs::create_dir(out.join(".feedgen-Fold3r.tmp")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, out.join(".feedgen-L1nk00.tmp")).unwrap();
    let (code, _, err) = run(&cfg, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        !out.join(".feedgen-Ab12cD.tmp").exists(),
        "stale temp file left"
    );
    for name in keep {
        assert!(out.join(name).exists(), "{name} was removed");
    }
    assert!(out.join(".feedgen-Fold3r.tmp").is_dir());
    #[cfg(unix)]
    assert!(out.join(".feedgen-L1nk00.tmp").symlink_metadata().is_ok());
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "mine");
}
