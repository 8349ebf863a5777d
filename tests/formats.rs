//! Every format is a view of one model: render it, read it back with an independent parser
//! (feed-rs), and compare field by field; nasty strings must never break well-formedness;
//! the formats written by `feedgen run` pass the real consumers in check-feed.

mod common;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use common::*;
use feedgen::feed::{plain_text, Entry, Feed, Format, BYLINE_SEPARATOR};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32, h: u32, offset_hours: i32) -> DateTime<FixedOffset> {
    FixedOffset::east_opt(offset_hours * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
}

fn url(s: &str) -> url::Url {
    url::Url::parse(s).unwrap()
}

fn nasty_feed() -> Feed {
    let mut feed = Feed::new(
        "News & <Views> ]]> 🦀",
        Some(url("https://news.example/")),
        "All the news, \"quoted\" & escaped",
    );
    feed.language = Some("id".into());
    feed.last_build = Some(Utc.with_ymd_and_hms(2024, 7, 18, 0, 0, 0).unwrap());
    feed.ttl_minutes = Some(30);
    feed.entries = vec![
        Entry {
            id: "https://news.example/a?x=1&y=2".into(),
            link: url("https://news.example/a?x=1&y=2"),
            title: "A title with 1 < 2 & and ]]> and emoji 🦀 and مرحبا".into(),
            authors: vec!["Jane Doe".into(), "Nguyễn Văn An".into()],
            published: date(2024, 7, 17, 10, 7),
            updated: date(2024, 7, 17, 12, 7),
            date_is_first_seen: false,
            summary: "Summary: 1 < 2 & 3 > 2 ]]> done".into(),
            content_html: "<p>Body with <a href=\"https://news.example/x?a=1&amp;b=2\">a link</a>, &amp; entity, ]]&gt; and <b>bold</b>.</p>".into(),
            image: Some(url("https://news.example/i.jpg")),
            categories: vec!["Tech".into(), "ASEAN".into()],
        },
        Entry {
            id: "https://news.example/b".into(),
            link: url("https://news.example/b"),
            title: "Second".into(),
            authors: vec![],
            published: date(2024, 7, 16, 8, -4),
            updated: date(2024, 7, 16, 8, -4),
            date_is_first_seen: false,
            summary: "Plain".into(),
            content_html: "<p>Plain.</p>".into(),
            image: None,
            categories: vec![],
        },
    ];
    feed
}

#[test]
fn every_format_round_trips_through_an_independent_parser() {
    let model = nasty_feed();
    for format in Format::ALL {
        let text = format.render(&model);
        let parsed = parse_feed(text.as_bytes());
        let what = format!("{format:?}");
        assert_eq!(
            parsed.title.as_ref().unwrap().content,
            plain_text(&model.title),
            "{what} title"
        );
        assert_eq!(parsed.entries.len(), 2, "{what}");
        if format != Format::Json {
            assert_eq!(parsed.language.as_deref(), Some("id"), "{what} language");
        }
        for (got, want) in parsed.entries.iter().zip(&model.entries) {
            assert_eq!(got.id, want.id, "{what} id");
            assert_eq!(got.links[0].href, want.link.as_str(), "{what} link");
            assert_eq!(
                got.title.as_ref().unwrap().content,
                plain_text(&want.title),
                "{what} title"
            );
            assert_eq!(got.published.unwrap(), want.published, "{what} published");
            if format != Format::Rss {
                assert_eq!(got.updated.unwrap(), want.updated, "{what} updated");
            }
            let authors: Vec<&str> = got.authors.iter().map(|a| a.name.as_str()).collect();
            let mut want_authors: Vec<String> = if want.authors.is_empty() {
                vec![plain_text(&model.title)]
            } else {
                want.authors.clone()
            };
            if format == Format::Rss {
                // One dc:creator with the whole byline, which is what RSS readers show.
                want_authors = vec![want_authors.join(BYLINE_SEPARATOR)];
            }
            assert_eq!(authors, want_authors, "{what} authors");
            let mut summary = got.summary.as_ref().map(|s| s.content.clone());
            if format == Format::Rss {
                // RSS descriptions are HTML: the plain summary was escaped once.
                summary = summary.map(|s| {
                    s.replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&quot;", "\"")
                        .replace("&amp;", "&")
                });
            }
            let content = got.content.as_ref().and_then(|c| c.body.clone());
            assert_eq!(
                summary.as_deref(),
                Some(want.summary.as_str()),
                "{what} summary"
            );
            assert_eq!(
                content.as_deref(),
                Some(want.content_html.as_str()),
                "{what} content"
            );
            let categories: Vec<&str> = got.categories.iter().map(|c| c.term.as_str()).collect();
            assert_eq!(
                categories,
                want.categories
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
                "{what} categories"
            );
            let image = got
                .media
                .iter()
                .flat_map(|m| {
                    m.content
                        .iter()
                        .filter_map(|c| c.url.as_ref().map(|u| u.to_string()))
                        .chain(m.thumbnails.iter().map(|t| t.image.uri.clone()))
                })
                .next();
            // feed-rs does not read JSON Feed's `image`; our reader checks it below.
            if format != Format::Json {
                assert_eq!(
                    image.as_deref(),
                    want.image.as_ref().map(url::Url::as_str),
                    "{what} image"
                );
            }
        }
        // Our own reader gets the whole model back, too (it is the store of the next run).
        let back = format.parse(text.as_bytes()).unwrap();
        let images: Vec<_> = back.entries.iter().map(|e| e.image.clone()).collect();
        let want_images: Vec<_> = model.entries.iter().map(|e| e.image.clone()).collect();
        assert_eq!(images, want_images, "{what} images");
        assert_eq!(
            back.entries[0].content_html, model.entries[0].content_html,
            "{what}"
        );
        assert_eq!(back.last_build, model.last_build, "{what} build date");
    }
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[<>&\"'\\]\\[ a-zA-Z\u{0}-\u{1f}\u{7f}\u{fffe}\u{ffff}\u{202e}🦀]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_strings_always_give_well_formed_feeds(title in any_text(), author in any_text(), summary in any_text(), content in any_text(), tag in any_text()) {
        let mut feed = nasty_feed();
        feed.title = title.clone();
        let e = &mut feed.entries[0];
        e.title = title;
        e.authors = vec![author];
        e.summary = summary;
        e.content_html = content;
        e.categories = vec![tag];
        for format in Format::ALL {
            let text = format.render(&feed);
            prop_assert!(feed_rs::parser::parse(text.as_bytes()).is_ok(), "{:?} does not parse:\n{}", format, text);
            prop_assert!(format.parse(text.as_bytes()).is_ok(), "{:?} does not read back", format);
        }
    }
}

