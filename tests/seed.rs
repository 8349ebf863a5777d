//! The founding example: the seed article must come out right from all three of its pages,
//! served over HTTP the way a real site would serve them, as `expected.json` describes.

mod common;

use chrono::DateTime;
use common::*;
use serde_json::Value;

const PATH: &str = "/id/teknologi/memperkuat-konektivitas-teknologi-749479.html";

fn expected() -> Value {
    serde_json::from_slice(&fixture("seed/expected.json")).expect("expected.json")
}

fn extract_over_http(file: &str, content_type: &'static str) -> (Value, String) {
    let server = Server::start(vec![(
        PATH,
        Reply::Page {
            content_type,
            body: fixture(&format!("seed/{file}")),
        },
    )]);
    let url = server.url(PATH);
    let out = feedgen(&["extract", "--url", &url, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    (
        serde_json::from_str(&stdout(&out)).expect("one JSON object"),
        url,
    )
}

fn assert_body(got: &Value, want: &Value) {
    let body = got["body"].as_str().unwrap();
    let mut from = 0;
    for para in want["body_paragraphs"].as_array().unwrap() {
        let para = para.as_str().unwrap();
        let at = body[from..]
            .find(para)
            .unwrap_or_else(|| panic!("missing or out of order: {para}\n--- body:\n{body}"));
        from += at + para.len();
    }
    for bad in want["must_not_contain"].as_array().unwrap() {
        let bad = bad.as_str().unwrap();
        assert!(!body.contains(bad), "boilerplate {bad:?} in body");
        assert!(
            !got["content_html"].as_str().unwrap().contains(bad),
            "boilerplate {bad:?} in content_html"
        );
    }
}

fn assert_metadata(got: &Value, want: &Value) {
    assert_eq!(got["title"], want["title"]);
    assert_eq!(
        got["author"].as_str().unwrap().to_lowercase(),
        want["author"].as_str().unwrap().to_lowercase()
    );
    let published =
        DateTime::parse_from_rfc3339(got["published"].as_str().expect("a date")).unwrap();
    assert_eq!(
        published,
        DateTime::parse_from_rfc3339(want["published"].as_str().unwrap()).unwrap()
    );
    assert_eq!(got["language"], want["language"]);
}

#[test]
fn rich_page_gives_every_field() {
    let want = expected();
    let (got, _) = extract_over_http("seed-rich.html", "text/html; charset=utf-8");
    assert_metadata(&got, &want);
    assert_eq!(got["image"], want["image"]);
    assert_eq!(got["canonical_url"], want["url"]);
    assert_body(&got, &want);
}

#[test]
fn bare_page_gives_the_same_article_from_visible_text() {
    let want = expected();
    let (got, url) = extract_over_http("seed-bare.html", "text/html; charset=utf-8");
    assert_metadata(&got, &want);
    assert_eq!(got["url"].as_str(), Some(url.as_str()));
    let image = url::Url::parse(&url)
        .unwrap()
        .join("/media/2024/07/konferensi-beijing.jpg")
        .unwrap();
    assert_eq!(got["image"].as_str(), Some(image.as_str()));
    assert_body(&got, &want);
}

#[test]
fn windows_1252_declared_only_in_meta_decodes_right() {
    let want = expected();
    let (got, _) = extract_over_http("seed-bare-windows-1252.html", "text/html");
    assert_metadata(&got, &want);
    assert_body(&got, &want);
    assert!(got["body"]
        .as_str()
        .unwrap()
        .contains("\u{201c} diplomasi bertetangga\u{201d}"));
}

#[test]
fn one_shot_feed_of_the_seed_passes_real_consumers() {
    let server = Server::start(vec![(PATH, Reply::html(fixture("seed/seed-rich.html")))]);
    let dir = tempfile::tempdir().unwrap();
    let out = feedgen(&[
        "--url",
        &server.url(PATH),
        "--self-url",
        "https://feeds.example.org/seed.xml",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = parse_feed(&out.stdout);
    assert_eq!(feed.entries.len(), 1);
    let entry = &feed.entries[0];
    let want = expected();
    assert_eq!(
        entry.title.as_ref().unwrap().content,
        want["title"].as_str().unwrap()
    );
    assert_eq!(entry.links[0].href, want["url"].as_str().unwrap());
    assert_eq!(entry.authors[0].name, "Khanh Minh");
    assert_eq!(
        entry.published.unwrap(),
        DateTime::parse_from_rfc3339(want["published"].as_str().unwrap()).unwrap()
    );
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .expect("content:encoded");
    assert!(content.contains("Jalur Sutra Digital"));
    assert!(!content.contains("Berita terkait") && !content.contains("<script"));
    assert!(entry.media.iter().any(|m| m.content.iter().any(|c| c
        .url
        .as_ref()
        .map(|u| u.as_str())
        == want["image"].as_str())));
    let file = dir.path().join("seed.xml");
    std::fs::write(&file, &out.stdout).unwrap();
    check_feed(&[&file]);
}
