//! What real readers show: plain-text fields that cannot pass for markup or reorder
//! themselves, a whole byline where RSS readers look, and a lead image every reader finds.

mod common;

use std::path::Path;

use common::*;

const PARA: &str = "This paragraph is the body of a test article, with enough words, commas, and length to be scored as text.";

/// An article whose title hides a right-to-left override and a visible script tag, with two
/// authors and a lead image whose URL does not tell its type.
fn tricky_article(image: &str) -> Vec<u8> {
    format!(
        "<!doctype html><html lang=en><head>\
         <title>Invoice \u{202E}fdp.exe <script>alert(1)</script></title>\
         <meta property='og:image' content='{image}'>\
         <script type='application/ld+json'>{{\"@type\":\"NewsArticle\",\
         \"headline\":\"Invoice \u{202E}fdp.exe \\u003cscript>alert(1)\\u003c/script>\",\
         \"datePublished\":\"2024-07-17T10:15:00+07:00\",\
         \"author\":[{{\"@type\":\"Person\",\"name\":\"Ann Lee\"}},{{\"@type\":\"Person\",\"name\":\"Bob Roe\"}}]}}</script>\
         </head><body><article><h1>Invoice \u{202E}fdp.exe &lt;script&gt;alert(1)&lt;/script&gt;</h1>\
         <p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></article></body></html>"
    )
    .into_bytes()
}

fn run_all_formats(dir: &Path, url: &str) {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "output_dir = \"out\"\nbase_url = \"https://feeds.example.org/\"\nformats = [\"rss\", \"atom\", \"json\"]\n\
             [[feeds]]\nname = \"t\"\nurl = \"{url}\"\n"
        ),
    )
    .expect("write config");
    let out = feedgen(&[
        "run",
        "-q",
        "--config",
        config.to_str().expect("utf-8 path"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Serves the tricky article with this lead image and runs a feed of it in every format;
/// the server and folder live as long as the returned pair.
fn published(image: &str) -> (Server, tempfile::TempDir) {
    let server = Server::start(vec![("/a", Reply::html(tricky_article(image)))]);
    let dir = tempfile::tempdir().expect("temp dir");
    run_all_formats(dir.path(), &server.url("/a"));
    (server, dir)
}

#[test]
fn titles_cannot_pass_for_markup_or_reorder_in_any_format() {
    let (_server, dir) = published("https://cdn.example/img/12345");
    let out = dir.path().join("out");
    for file in ["t.xml", "t.atom", "t.json"] {
        let bytes = std::fs::read(out.join(file)).expect("feed written");
        let feed = parse_feed(&bytes);
        let title = feed.entries[0]
            .title
            .as_ref()
            .map(|t| t.content.clone())
            .unwrap_or_default();
        assert!(!title.contains('\u{202E}'), "{file}: {title:?}");
        assert!(!title.contains('<'), "{file}: {title:?}");
        assert!(
            title.contains("‹script›alert(1)‹/script›"),
            "{file}: {title:?}"
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains('\u{202E}'), "{file} keeps a bidi override");
    }
    check_feed(&[&out.join("t.xml"), &out.join("t.atom"), &out.join("t.json")]);
}

#[test]
fn rss_readers_see_the_whole_byline_and_atom_keeps_the_list() {
    let (server, dir) = published("https://cdn.example/a.jpg");
    let out = dir.path().join("out");
    let rss = std::fs::read_to_string(out.join("t.xml")).expect("rss written");
    assert_eq!(rss.matches("<dc:creator>").count(), 1, "{rss}");
    assert!(
        rss.contains("<dc:creator>Ann Lee, Bob Roe</dc:creator>"),
        "{rss}"
    );
    let atom = parse_feed(&std::fs::read(out.join("t.atom")).expect("atom written"));
    let names: Vec<&str> = atom.entries[0]
        .authors
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["Ann Lee", "Bob Roe"]);
    // A second run reads the byline back from the files and changes nothing.
    let before = std::fs::read(out.join("t.xml")).expect("rss");
    run_all_formats(dir.path(), &server.url("/a"));
    assert_eq!(std::fs::read(out.join("t.xml")).expect("rss"), before);
}

#[test]
fn an_image_of_unknown_type_is_still_an_enclosure() {
    let (_server, dir) = published("https://cdn.example/img/12345");
    let out = dir.path().join("out");
    let rss = parse_feed(&std::fs::read(out.join("t.xml")).expect("rss written"));
    let atom = parse_feed(&std::fs::read(out.join("t.atom")).expect("atom written"));
    for (format, feed) in [("rss", rss), ("atom", atom)] {
        let media = &feed.entries[0].media;
        let has_image = media.iter().flat_map(|m| &m.content).any(|c| {
            c.url
                .as_ref()
                .is_some_and(|u| u.as_str() == "https://cdn.example/img/12345")
        });
        assert!(has_image, "{format}: {media:?}");
    }
    let rss = std::fs::read_to_string(out.join("t.xml")).expect("rss");
    assert!(
        rss.contains("<enclosure url=\"https://cdn.example/img/12345\""),
        "{rss}"
    );
}

#[test]
fn run_says_when_an_entry_links_to_a_local_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = repo().join("tests/fixtures/seed/seed-bare.html");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "output_dir = \"out\"\n[[feeds]]\nname = \"bare\"\nurl = \"file://{}\"\n",
            page.display()
        ),
    )
    .expect("write config");
    let out = feedgen(&["run", "--config", config.to_str().expect("utf-8 path")]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: bare: file://") && err.contains("site_url"),
        "{err}"
    );
    let quiet = feedgen(&[
        "run",
        "-q",
        "--force",
        "--config",
        config.to_str().expect("utf-8 path"),
    ]);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
}
