//! Listing and partial-feed sources against a local server: discovery, following, caps,
//! selectors, filters, feed enrichment, and the errors a user must be able to act on.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn article(title: &str, body_word: &str) -> Vec<u8> {
    let para = format!("This {body_word} paragraph is the body of a test article, with enough words, commas, and length to be scored as text.");
    format!(
        "<!doctype html><html lang=en><head><title>{title} - Site</title><meta property='og:type' content='article'>\
         <meta name=author content='Ann Lee'></head><body><nav><a href=/>Home</a></nav><article><h1>{title}</h1>\
         <p>{para}</p><p>{para}</p><p>{para}</p></article></body></html>"
    )
    .into_bytes()
}

fn index(links: &[(&str, &str)]) -> Vec<u8> {
    let items: String = links
        .iter()
        .map(|(href, title)| format!("<li class=story><h2><a href=\"{href}\">{title}</a></h2><p class=dek>A teaser sentence about {title} for readers.</p><time datetime=\"2024-07-17T08:00:00Z\">17 July</time></li>"))
        .collect();
    format!(
        "<!doctype html><html><head><title>News</title></head><body><header><nav><a href=/politics/>Politics</a>\
         <a href=/login>Log in</a></nav></header><main><ul class=stories>{items}</ul>\
         <div class=pagination><a href=/page/2>2</a></div></main><footer><a href=/about-us-and-our-team>About us and our team</a></footer></body></html>"
    )
    .into_bytes()
}

fn config(dir: &Path, feed: &str) -> PathBuf {
    let text = format!("output_dir = \"out\"\nbase_url = \"https://feeds.example.org/\"\ntimeout_secs = 3\n[[feeds]]\nname = \"news\"\n{feed}\n");
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn titles(dir: &Path) -> Vec<String> {
    let feed = parse_feed(&std::fs::read(dir.join("out/news.xml")).unwrap());
    let mut t: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    t.sort();
    t
}

const A: (&str, &str) = (
    "/2024/07/rice-prices-climb-again.html",
    "Rice prices climb again at markets",
);
const B: (&str, &str) = (
    "/2024/07/new-rules-for-imports.html?utm_source=home",
    "Government announces new rules for imports",
);

#[test]
fn a_listing_becomes_a_feed_and_later_runs_fetch_only_the_index() {
    let other = Server::start(vec![(
        "/2024/07/elsewhere-story-long.html",
        Reply::html(article("Elsewhere", "other")),
    )]);
    let foreign = other.url("/2024/07/elsewhere-story-long.html");
    // The index links relatively, protocol-relatively and with tracking parameters; it also
    // links to another site and to an e-mail address, which are never followed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let host = listener.local_addr().unwrap().to_string();
    let protocol_relative = format!("//{host}/2024/07/storm-hits-the-coast.html#comments");
    let page = index(&[
        A,
        B,
        (protocol_relative.as_str(), "Storm hits the coast overnight"),
        (foreign.as_str(), "A long story on another website"),
        (
            "mailto:desk@news.example",
            "Write to the news desk about this",
        ),
    ]);
    let site = Server::with_listener(
        listener,
        vec![
            ("/", Reply::html(page)),
            (
                "/2024/07/rice-prices-climb-again.html",
                Reply::html(article("Rice prices climb again at markets", "rice")),
            ),
            (
                "/2024/07/new-rules-for-imports.html",
                Reply::html(article(
                    "Government announces new rules for imports",
                    "rules",
                )),
            ),
            (
                "/2024/07/storm-hits-the-coast.html",
                Reply::html(article("Storm hits the coast overnight", "storm")),
            ),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        &format!("url = \"{}\"\nkind = \"listing\"", site.url("/")),
    );
    let out = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        titles(dir.path()),
        [
            "Government announces new rules for imports",
            "Rice prices climb again at markets",
            "Storm hits the coast overnight"
        ]
    );
    assert_eq!(
        other.page_requests(),
        0,
        "links to other sites are never followed"
    );
    assert_eq!(
        site.hits("/2024/07/new-rules-for-imports.html"),
        1,
        "tracking parameters are dropped"
    );
    let before = site.page_requests();
    let out = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        site.page_requests(),
        before + 1,
        "only the index was asked for again"
    );
}

