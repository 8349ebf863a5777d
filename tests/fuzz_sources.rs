//! The source-feed reader (`partial::items`, `partial::looks_like_feed`) and the
//! `robots.txt` matcher must never panic and never hang, whatever a site serves: mutated
//! RSS, Atom, RDF and JSON feeds, random bytes, and the inputs that once crashed or stalled.
//!
//! CI runs a few hundred cases; a long run is the same test for a given time:
//! `FEEDGEN_FUZZ_SECONDS=600 cargo test --release --test fuzz_sources -- --nocapture`
//! (each generator gets that long), or with more cases: `FEEDGEN_FUZZ_CASES=…`.

mod common;

use std::time::{Duration, Instant};

use feedgen::fetch::robots;
use feedgen::source::partial::{items, looks_like_feed};
use proptest::prelude::*;
use url::Url;

fn feed_url() -> Url {
    Url::parse("https://fuzz.example/news/feed.xml").expect("valid URL")
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Kabar</title><link>https://fuzz.example/</link><description>News</description>
<item><title>Harga beras naik</title><link>/2024/07/harga-beras.html</link><guid isPermaLink="false">id-1</guid>
<pubDate>Wed, 17 Jul 2024 10:15:00 +0700</pubDate><dc:creator>Ann Lee</dc:creator>
<description><![CDATA[<p>Teaser with <b>markup</b> &amp; entities</p>]]></description></item>
<item><title></title><link>javascript:alert(1)</link><pubDate>Thu, 99 Foo 2024 25:61:00 +9999</pubDate></item>
<item><link>https://other.example/a?utm_source=x#frag</link><guid>https://other.example/a</guid></item>
</channel></rss>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title type="html">Site &lt;b&gt;</title><id>urn:x</id>
<updated>2024-07-17T10:15:00Z</updated>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">An <em>entry</em></div></title>
<link rel="alternate" href="/a.html"/><link rel="enclosure" href="/a.mp3"/><id>tag:x,2024:1</id>
<published>2024-07-17T10:15:00+07:00</published><updated>1900-01-01T00:00:00Z</updated>
<author><name>Ann</name></author><author><name> </name></author><summary>Teaser</summary></entry>
<entry><id></id><link href="http://[::1"/></entry></feed>"#;

const RDF: &str = r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://fuzz.example/"><title>T</title><link>https://fuzz.example/</link><description>d</description></channel>
<item rdf:about="https://fuzz.example/1"><title>One</title><link>https://fuzz.example/1</link></item></rdf:RDF>"#;

const JSON_FEED: &str = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://fuzz.example/",
"items":[{"id":"1","url":"/j/1.html","title":"Json one","content_html":"<p>x</p>","date_published":"2024-07-17T10:15:00+07:00",
"authors":[{"name":"Ann"},{}]},{"id":2,"url":null},{"id":"3","external_url":"https://e.org/x","summary":"s"}]}"#;

const SEEDS: [&str; 4] = [RSS, ATOM, RDF, JSON_FEED];

/// A seed feed with a few bytes flipped, cut, inserted or repeated.
fn mutated_feed() -> impl Strategy<Value = Vec<u8>> {
    (
        0..SEEDS.len(),
        prop::collection::vec((any::<usize>(), any::<u8>(), 0..4u8), 1..40),
    )
        .prop_map(|(seed, edits)| {
            let mut feed = SEEDS[seed].as_bytes().to_vec();
            for (at, byte, op) in edits {
                let at = at % feed.len().max(1);
                match op {
                    0 if !feed.is_empty() => feed[at] = byte,
                    1 => feed.truncate(at.max(1)),
                    2 => feed.insert(at.min(feed.len()), byte),
                    _ => {
                        let end = (at + 64).min(feed.len());
                        let chunk = feed[at.min(end)..end].to_vec();
                        feed.splice(at.min(end)..at.min(end), chunk);
                    }
                }
            }
            feed
        })
}

/// Pieces feeds are made of, including broken and hostile ones.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<?xml version=\"1.0\" encoding=\"windows-1252\"?>".to_string()),
        Just("<rss version=\"2.0\"><channel>".to_string()),
        Just("<feed xmlns=\"http://www.w3.org/2005/Atom\">".to_string()),
        Just("<item>".to_string()),
        Just("</item>".to_string()),
        Just("<entry>".to_string()),
        Just("<link href=\"".to_string()),
        Just("<link>".to_string()),
        Just("</link>".to_string()),
        Just("<title>".to_string()),
        Just("<pubDate>".to_string()),
        Just("<![CDATA[".to_string()),
        Just("]]>".to_string()),
        Just("<!DOCTYPE rss [<!ENTITY a \"&a;&a;\">]>".to_string()),
        Just("&a;&#0;&#xD800;&amp;&#99999999;".to_string()),
        Just("{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[".to_string()),
        Just("{\"id\":\"x\",\"url\":\"".to_string()),
        Just("]}".to_string()),
        Just("\u{feff}".to_string()),
        "[a-zA-Z0-9 :/.\"<>=]{0,40}",
        any::<String>(),
    ]
}

