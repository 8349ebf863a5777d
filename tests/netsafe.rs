//! What a remote page may make feedgen touch: never a local file, never an internal
//! address other than the user's own origins, and local sources only as bounded regular
//! files. Loopback servers only; internal addresses other than loopback are refused before
//! any traffic, which the tests check by timing and by the error's wording.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The marker of everything a hostile page must not get published.
const SECRET: &str = "TOPSECRET4711";

fn article(title: &str, word: &str) -> Vec<u8> {
    let para = format!("This {word} paragraph is the body of a test article, with enough words, commas, and length to be scored as text.");
    format!(
        "<!doctype html><html lang=en><head><title>{title} - Site</title><meta property='og:type' content='article'></head>\
         <body><article><h1>{title}</h1><p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"
    )
    .into_bytes()
}

/// A local page with a secret paragraph, as `/home/…/notes.html` would be.
fn secret_file(dir: &Path) -> (PathBuf, String) {
    let path = dir.join("secret.html");
    std::fs::write(&path, article("Private notes", SECRET)).unwrap();
    let url = url::Url::from_file_path(&path).unwrap().to_string();
    (path, url)
}

fn rss(links: &[&str]) -> Reply {
    let items: String = links
        .iter()
        .enumerate()
        .map(|(n, l)| format!("<item><title>Item {n}</title><link>{l}</link><guid isPermaLink=\"false\">urn:{n}</guid></item>"))
        .collect();
    Reply::Page {
        content_type: "application/rss+xml",
        body: format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><link>http://e.org/</link><description>d</description>{items}</channel></rss>").into_bytes(),
    }
}

fn write_config(dir: &Path, top: &str, feeds: &[(&str, &str)]) -> PathBuf {
    let mut text = format!(
        "output_dir = \"out\"\nformats = [\"rss\", \"atom\", \"json\"]\ntimeout_secs = 5\n{top}\n"
    );
    for (name, rest) in feeds {
        text.push_str(&format!("[[feeds]]\nname = \"{name}\"\n{rest}\n\n"));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(config: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", "--config", config.to_str().unwrap()];
    args.extend(extra);
    feedgen(&args)
}

/// Everything written to the output folder, all formats.
fn published(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir.join("out")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(path).unwrap()));
        }
    }
    all
}

#[test]
fn one_shot_on_a_remote_feed_never_reads_its_file_links() {
    let dir = tempfile::tempdir().unwrap();
    let (_, secret) = secret_file(dir.path());
    let site = Server::start(vec![
        ("/feed.xml", rss(&[&secret, "/good.html"])),
        ("/good.html", Reply::html(article("Good story", "public"))),
    ]);
    let out = feedgen(&["--url", &site.url("/feed.xml")]);
    let (printed, err) = (stdout(&out), stderr(&out));
    assert!(
        !printed.contains(SECRET),
        "a local file was published:\n{printed}"
    );
    assert!(
        printed.contains("This public paragraph"),
        "{printed}\n{err}"
    );
    assert!(
        err.contains(&format!("{secret}: refused")) && err.contains("local file"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1), "{err}");
}

#[test]
fn run_on_a_remote_feed_never_reads_its_file_links_with_or_without_kind() {
    let dir = tempfile::tempdir().unwrap();
    let (_, secret) = secret_file(dir.path());
    let site = Server::start(vec![
        ("/feed.xml", rss(&[&secret, "/good.html"])),
        ("/good.html", Reply::html(article("Good story", "public"))),
    ]);
    let feed_url = site.url("/feed.xml");
    let cfg = write_config(
        dir.path(),
        "",
        &[
            (
                "declared",
                &format!("url = \"{feed_url}\"\nkind = \"feed\""),
            ),
            ("detected", &format!("url = \"{feed_url}\"")),
        ],
    );
    let out = run(&cfg, &[]);
    let err = stderr(&out);
    let all = published(dir.path());
    assert!(!all.contains(SECRET), "a local file was published:\n{all}");
    assert!(all.contains("This public paragraph"), "{err}");
    assert_eq!(
        err.matches(&format!("{secret}: refused")).count(),
        2,
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1), "{err}");
}

/// Listing links are kept to http(s) where they are found (`render::absolute`), so this
/// passed before too; it keeps it so for links written out and links made local by `<base>`.
#[test]
fn a_listing_cannot_link_to_local_files_directly_or_through_base() {
    let dir = tempfile::tempdir().unwrap();
    let (_, secret) = secret_file(dir.path());
    let folder = url::Url::from_directory_path(dir.path()).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let good = format!("http://{}/good.html", listener.local_addr().unwrap());
    let direct = format!("<html><body><ul><li><a href=\"{secret}\">Notes</a></li><li><a href=\"/good.html\">Good</a></li></ul></body></html>");
    let based = format!("<html><head><base href=\"{folder}\"></head><body><ul><li><a href=\"secret.html\">Notes</a></li><li><a href=\"{good}\">Good</a></li></ul></body></html>");
    let site = Server::with_listener(
        listener,
        vec![
            ("/direct", Reply::html(direct)),
            ("/based", Reply::html(based)),
            ("/good.html", Reply::html(article("Good story", "public"))),
        ],
    );
    let listing = |path: &str| {
        format!(
            "url = \"{}\"\nkind = \"listing\"\n[feeds.select]\nitem = \"li\"",
            site.url(path)
        )
    };
    let cfg = write_config(
        dir.path(),
        "",
        &[
            ("direct", &listing("/direct")),
            ("based", &listing("/based")),
        ],
    );
    let out = run(&cfg, &[]);
    let err = stderr(&out);
    let all = published(dir.path());
    assert!(!all.contains(SECRET), "a local file was published:\n{all}");
    assert!(all.contains("This public paragraph"), "{err}");
    assert!(out.status.success(), "{err}");
}

