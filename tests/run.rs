//! `feedgen run` and the one-shot command against a local server: good pages, every kind of
//! bad source, a broken config, a corrupt feed file, and repeated runs.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

fn article(title: &str, date: &str) -> Vec<u8> {
    let para = "This paragraph is the body of a test article, with enough words, commas, and length to be scored as text.";
    format!(
        "<!doctype html><html lang=en><head><title>{title} | Test Site</title>\
         <meta property='article:published_time' content='{date}'><meta name=author content='By Ann Lee'></head>\
         <body><nav><a href=/>Home</a> <a href=/news>News</a></nav><article><h1>{title}</h1>\
         <p>{para}</p><p>{para}</p><p>{para}</p></article><footer>Copyright</footer></body></html>"
    )
    .into_bytes()
}

fn write_config(dir: &Path, feeds: &[(&str, &str)], extra: &str) -> std::path::PathBuf {
    let mut text = format!("output_dir = \"out\"\nbase_url = \"https://feeds.example.org/\"\ntimeout_secs = 2\n{extra}\n");
    for (name, url) in feeds {
        text.push_str(&format!(
            "[[feeds]]\nname = \"{name}\"\nurl = \"{url}\"\n\n"
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn bad_sources_are_reported_and_the_rest_is_written() {
    let server = Server::start(vec![
        (
            "/good",
            Reply::html(article("Good news", "2024-07-17T10:15:00+07:00")),
        ),
        ("/gone", Reply::Status(404)),
        ("/broken", Reply::Status(500)),
        (
            "/slow",
            Reply::Slow {
                delay: Duration::from_secs(6),
                body: article("Slow", "2024-07-17"),
            },
        ),
        ("/r1", Reply::Redirect("/r2".into())),
        ("/r2", Reply::Redirect("/good".into())),
        ("/loop1", Reply::Redirect("/loop2".into())),
        ("/loop2", Reply::Redirect("/loop1".into())),
        (
            "/image",
            Reply::Page {
                content_type: "image/png",
                body: b"\x89PNG\r\n\x1a\n\0\0".to_vec(),
            },
        ),
        (
            "/binary",
            Reply::Page {
                content_type: "text/html",
                body: b"\0\x01\x02\x03garbage\0".to_vec(),
            },
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let bad = ["gone", "broken", "slow", "loop1", "image", "binary"];
    let mut feeds: Vec<(String, String)> = bad
        .iter()
        .map(|p| (p.to_string(), server.url(&format!("/{p}"))))
        .collect();
    feeds.push(("good".into(), server.url("/good")));
    feeds.push(("redirected".into(), server.url("/r1")));
    let refs: Vec<(&str, &str)> = feeds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let config = write_config(dir.path(), &refs, "");

    let started = Instant::now();
    let out = feedgen(&["run", "--config", config.to_str().unwrap()]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "a slow source must not hold up the run"
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let error_lines: Vec<&str> = err.lines().filter(|l| l.contains("error:")).collect();
    assert_eq!(
        error_lines.len(),
        bad.len(),
        "one line per bad source:\n{err}"
    );
    for (path, reason) in [
        ("/gone", "404"),
        ("/broken", "500"),
        ("/slow", "timed out"),
        ("/loop", "redirect loop"),
        ("/image", "not an HTML page"),
        ("/binary", "binary"),
    ] {
        assert!(
            error_lines
                .iter()
                .any(|l| l.contains(&server.url(path)) && l.contains(reason)),
            "no line for {path} with {reason:?}:\n{err}"
        );
    }
    let out_dir = dir.path().join("out");
    for name in bad {
        assert!(!out_dir.join(format!("{name}.xml")).exists());
    }
    for name in ["good", "redirected"] {
        let feed = parse_feed(&std::fs::read(out_dir.join(format!("{name}.xml"))).unwrap());
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].title.as_ref().unwrap().content, "Good news");
        assert_eq!(feed.entries[0].authors[0].name, "Ann Lee");
    }
    let good = out_dir.join("good.xml");
    check_feed(&[&good, &out_dir.join("redirected.xml")]);
}

#[test]
fn a_second_run_with_nothing_new_changes_nothing() {
    let server = Server::start(vec![
        (
            "/a",
            Reply::html(article("First", "2024-07-17T10:15:00+07:00")),
        ),
        (
            "/b",
            Reply::html(article("Second", "2024-07-18T10:15:00+07:00")),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "output_dir = \"out\"\n[[feeds]]\nname = \"site\"\nurls = [\"{}\", \"{}\"]\n",
            server.url("/a"),
            server.url("/b")
        ),
    )
    .unwrap();
    let run = || feedgen(&["run", "-q", "--config", config.to_str().unwrap()]);
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        first.stdout.is_empty() && first.stderr.is_empty(),
        "-q is silent on success"
    );
    let path = dir.path().join("out/site.xml");
    let bytes = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    assert!(run().status.success());
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "byte-identical");
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "not even rewritten"
    );
    let feed = parse_feed(&bytes);
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(titles, ["Second", "First"], "newest first");
}

#[test]
fn broken_config_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "output_dir = \"out\"\n[[feeds]]\nname = \"a\"\nurl = \"https://example.org/\"\nmax_items = \"ten\"\n").unwrap();
    let out = feedgen(&["run", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:5:", config.display())), "{err}");
    let missing = feedgen(&[
        "run",
        "--config",
        dir.path().join("nope.toml").to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nope.toml"));
    assert_eq!(feedgen(&[]).status.code(), Some(2));
}

#[test]
fn a_corrupt_feed_file_is_left_alone_and_other_feeds_go_on() {
    let server = Server::start(vec![("/a", Reply::html(article("First", "2024-07-17")))]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &[("broken", &server.url("/a")), ("fine", &server.url("/a"))],
        "",
    );
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let corrupt = b"<?xml version=\"1.0\"?><rss><channel><title>half writ";
    std::fs::write(out_dir.join("broken.xml"), corrupt).unwrap();
    let out = feedgen(&["run", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("broken.xml") && stderr(&out).contains("does not parse"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(out_dir.join("broken.xml")).unwrap(), corrupt);
    parse_feed(&std::fs::read(out_dir.join("fine.xml")).unwrap());
}

#[test]
fn one_shot_output_merges_into_the_existing_feed() {
    let server = Server::start(vec![
        (
            "/a",
            Reply::html(article("First", "2024-07-17T10:15:00+07:00")),
        ),
        (
            "/b",
            Reply::html(article("Second", "2024-07-18T10:15:00+07:00")),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.xml");
    let file_arg = file.to_str().unwrap();
    for path in ["/a", "/b", "/a"] {
        let out = feedgen(&[
            "--url",
            &server.url(path),
            "--output",
            file_arg,
            "--max-items",
            "5",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let before = std::fs::read(&file).unwrap();
    let feed = parse_feed(&before);
    assert_eq!(feed.entries.len(), 2);
    let out = feedgen(&["--url", &server.url("/b"), "--output", file_arg]);
    assert!(stderr(&out).contains("unchanged"));
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn hostile_markup_is_sanitised_and_the_feed_stays_well_formed() {
    let para =
        "Real text of the article, long enough, with commas, and more words to be chosen as body.";
    let page = format!(
        "<html><head><title>Tricky &lt;title&gt; &amp; ]]&gt; 🦀 \u{0}\u{1}</title></head><body><article>\
         <p>{para}</p><p onclick=\"steal()\">{para} <a href=\"javascript:alert(1)\">click</a>\
         <img src=\"/x.png\" onerror=\"alert(1)\"></p><script>alert('x')</script>\
         <p>Control \u{0}\u{8}\u{b} chars and ]]> sequence, {para}</p><p dir=rtl>مرحبا بالعالم {para}</p></article></body></html>"
    );
    let server = Server::start(vec![("/t", Reply::html(page))]);
    let out = feedgen(&[
        "--url",
        &server.url("/t"),
        "--self-url",
        "https://feeds.example.org/t.xml",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = parse_feed(&out.stdout);
    let entry = &feed.entries[0];
    assert_eq!(
        entry.title.as_ref().unwrap().content,
        "Tricky ‹title› & ]]> 🦀"
    );
    let content = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap();
    for bad in [
        "<script",
        "onclick",
        "onerror",
        "javascript:",
        "\u{0}",
        "\u{8}",
    ] {
        assert!(!content.contains(bad), "{bad:?} survived: {content}");
    }
    assert!(
        content.contains("]]&gt; sequence") && content.contains("مرحبا"),
        "{content}"
    );
    assert!(
        content.contains(&format!("src=\"{}\"", server.url("/x.png"))),
        "{content}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.xml");
    std::fs::write(&file, &out.stdout).unwrap();
    check_feed(&[&file]);
}

#[test]
fn shipped_offline_example_runs_from_a_copy_of_the_repo() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("config.toml"), dir.path().join("config.toml")).unwrap();
    let seed = dir.path().join("tests/fixtures/seed");
    std::fs::create_dir_all(&seed).unwrap();
    for f in std::fs::read_dir(repo().join("tests/fixtures/seed")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), seed.join(f.file_name())).unwrap();
    }
    let config = dir.path().join("config.toml");
    let out = feedgen(&["run", "--config", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feeds: Vec<_> = ["seed", "seed-bare", "seed-windows-1252"]
        .iter()
        .map(|n| dir.path().join(format!("feeds/{n}.xml")))
        .collect();
    for f in &feeds {
        let feed = parse_feed(&std::fs::read(f).unwrap());
        assert_eq!(
            feed.entries[0].title.as_ref().unwrap().content,
            "Memperkuat konektivitas teknologi"
        );
    }
    let paths: Vec<&Path> = feeds.iter().map(|p| p.as_path()).collect();
    check_feed(&paths);
}

#[test]
fn a_page_url_with_tracking_parameters_gives_the_clean_entry_id() {
    let page = Reply::html(article("First", "2024-07-17T10:15:00+07:00"));
    let server = Server::start(vec![
        ("/a?utm_source=news&id=7&fbclid=x", page.clone()),
        ("/a?id=7", page),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.xml");
    let file_arg = file.to_str().unwrap();
    for url in ["/a?utm_source=news&id=7&fbclid=x#top", "/a?id=7"] {
        let out = feedgen(&["--url", &server.url(url), "--output", file_arg]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let feed = parse_feed(&std::fs::read(&file).unwrap());
    assert_eq!(feed.entries.len(), 1, "one page, one entry");
    assert_eq!(feed.entries[0].id, server.url("/a?id=7"));
    assert!(
        dir.path().join(".feedgen-state.json").is_file(),
        "--output keeps the run state beside the file, as a run does"
    );
}

#[test]
fn every_command_fetches_under_robots_txt() {
    let robots = Reply::Page {
        content_type: "text/plain",
        body: b"User-agent: *\nDisallow: /private\n".to_vec(),
    };
    let server = Server::start(vec![
        ("/robots.txt", robots),
        (
            "/private/a",
            Reply::html(article("Secret", "2024-07-17T10:15:00+07:00")),
        ),
    ]);
    let url = server.url("/private/a");
    for args in [vec!["extract", "--url", &url], vec!["--url", &url]] {
        let out = feedgen(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("robots.txt"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(
        server.hits("/private/a"),
        0,
        "no command asked for the page"
    );
}