fn random_feed() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|parts| parts.concat())
}

/// What the reader promises about any input: no panic, and items whose titles, summaries,
/// authors and ids are never blank (a link is a `Url`, so always absolute).
fn read(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for content_type in [
        None,
        Some("application/rss+xml"),
        Some("text/html; charset=x"),
    ] {
        let _ = looks_like_feed(content_type, &text);
    }
    let Ok(found) = items(bytes, &feed_url()) else {
        return;
    };
    for c in found {
        assert!(c
            .title
            .as_deref()
            .is_none_or(|t| !t.trim().is_empty() && t == t.trim()));
        assert!(c.summary.as_deref().is_none_or(|s| !s.trim().is_empty()));
        assert!(c.authors.iter().all(|a| !a.trim().is_empty()));
        assert!(c.id.as_deref().is_none_or(|id| !id.trim().is_empty()));
    }
}

#[test]
fn seed_feeds_are_read() {
    for seed in SEEDS {
        let found = items(seed.as_bytes(), &feed_url()).expect("a seed feed parses");
        assert!(!found.is_empty());
        assert!(looks_like_feed(None, seed), "{seed}");
        read(seed.as_bytes());
    }
}

#[test]
fn mutated_feeds_never_panic() {
    common::fuzz("mutated feeds", mutated_feed(), |bytes| read(&bytes));
}

#[test]
fn random_feed_markup_never_panics() {
    common::fuzz("random feed markup", random_feed(), |text| {
        read(text.as_bytes());
    });
}

#[test]
fn random_bytes_never_panic() {
    common::fuzz(
        "random bytes",
        prop::collection::vec(any::<u8>(), 0..2_000),
        |bytes| read(&bytes),
    );
}

/// `robots.txt` files with lines around the matcher's 16 KB line limit and multi-byte
/// characters on both sides of it (Folyd/robotstxt#5 panicked on those), and the rule after
/// a long line must still apply.
fn robots_file() -> impl Strategy<Value = (String, bool)> {
    let piece = prop_oneof![
        Just("a".to_string()),
        Just("é".to_string()),
        Just("€".to_string()),
        Just("😀".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("#".to_string()),
        Just("User-agent: feedgen\n".to_string()),
        Just("Disallow: /*$".to_string()),
        "[a-z/*$:# ]{0,12}",
    ];
    (
        16_600..17_000usize,
        prop::collection::vec(piece, 0..30),
        any::<bool>(),
    )
        .prop_map(|(filler, tail, secret_rule)| {
            let mut line = format!("Disallow: /{}", "a".repeat(filler));
            line.extend(tail);
            let rule = if secret_rule {
                "Disallow: /secret/\n"
            } else {
                ""
            };
            (format!("User-agent: *\n{line}\n{rule}"), secret_rule)
        })
}

#[test]
fn long_robots_lines_never_crash_the_matcher() {
    let secret = Url::parse("https://fuzz.example/secret/page.html").expect("valid URL");
    common::fuzz("robots.txt", robots_file(), |(rules, has_rule)| {
        let allowed = robots::allowed(&rules, &secret).expect("the matcher does not crash");
        if has_rule {
            assert!(!allowed, "the rule after the long line applies");
        }
    });
}

/// Inputs that once stalled a run must be read in a time proportional to their size.
#[test]
fn wide_and_long_feeds_are_read_quickly() {
    let limit = Duration::from_secs(20);
    let mut wide = String::from("<rss version=\"2.0\"><channel><title>T</title><item");
    for i in 0..100_000 {
        wide.push_str(&format!(" a{i}=\"\""));
    }
    wide.push_str("><title>Wide</title><link>/w.html</link></item></channel></rss>");
    let mut long = String::from("<rss version=\"2.0\"><channel><title>T</title>");
    for i in 0..50_000 {
        long.push_str(&format!("<item><link>/{i}.html</link></item>"));
    }
    long.push_str("</channel></rss>");
    for (name, feed) in [("wide", wide), ("long", long)] {
        let started = Instant::now();
        let _ = items(feed.as_bytes(), &feed_url());
        let took = started.elapsed();
        eprintln!("{name}: {:.2}s", took.as_secs_f64());
        assert!(took < limit, "{name} took {took:?}");
    }
}