#[test]
fn max_new_caps_a_first_run_and_selectors_without_follow_fetch_no_article() {
    let links: Vec<(String, String)> = (1..=6)
        .map(|i| {
            (
                format!("/2024/07/story-number-{i}-of-the-day.html"),
                format!("Story number {i} of the day"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = links
        .iter()
        .map(|(h, t)| (h.as_str(), t.as_str()))
        .collect();
    let mut routes = vec![("/", Reply::html(index(&refs)))];
    for (h, t) in &links {
        routes.push((h.as_str(), Reply::html(article(t, "day"))));
    }
    let site = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        &format!(
            "url = \"{}\"\nkind = \"listing\"\nmax_new = 2",
            site.url("/")
        ),
    );
    assert!(feedgen(&["run", "--config", cfg.to_str().unwrap()])
        .status
        .success());
    assert_eq!(
        titles(dir.path()),
        ["Story number 1 of the day", "Story number 2 of the day"]
    );

    let dir = tempfile::tempdir().unwrap();
    let before = site.page_requests();
    let cfg = config(
        dir.path(),
        &format!("url = \"{}\"\nkind = \"listing\"\nfollow = false\n[feeds.select]\nitem = \"li.story\"\ntitle = \"h2\"\nsummary = \"p.dek\"\ndate = \"time\"", site.url("/")),
    );
    let out = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        site.page_requests(),
        before + 1,
        "follow = false fetches the listing only"
    );
    let feed = parse_feed(&std::fs::read(dir.path().join("out/news.xml")).unwrap());
    assert_eq!(feed.entries.len(), 6);
    let first = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "Story number 1 of the day")
        .unwrap();
    assert_eq!(
        first.summary.as_ref().unwrap().content,
        "A teaser sentence about Story number 1 of the day for readers."
    );
    assert_eq!(
        first.published.unwrap().to_rfc3339(),
        "2024-07-17T08:00:00+00:00"
    );
}

#[test]
fn filters_leave_out_matching_entries() {
    let site = Server::start(vec![
        (
            "/",
            Reply::html(index(&[
                A,
                (
                    "/2024/07/sponsored-holiday-offer-now.html",
                    "Sponsored: holiday offer now",
                ),
            ])),
        ),
        (
            "/2024/07/rice-prices-climb-again.html",
            Reply::html(article("Rice prices climb again at markets", "rice")),
        ),
        (
            "/2024/07/sponsored-holiday-offer-now.html",
            Reply::html(article("Sponsored: holiday offer now", "ad")),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        &format!(
            "url = \"{}\"\nkind = \"listing\"\nexclude = [\"(?i)sponsored\"]",
            site.url("/")
        ),
    );
    assert!(feedgen(&["run", "--config", cfg.to_str().unwrap()])
        .status
        .success());
    assert_eq!(titles(dir.path()), ["Rice prices climb again at markets"]);
    assert_eq!(
        site.hits("/2024/07/sponsored-holiday-offer-now.html"),
        0,
        "excluded by URL before fetching"
    );
}

#[test]
fn a_partial_feed_gets_full_text_and_keeps_its_own_ids_and_dates() {
    let site = Server::start(vec![
        ("/a.html", Reply::html(article("Page title of A", "alpha"))),
        ("/b.html", Reply::html(article("Page title of B", "beta"))),
    ]);
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Teasers</title><link>{0}/</link><description>d</description>\
         <item><title>Feed title A</title><link>{0}/a.html</link><guid isPermaLink=\"false\">urn:a</guid><pubDate>Wed, 17 Jul 2024 10:15:00 +0700</pubDate><description>Teaser only</description></item>\
         <item><title>Feed title B</title><link>{0}/b.html</link><guid isPermaLink=\"false\">urn:b</guid><pubDate>Tue, 16 Jul 2024 10:15:00 +0700</pubDate><description>Teaser only</description></item>\
         </channel></rss>",
        site.url("")
    );
    let feed_server = Server::start(vec![(
        "/feed.xml",
        Reply::Page {
            content_type: "application/rss+xml",
            body: rss.into_bytes(),
        },
    )]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        &format!("url = \"{}\"", feed_server.url("/feed.xml")),
    );
    // The feed and its articles are on two local servers: the articles' server is not an
    // origin the config names, so reaching it needs the explicit permission.
    let out = feedgen(&[
        "run",
        "--config",
        cfg.to_str().unwrap(),
        "--allow-private-addresses",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = parse_feed(&std::fs::read(dir.path().join("out/news.xml")).unwrap());
    assert_eq!(feed.entries.len(), 2);
    let a = &feed.entries[0];
    assert_eq!(a.id, "urn:a");
    assert_eq!(a.title.as_ref().unwrap().content, "Feed title A");
    assert_eq!(
        a.published.unwrap().to_rfc3339(),
        "2024-07-17T03:15:00+00:00"
    );
    let content = a.content.as_ref().and_then(|c| c.body.clone()).unwrap();
    assert!(content.contains("This alpha paragraph"), "{content}");
    assert_eq!(a.authors[0].name, "Ann Lee");
    check_feed(&[&dir.path().join("out/news.xml")]);
}

#[test]
fn unusable_sources_say_what_to_do_and_keep_the_old_output() {
    let site = Server::start(vec![
        (
            "/empty",
            Reply::html(
                &b"<html><body><nav><a href=/a>A</a></nav><p>Nothing here.</p></body></html>"[..],
            ),
        ),
        ("/list", Reply::html(index(&[A]))),
        (
            "/broken.xml",
            Reply::Page {
                content_type: "application/rss+xml",
                body: b"<rss><channel><title>half".to_vec(),
            },
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        &format!("url = \"{}\"\nkind = \"listing\"", site.url("/empty")),
    );
    let out = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&site.url("/empty")) && stderr(&out).contains("selectors"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.path().join("out/news.xml").exists(),
        "no empty feed written silently"
    );

    let cfg = config(
        dir.path(),
        &format!(
            "url = \"{}\"\nkind = \"listing\"\n[feeds.select]\nitem = \"div.teaser\"",
            site.url("/list")
        ),
    );
    let out = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("div.teaser") && stderr(&out).contains("matched nothing"),
        "{}",
        stderr(&out)
    );

    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    let old = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Old</title><link>https://e.org/</link><description>d</description></channel></rss>";
    std::fs::write(dir.path().join("out/news.xml"), old).unwrap();
    let cfg = config(
        dir.path(),
        &format!("url = \"{}\"\nkind = \"feed\"", site.url("/broken.xml")),
    );
    let out = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does not parse"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.path().join("out/news.xml")).unwrap(), old);
}

#[test]
fn one_shot_on_a_front_page_prints_a_feed_of_its_articles() {
    let site = Server::start(vec![
        (
            "/",
            Reply::html(index(&[
                A,
                B,
                (
                    "/2024/07/third-story-of-the-day.html",
                    "Third story of the day here",
                ),
                (
                    "/2024/07/fourth-story-of-the-day.html",
                    "Fourth story of the day here",
                ),
                (
                    "/2024/07/fifth-story-of-the-day.html",
                    "Fifth story of the day here",
                ),
            ])),
        ),
        (
            "/2024/07/rice-prices-climb-again.html",
            Reply::html(article("Rice prices climb again at markets", "rice")),
        ),
        (
            "/2024/07/new-rules-for-imports.html",
            Reply::html(article(
                "Government announces new rules for imports",
                "rules",
            )),
        ),
        (
            "/2024/07/third-story-of-the-day.html",
            Reply::html(article("Third story of the day here", "third")),
        ),
        (
            "/2024/07/fourth-story-of-the-day.html",
            Reply::html(article("Fourth story of the day here", "fourth")),
        ),
        (
            "/2024/07/fifth-story-of-the-day.html",
            Reply::html(article("Fifth story of the day here", "fifth")),
        ),
    ]);
    let out = feedgen(&[
        "--url",
        &site.url("/"),
        "--self-url",
        "https://feeds.example.org/front.xml",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = parse_feed(&out.stdout);
    assert_eq!(feed.entries.len(), 5, "{}", stdout(&out));
}

fn article_page(title: &str, word: &str, next: Option<&str>) -> Vec<u8> {
    let para = format!("The {word} part of the long story goes on here, with commas, details, and enough words to count as text.");
    let link = next
        .map(|n| format!("<link rel=\"next\" href=\"{n}\">"))
        .unwrap_or_default();
    let pager = next
        .map(|n| format!("<p class=pages><a rel=\"next\" href=\"{n}\">Next page</a></p>"))
        .unwrap_or_default();
    format!(
        "<html><head><title>{title}</title>{link}<meta property=og:type content=article></head><body><article><h1>{title}</h1>\
         <p>{para}</p><p>{para}</p>{pager}</article>\
         <nav class=post-nav><a rel=\"next\" href=\"/2024/07/a-different-story.html\">A different story</a></nav></body></html>"
    )
    .into_bytes()
}

#[test]
fn an_article_split_over_pages_becomes_one_entry() {
    let site = Server::start(vec![
        (
            "/2024/07/long-story.html",
            Reply::html(article_page(
                "Long story",
                "first",
                Some("/2024/07/long-story-2.html"),
            )),
        ),
        (
            "/2024/07/long-story-2.html",
            Reply::html(article_page(
                "Long story",
                "second",
                Some("/2024/07/long-story-3.html"),
            )),
        ),
        (
            "/2024/07/long-story-3.html",
            Reply::html(article_page(
                "Long story",
                "third",
                Some("/2024/07/long-story.html"),
            )),
        ),
        (
            "/2024/07/a-different-story.html",
            Reply::html(article_page("A different story", "other", None)),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        &format!(
            "url = \"{}\"\nkind = \"page\"",
            site.url("/2024/07/long-story.html")
        ),
    );
    let out = feedgen(&["run", "--config", cfg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = parse_feed(&std::fs::read(dir.path().join("out/news.xml")).unwrap());
    assert_eq!(feed.entries.len(), 1);
    let content = feed.entries[0]
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap();
    let (first, second, third) = (
        content.find("The first part"),
        content.find("The second part"),
        content.find("The third part"),
    );
    assert!(
        first < second && second < third && first.is_some(),
        "pages joined in order: {content}"
    );
    assert!(
        !content.contains("The other part"),
        "a theme's rel=next to another post is not followed"
    );
    assert_eq!(
        site.hits("/2024/07/long-story.html"),
        1,
        "the pagination loop back to page 1 is not followed"
    );
    assert_eq!(site.hits("/2024/07/a-different-story.html"), 0);
}