#[test]
fn a_redirect_to_another_local_port_is_refused_unless_allowed() {
    let admin = Server::start(vec![(
        "/admin",
        Reply::html(article("Admin panel", SECRET)),
    )]);
    let port = admin.addr.port();
    let to_ip = format!("http://127.0.0.1:{port}/admin");
    let to_name = format!("http://localhost:{port}/admin");
    let site = Server::start(vec![
        ("/go", Reply::Redirect(to_ip.clone())),
        ("/go-by-name", Reply::Redirect(to_name.clone())),
    ]);
    for (path, target, refusal) in [
        ("/go", &to_ip, "127.0.0.1 is a loopback address"),
        ("/go-by-name", &to_name, "localhost is a loopback name"),
    ] {
        let out = feedgen(&["--url", &site.url(path)]);
        let err = stderr(&out);
        assert!(!stdout(&out).contains(SECRET), "{}", stdout(&out));
        assert!(
            err.contains(&format!(
                "{}: refused: redirect to {target}: {refusal}",
                site.url(path)
            )) && err.contains("allow_private_addresses = true"),
            "{err}"
        );
        assert_eq!(out.status.code(), Some(1), "{err}");
    }
    assert_eq!(admin.page_requests(), 0, "the refused server was contacted");

    let allowed = feedgen(&["--url", &site.url("/go"), "--allow-private-addresses"]);
    assert!(stdout(&allowed).contains(SECRET), "{}", stderr(&allowed));
    let dir = tempfile::tempdir().unwrap();
    let feed = format!("url = \"{}\"", site.url("/go"));
    let cfg = write_config(
        dir.path(),
        "allow_private_addresses = true",
        &[("go", &feed)],
    );
    let out = run(&cfg, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(published(dir.path()).contains(SECRET));
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), "", &[("flag", &feed)]);
    let out = run(&cfg, &["--allow-private-addresses"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(published(dir.path()).contains(SECRET));
}

#[test]
fn a_feed_item_on_another_local_port_is_refused_without_contacting_it() {
    let admin = Server::start(vec![("/", Reply::html(article("Admin panel", SECRET)))]);
    let inside = format!("http://127.0.0.1:{}/", admin.addr.port());
    let site = Server::start(vec![
        ("/feed.xml", rss(&[&inside, "/good.html"])),
        ("/good.html", Reply::html(article("Good story", "public"))),
    ]);
    let out = feedgen(&["--url", &site.url("/feed.xml")]);
    let err = stderr(&out);
    assert!(!stdout(&out).contains(SECRET));
    assert!(stdout(&out).contains("This public paragraph"), "{err}");
    assert!(
        err.contains(&format!(
            "{inside}: refused: 127.0.0.1 is a loopback address"
        )),
        "{err}"
    );
    assert_eq!(admin.hits("/") + admin.hits("/robots.txt"), 0);
}

#[test]
fn links_and_redirects_to_internal_ranges_are_refused_before_any_traffic() {
    let targets = [
        ("10.0.0.1", "10.0.0.1 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("[::1]", "[::1] is a loopback address"),
        ("[fc00::1]", "[fc00::1] is a private address"),
    ];
    let mut routes = Vec::new();
    let paths: Vec<(String, String, String)> = targets
        .iter()
        .enumerate()
        .map(|(n, (host, _))| {
            (
                format!("/feed{n}.xml"),
                format!("/go{n}"),
                format!("http://{host}/latest/meta-data/"),
            )
        })
        .collect();
    for (feed, go, target) in &paths {
        routes.push((feed.as_str(), rss(&[target])));
        routes.push((go.as_str(), Reply::Redirect(target.clone())));
    }
    let site = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let feeds: Vec<(String, String)> = paths
        .iter()
        .enumerate()
        .flat_map(|(n, (feed, go, _))| {
            [
                (format!("feed{n}"), format!("url = \"{}\"", site.url(feed))),
                (format!("go{n}"), format!("url = \"{}\"", site.url(go))),
            ]
        })
        .collect();
    let feeds: Vec<(&str, &str)> = feeds
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let cfg = write_config(dir.path(), "", &feeds);
    let started = Instant::now();
    let out = run(&cfg, &[]);
    let took = started.elapsed();
    let err = stderr(&out);
    for ((_, go, target), (_, refusal)) in paths.iter().zip(targets) {
        assert!(
            err.contains(&format!("{target}: refused: {refusal}")),
            "item link: {err}"
        );
        assert!(
            err.contains(&format!(
                "{}: refused: redirect to {target}: {refusal}",
                site.url(go)
            )),
            "redirect: {err}"
        );
    }
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        took < Duration::from_secs(4),
        "took {took:?}: was something contacted?"
    );
}

#[test]
fn a_listing_on_a_local_site_still_follows_its_own_links() {
    let page = "<html><body><ul>\
        <li><a href=\"/2024/07/first-story.html\">The first story of the day</a></li>\
        <li><a href=\"/2024/07/second-story.html\">The second story of the day</a></li>\
        </ul></body></html>";
    let site = Server::start(vec![
        ("/", Reply::html(page)),
        (
            "/2024/07/first-story.html",
            Reply::html(article("First story", "one")),
        ),
        (
            "/2024/07/second-story.html",
            Reply::html(article("Second story", "two")),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let feed = format!("url = \"{}\"\nkind = \"listing\"", site.url("/"));
    let cfg = write_config(dir.path(), "", &[("local", &feed)]);
    let out = run(&cfg, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let all = published(dir.path());
    assert!(
        all.contains("This one paragraph") && all.contains("This two paragraph"),
        "{all}"
    );
}

/// Runs feedgen and kills it if it is still running after `limit`.
fn run_bounded(config: &Path, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(binary())
        .args(["run", "--config", config.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start feedgen");
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("collect output");
    (out, started.elapsed())
}

#[test]
fn devices_and_fifos_as_sources_fail_fast_and_other_feeds_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.html");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    std::fs::write(dir.path().join("good.html"), article("Good story", "local")).unwrap();
    let cfg = write_config(
        dir.path(),
        "",
        &[
            ("zero", "url = \"file:///dev/zero\""),
            ("fifo", "url = \"file:pipe.html\""),
            ("good", "url = \"file:good.html\""),
        ],
    );
    let (out, took) = run_bounded(&cfg, Duration::from_secs(20));
    let err = stderr(&out);
    assert!(took < Duration::from_secs(5), "took {took:?}: {err}");
    assert!(
        err.contains("file:///dev/zero: is a character device, not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("pipe.html: is a FIFO (named pipe), not a regular file"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(published(dir.path()).contains("Good story"), "{err}");
}

#[test]
fn a_local_file_is_read_no_further_than_max_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!("<html><body><p>{}</p></body></html>", "word ".repeat(4000));
    std::fs::write(dir.path().join("big.html"), big).unwrap();
    std::fs::write(dir.path().join("good.html"), article("Good story", "local")).unwrap();
    let cfg = write_config(
        dir.path(),
        "max_bytes = 10000",
        &[
            ("big", "url = \"file:big.html\""),
            ("good", "url = \"file:good.html\""),
        ],
    );
    let out = run(&cfg, &[]);
    let err = stderr(&out);
    assert!(
        err.contains("big.html: response is larger than the 10000-byte limit"),
        "{err}"
    );
    assert!(published(dir.path()).contains("Good story"), "{err}");
}

/// A name other than `localhost` that the hosts file points at loopback, if there is one:
/// the resolver's check then runs on a real lookup with no traffic leaving the machine.
fn loopback_name_from_hosts() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().find_map(|line| {
        let mut fields = line.split('#').next()?.split_whitespace();
        let ip: std::net::IpAddr = fields.next()?.parse().ok()?;
        if !ip.is_loopback() {
            return None;
        }
        fields
            .find(|n| !n.eq_ignore_ascii_case("localhost") && !n.ends_with(".localhost"))
            .map(str::to_string)
    })
}

#[test]
fn a_name_that_resolves_to_loopback_is_refused_on_resolution() {
    let Some(name) = loopback_name_from_hosts() else {
        eprintln!("no loopback name besides localhost in /etc/hosts: nothing to resolve");
        return;
    };
    let admin = Server::start(vec![("/", Reply::html(article("Admin panel", SECRET)))]);
    let inside = format!("http://{name}:{}/", admin.addr.port());
    let site = Server::start(vec![
        ("/feed.xml", rss(&[&inside])),
        ("/go", Reply::Redirect(inside.clone())),
    ]);
    let refusal = format!("{name} resolves to loopback address");
    for (path, expected) in [
        ("/feed.xml", format!("{inside}: refused: {refusal}")),
        (
            "/go",
            format!(
                "{}: refused: redirect to {inside}: {refusal}",
                site.url("/go")
            ),
        ),
    ] {
        let out = feedgen(&["--url", &site.url(path)]);
        let err = stderr(&out);
        assert!(!stdout(&out).contains(SECRET));
        assert!(err.contains(&expected), "{err}");
    }
    assert_eq!(admin.hits("/") + admin.hits("/robots.txt"), 0);
}
