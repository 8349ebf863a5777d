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

/// Feeds, kills and articles of the kill test.
const KILL_FEEDS: usize = 6;
const KILLS: usize = 20;

/// The source feed of feed `k` at step `i`: it lists only the newest article, so an entry a
/// killed run wrote to some files is not offered again by the next run.
fn source_feed(server_url: &str, k: usize, i: usize) -> Reply {
    let day = 1 + i % 28;
    let month = 1 + i / 28;
    Reply::Page {
        content_type: "application/rss+xml",
        body: format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {k}</title><link>{server_url}/</link>\
             <description>d</description><item><title>Article {k}-{i}</title><link>{server_url}/f{k}/a{i}.html</link>\
             <pubDate>{day:02} {} 2024 10:00:00 +0000</pubDate></item></channel></rss>",
            ["Jan", "Feb"][month - 1]
        )
        .into_bytes(),
    }
}

/// The entry links each feed file holds, as an independent parser reads them; every file
/// must parse.
fn ids_on_disk(out: &Path) -> Vec<(String, BTreeSet<String>)> {
    let mut held = Vec::new();
    for k in 0..KILL_FEEDS {
        for ext in ["xml", "atom", "json"] {
            let name = format!("f{k}.{ext}");
            let Ok(bytes) = std::fs::read(out.join(&name)) else {
                continue;
            };
            let links = parse_feed(&bytes)
                .entries
                .into_iter()
                .filter_map(|e| e.links.first().map(|l| l.href.clone()))
                .collect();
            held.push((name, links));
        }
    }
    held
}

#[test]
fn kill_9_at_any_moment_loses_no_entry() {
    // Bind first: the source feeds name the server's own address.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut routes = Vec::new();
    let paths: Vec<(String, Reply)> = (0..KILL_FEEDS)
        .flat_map(|k| (0..=KILLS).map(move |i| (k, i)))
        .flat_map(|(k, i)| {
            let title = format!("Article {k}-{i}");
            // Some articles are slow, so the feeds finish and write at different moments.
            let delay = std::time::Duration::from_millis(((k * 7 + i * 3) % 5) as u64 * 60);
            [
                (format!("/f{k}/feed{i}.xml"), source_feed(&base, k, i)),
                (
                    format!("/f{k}/a{i}.html"),
                    Reply::Slow {
                        delay,
                        body: article(&title, None),
                    },
                ),
            ]
        })
        .collect();
    for (path, reply) in &paths {
        routes.push((path.as_str(), reply.clone()));
    }
    let _server = Server::with_listener(listener, routes);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let out = dir.path().join("out");
    let cfg = dir.path().join("config.toml");
    let write_config = |i: usize| {
        let mut text = String::from(
            "output_dir = \"out\"\ntimeout_secs = 5\nper_host_concurrency = 16\nformats = [\"rss\", \"atom\", \"json\"]\n",
        );
        for k in 0..KILL_FEEDS {
            text.push_str(&format!(
                "[[feeds]]\nname = \"f{k}\"\nurl = \"{base}/f{k}/feed{i}.xml\"\nkind = \"feed\"\n"
            ));
        }
        std::fs::write(&cfg, text).unwrap();
    };
    let start = |i: usize| {
        write_config(i);
        std::process::Command::new(binary())
            .args(["run", "-q", "--config", cfg.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // A clean first run measures how long a run takes, to spread the kills over it.
    let started = std::time::Instant::now();
    assert!(start(0).wait().unwrap().success());
    let run_time = started.elapsed();
    let mut per_file: std::collections::BTreeMap<String, BTreeSet<String>> =
        ids_on_disk(&out).into_iter().collect();
    let mut ever: BTreeSet<String> = per_file.values().flatten().cloned().collect();
    let mut killed = 0;
    for i in 1..=KILLS {
        // Moments spread over the run, in a scrambled order (7 is prime to KILLS).
        let moment = (i * 7) % KILLS;
        let delay = run_time.mul_f64(1.2 * moment as f64 / KILLS as f64);
        let mut child = start(i);
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        for (name, ids) in ids_on_disk(&out) {
            let before = per_file.entry(name.clone()).or_default();
            let lost: Vec<&String> = before.difference(&ids).collect();
            assert!(
                lost.is_empty(),
                "step {i}, killed after {delay:?}: {name} lost {lost:?}"
            );
            ever.extend(ids.iter().cloned());
            *before = ids;
        }
    }
    assert!(
        killed >= KILLS / 2,
        "only {killed} runs were still going when killed"
    );
    let last = start(KILLS).wait().unwrap();
    assert!(last.success(), "the clean run after the kills failed");
    let held = ids_on_disk(&out);
    assert_eq!(held.len(), KILL_FEEDS * 3, "every feed in every format");
    for (name, ids) in &held {
        let feed = name.split('.').next().unwrap();
        let mut want: BTreeSet<String> = ever
            .iter()
            .filter(|link| link.contains(&format!("/{feed}/")))
            .cloned()
            .collect();
        want.insert(format!("{base}/{feed}/a{KILLS}.html"));
        assert_eq!(ids, &want, "{name} after the clean run");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn a_format_left_over_from_an_earlier_config_does_not_make_idle_runs_rewrite() {
    // No ETag: a forced run extracts the pages again and must find nothing changed.
    let page = |title: &str, date: &str| Reply::Slow {
        delay: std::time::Duration::ZERO,
        body: article(title, Some(date)),
    };
    let server = Server::start(vec![
        ("/a", page("A", "2024-07-01T10:00:00Z")),
        ("/b", page("B", "2024-07-02T10:00:00Z")),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        &[server.url("/a")],
        &["rss", "atom", "json"],
        "",
    );
    assert_eq!(run(&cfg, &[]).0, Some(0));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let urls = [server.url("/a"), server.url("/b")];
    let cfg = config(dir.path(), &urls, &["rss"], "");
    assert_eq!(run(&cfg, &[]).0, Some(0));
    let rss = dir.path().join("out/site.xml");
    let before = std::fs::read(&rss).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (code, summary, err) = run(&cfg, &["--force"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&std::fs::read(&rss).unwrap()),
        String::from_utf8_lossy(&before)
    );
    assert_eq!(summary["feeds_unchanged"], 1, "{summary}");
}
