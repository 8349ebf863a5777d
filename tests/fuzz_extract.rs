//! The extractor must never panic and never hang, whatever it is fed: random markup,
//! mutations of real pages, pathological nesting, binary and invalid text.
//!
//! CI runs a few hundred cases; a long run is the same test for a given time:
//! `FEEDGEN_FUZZ_SECONDS=600 cargo test --release --test fuzz_extract -- --nocapture`
//! (each of the two generators gets that long), or with more cases: `FEEDGEN_FUZZ_CASES=…`.

mod common;

use chrono::Utc;
use feedgen::extract::extract;
use feedgen::feed::{Entry, Feed, Format};
use proptest::prelude::*;
use url::Url;

fn page_url() -> Url {
    Url::parse("https://fuzz.example/news/a.html").expect("valid URL")
}

/// Pieces real pages are made of, including broken ones.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=\"content article-body\">".to_string()),
        Just("</div>".to_string()),
        Just("<article>".to_string()),
        Just("<h1>Title".to_string()),
        Just("<script>var x = '</div>';</script>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<a href=\"javascript:alert(1)\">".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<meta property=\"article:published_time\" content=\"2024-13-45T99:99:99+99:00\">".to_string()),
        Just("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":[{},null,[[]]]}</script>".to_string()),
        Just("<time datetime=\"x\">17/07/2024 25:61 GMT+99</time>".to_string()),
        Just("<!--".to_string()),
        Just("<![CDATA[".to_string()),
        Just("&#0;&#xD800;&amp;&#99999999;".to_string()),
        Just("<base href=\"::::\">".to_string()),
        Just("<link rel=canonical href=\"http://[::1\">".to_string()),
        "[a-zA-Z ,.]{0,80}",
        any::<String>(),
    ]
}

fn random_page() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..60).prop_map(|parts| parts.concat())
}

/// A real page with a few bytes flipped, cut or repeated.
fn mutated_seed() -> impl Strategy<Value = Vec<u8>> {
    let seed = include_bytes!("fixtures/seed/seed-rich.html").to_vec();
    let len = seed.len();
    prop::collection::vec((0..len, any::<u8>(), 0..4u8), 1..40).prop_map(move |edits| {
        let mut page = seed.clone();
        for (at, byte, op) in edits {
            let at = at.min(page.len().saturating_sub(1));
            match op {
                0 => page[at] = byte,
                1 => page.truncate(at.max(1)),
                2 => page.insert(at, byte),
                _ => {
                    let end = (at + 64).min(page.len());
                    let chunk = page[at..end].to_vec();
                    page.splice(at..at, chunk);
                }
            }
        }
        page
    })
}

/// Whatever comes out must also make a feed that parses in every format.
fn feed_still_parses(html: &str) {
    let now = Utc::now();
    if let Ok(article) = extract(html, &page_url(), now) {
        let mut feed = Feed::new("Fuzz", Url::parse("https://fuzz.example/").ok(), "d");
        feed.entries.push(Entry::from_article(&article, now));
        for format in Format::ALL {
            let text = format.render(&feed);
            assert!(
                format.parse(text.as_bytes()).is_ok(),
                "{format:?} output does not parse back"
            );
        }
    }
}

#[test]
fn random_markup_never_panics() {
    common::fuzz("random pages", random_page(), |page| {
        feed_still_parses(&page);
    });
}

#[test]
fn mutated_real_pages_never_panic() {
    common::fuzz("mutated seed pages", mutated_seed(), |bytes| {
        feed_still_parses(&feedgen::fetch::charset::decode(&bytes, None));
    });
}

#[test]
fn pathological_inputs_give_a_clear_answer() {
    let url = page_url();
    let now = Utc::now();
    let no_article = |html: &str| {
        extract(html, &url, now)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    assert!(no_article("").contains("no article found"));
    assert!(
        no_article("<html><body><nav><a href=/>Home</a></nav></body></html>")
            .contains("no article found")
    );
    // Invalid UTF-8 and binary are decoded lossily before extraction; they must not panic.
    let garbage: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let _ = extract(&feedgen::fetch::charset::decode(&garbage, None), &url, now);
    // Deep nesting: correct output, no stack overflow (time is measured by the bench, not here).
    let depth = 100_000;
    let para =
        "<p>Deep text of an article, with commas, and words enough to be the body of it.</p>";
    let page = format!("{}{para}{}", "<div>".repeat(depth), "</div>".repeat(depth));
    let article = extract(&page, &url, now).expect("an article");
    assert!(article.text.contains("Deep text of an article"));
}