#[test]
fn nasty_entries_pass_the_real_consumers_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = nasty_feed();
    let paths: Vec<std::path::PathBuf> = Format::ALL
        .iter()
        .map(|format| {
            let name = format!("nasty.{}", format.extension());
            model.self_url = Some(url(&format!("https://feeds.example.org/{name}")));
            let path = dir.path().join(name);
            std::fs::write(&path, format.render(&model)).unwrap();
            path
        })
        .collect();
    let refs: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
    check_feed(&refs);
}

#[test]
fn run_writes_every_configured_format_and_an_opml_list() {
    let page = fixture("seed/seed-rich.html");
    let server = Server::start(vec![("/a.html", Reply::html(page))]);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "output_dir = \"out\"\nbase_url = \"https://feeds.example.org/news/\"\nformats = [\"rss\", \"atom\", \"json\"]\ninterval_minutes = 30\n\
             [[feeds]]\nname = \"kabar\"\nurl = \"{}\"\n",
            server.url("/a.html")
        ),
    )
    .unwrap();
    let out = feedgen(&["run", "--config", config.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out_dir = dir.path().join("out");
    let files: Vec<_> = ["kabar.xml", "kabar.atom", "kabar.json"]
        .iter()
        .map(|f| out_dir.join(f))
        .collect();
    for f in &files {
        let feed = parse_feed(&std::fs::read(f).unwrap());
        assert_eq!(
            feed.entries[0].title.as_ref().unwrap().content,
            "Memperkuat konektivitas teknologi",
            "{}",
            f.display()
        );
    }
    let rss = String::from_utf8(std::fs::read(&files[0]).unwrap()).unwrap();
    assert!(
        rss.contains("<ttl>30</ttl>")
            && rss.contains("href=\"https://feeds.example.org/news/kabar.xml\"")
    );
    assert!(rss.contains("<?xml-stylesheet type=\"text/xsl\" href=\"feedgen.xsl\"?>"));
    assert!(out_dir.join("feedgen.xsl").exists());
    let opml = std::fs::read_to_string(out_dir.join("feeds.opml")).unwrap();
    assert!(
        opml.contains("xmlUrl=\"https://feeds.example.org/news/kabar.xml\"")
            && opml.contains("title=\"Kabar\""),
        "{opml}"
    );
    let printed = feedgen(&["opml", "--config", config.to_str().unwrap()]);
    assert_eq!(stdout(&printed), opml);
    let paths: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    check_feed(&paths);
}

#[test]
fn one_shot_format_flag_and_output_extension_choose_the_format() {
    let server = Server::start(vec![(
        "/a.html",
        Reply::html(fixture("seed/seed-rich.html")),
    )]);
    let out = feedgen(&[
        "--url",
        &server.url("/a.html"),
        "--format",
        "atom",
        "--self-url",
        "https://feeds.example.org/a.atom",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("a.json");
    let out = feedgen(&[
        "--url",
        &server.url("/a.html"),
        "--output",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(doc["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(doc["items"][0]["authors"][0]["name"], "Khanh Minh");
    let bad = feedgen(&["--url", &server.url("/a.html"), "--format", "html"]);
    assert_eq!(bad.status.code(), Some(2));
}
