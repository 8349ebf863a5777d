//! Hostile input against the real binary and loopback servers: a `robots.txt` that crashed
//! its parser, pages built to make parsing or link discovery take hours, and a page that
//! still takes too long; each must cost only its own page, never the run or other feeds.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn article(title: &str) -> Vec<u8> {
    let para = format!("This paragraph about {title} is the body of a test article, with enough words, commas, and length to be scored as text.");
    format!(
        "<!doctype html><html lang=en><head><title>{title} - Site</title><meta property='og:type' content='article'></head>\
         <body><article><h1>{title}</h1><p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"
    )
    .into_bytes()
}

fn write_config(dir: &Path, feeds: &[(String, String)]) -> PathBuf {
    let mut text = String::from("output_dir = \"out\"\ntimeout_secs = 5\n");
    for (name, url) in feeds {
        text.push_str(&format!("[[feeds]]\nname = \"{name}\"\nurl = \"{url}\"\n"));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the binary, killing it after `limit`: `None` when it was still running then.
fn run_within(args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = Command::new(binary())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start feedgen");
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().expect("poll feedgen").is_some() {
            return Some(child.wait_with_output().expect("collect output"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn entries(dir: &Path, name: &str) -> usize {
    let path = dir.join("out").join(format!("{name}.xml"));
    let bytes =
        std::fs::read(&path).unwrap_or_else(|_| panic!("{} was not written", path.display()));
    parse_feed(&bytes).entries.len()
}

/// Folyd/robotstxt#5: a line over 16 KB with a non-ASCII character past that point made the
/// matcher panic; the site's feeds failed for the day the file is cached, `--url` crashed.
fn crashing_robots_txt() -> Vec<u8> {
    format!(
        "User-agent: *\nDisallow: /{}é{}/\nDisallow: /private/\n",
        "a".repeat(17_000),
        "ü".repeat(10)
    )
    .into_bytes()
}

#[test]
fn a_robots_txt_that_crashed_its_parser_is_read_and_every_feed_is_written() {
    let robots_site = Server::start(vec![
        (
            "/robots.txt",
            Reply::Page {
                content_type: "text/plain; charset=utf-8",
                body: crashing_robots_txt(),
            },
        ),
        ("/one.html", Reply::html(article("First story"))),
        ("/two.html", Reply::html(article("Second story"))),
        ("/private/three.html", Reply::html(article("Private story"))),
    ]);
    let healthy = Server::start(vec![("/other.html", Reply::html(article("Other story")))]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &[
            ("first".into(), robots_site.url("/one.html")),
            ("second".into(), robots_site.url("/two.html")),
            ("private".into(), robots_site.url("/private/three.html")),
            ("other".into(), healthy.url("/other.html")),
        ],
    );
    let out = run_within(
        &["run", "--config", config.to_str().unwrap()],
        Duration::from_secs(60),
    )
    .expect("the run ends");
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(101), "no panic ends the run: {err}");
    for name in ["first", "second", "other"] {
        assert_eq!(entries(dir.path(), name), 1, "{name}: {err}");
    }
    // The rule after the long line still holds.
    assert!(
        err.contains("/private/three.html") && err.contains("robots.txt disallows"),
        "{err}"
    );
    assert_eq!(robots_site.hits("/private/three.html"), 0);

    let file = dir.path().join("one-shot.xml");
    let one_shot = run_within(
        &[
            "--url",
            &robots_site.url("/one.html"),
            "--output",
            file.to_str().unwrap(),
        ],
        Duration::from_secs(60),
    )
    .expect("the one-shot run ends");
    assert_eq!(one_shot.status.code(), Some(0), "{}", stderr(&one_shot));
    assert_eq!(parse_feed(&std::fs::read(&file).unwrap()).entries.len(), 1);
}

/// One element with a million distinct attributes (8 MB): html5ever checks each attribute
/// against all earlier ones, which took about 25 minutes.
fn attribute_bomb() -> Vec<u8> {
    let mut page = String::from("<!doctype html><html><head><title>Wide</title></head><body><div");
    for i in 0..1_000_000 {
        page.push_str(&format!(" a{i}"));
    }
    page.push('>');
    page.push_str(&String::from_utf8(article("Wide page")).unwrap());
    page.into_bytes()
}

/// A 5 MB listing of 190,000 short article-like links: discovery de-duplicated them with
/// linear scans and never finished.
fn link_bomb() -> Vec<u8> {
    let mut page = String::from("<!doctype html><html><head><title>Links</title></head><body>");
    for i in 0..190_000 {
        page.push_str(&format!("<a href=/n/{i:06}>a b</a>"));
    }
    page.push_str("</body></html>");
    page.into_bytes()
}

#[test]
fn attribute_and_link_bombs_cost_only_their_own_pages() {
    let bombs = Server::start(vec![
        ("/wide.html", Reply::html(attribute_bomb())),
        ("/links.html", Reply::html(link_bomb())),
        ("/more-links.html", Reply::html(link_bomb())),
    ]);
    let healthy: Vec<Server> = (0..2)
        .map(|s| {
            let routes: Vec<(String, Reply)> = (0..5)
                .map(|i| {
                    let title = format!("Healthy story {s}-{i}");
                    (format!("/story-{i}.html"), Reply::html(article(&title)))
                })
                .collect();
            Server::start(
                routes
                    .iter()
                    .map(|(p, r)| (p.as_str(), r.clone()))
                    .collect(),
            )
        })
        .collect();
    let mut feeds: Vec<(String, String)> = vec![
        ("wide".into(), bombs.url("/wide.html")),
        ("links".into(), bombs.url("/links.html")),
        ("more-links".into(), bombs.url("/more-links.html")),
    ];
    for (s, server) in healthy.iter().enumerate() {
        for i in 0..5 {
            feeds.push((
                format!("healthy-{s}-{i}"),
                server.url(&format!("/story-{i}.html")),
            ));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &feeds);
    let started = Instant::now();
    let out = run_within(
        &["run", "--config", config.to_str().unwrap()],
        Duration::from_secs(90),
    )
    .expect("the run ends within 90 s (it took hours)");
    let err = stderr(&out);
    for s in 0..2 {
        for i in 0..5 {
            assert_eq!(entries(dir.path(), &format!("healthy-{s}-{i}")), 1, "{err}");
        }
    }
    assert!(!err.contains("timed out"), "no false timeouts: {err}");
    // The wide page is read with its first attributes; the listings yield their links.
    assert_eq!(entries(dir.path(), "wide"), 1, "{err}");
    eprintln!(
        "bombs and ten healthy feeds: {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// Attributes that the cap does not see (inside `<svg><style>`, where the tokenizer reads
/// tags but the cap's scan reads raw text) still cost only the page's time budget.
#[test]
fn a_page_over_its_time_budget_is_an_error_naming_it() {
    let mut page = String::from("<!doctype html><html><body><svg><style><div");
    for i in 0..1_000_000 {
        page.push_str(&format!(" a{i}"));
    }
    page.push_str("></style></svg><p>After.</p></body></html>");
    let server = Server::start(vec![
        ("/slow.html", Reply::html(page)),
        ("/ok.html", Reply::html(article("Quick story"))),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &[
            ("slow".into(), server.url("/slow.html")),
            ("ok".into(), server.url("/ok.html")),
        ],
    );
    let started = Instant::now();
    let out = run_within(
        &["run", "--config", config.to_str().unwrap()],
        Duration::from_secs(60),
    )
    .expect("the run ends within 60 s");
    let err = stderr(&out);
    assert!(
        err.contains(&server.url("/slow.html")) && err.contains("took more than 10s to process"),
        "{err}"
    );
    assert_eq!(entries(dir.path(), "ok"), 1, "{err}");
    eprintln!("over-budget page: {:.1}s", started.elapsed().as_secs_f64());
}
