//! Extraction benchmark: `feedgen::extract::extract` in process, single thread.
//!
//! ```text
//! cargo bench --bench extract
//! FEEDGEN_BENCH_PAGES=/tmp/pages cargo bench --bench extract   # plus a folder of *.html
//! ```
//!
//! Cases, each timed on its own and reported as seconds, MB/s and pages/s:
//!
//! - `deep`: a page nested 100,000 `<div>`s deep around a short article. Parsing is
//!   quadratic in depth in html5ever, so this measures the nesting guard
//!   (`extract::nesting`); without it the case takes tens of seconds.
//! - `big`: a 50 MB page of ordinary article markup; extraction should stay linear in size
//!   (also run at 12.5 and 25 MB to show it).
//! - `pages`: every `*.html` file in `$FEEDGEN_BENCH_PAGES`, if set (for instance the
//!   extraction benchmark's pages, gunzipped), best of 3 runs per page.
//!
//! Peak memory is not measured here: run the binary under `/usr/bin/time -v` for that.

use std::time::{Duration, Instant};

use chrono::Utc;
use feedgen::extract::extract;
use url::Url;

const SENTENCE: &str = "This is a sentence of the article, long enough to be scored as real text, with commas, and more words.";

fn time(html: &str, url: &Url) -> (Duration, usize) {
    let started = Instant::now();
    let chars = extract(html, url, Utc::now()).map_or(0, |a| a.text.len());
    (started.elapsed(), chars)
}

fn report(name: &str, bytes: usize, took: Duration, pages: usize) {
    let s = took.as_secs_f64();
    println!(
        "{name:<12} {:>9.3} MB {s:>9.3} s {:>8.1} MB/s {:>8.1} pages/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / s,
        pages as f64 / s
    );
}

fn deep(depth: usize) -> String {
    let para = format!("<p>{SENTENCE}</p>").repeat(5);
    format!(
        "<html><head><title>Deep</title></head><body>{}<h1>Deep page</h1>{para}{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

fn big(bytes: usize) -> String {
    let unit = format!(
        "<div class=\"post\"><h2>Section heading</h2>{}<ul class=\"related\"><li><a href=\"/x\">A related link</a></li>\
         <li><a href=\"/y\">Another one</a></li></ul><img src=\"/i.jpg\" alt=\"photo\"></div>\n",
        format!("<p>{SENTENCE}</p>").repeat(3)
    );
    format!(
        "<html><head><title>Big page</title><meta name=\"description\" content=\"A big page\"></head>\
         <body><nav><a href=\"/\">Home</a></nav><article><h1>Big page</h1>{}</article></body></html>",
        unit.repeat(bytes / unit.len() + 1)
    )
}

fn main() {
    let url = Url::parse("https://bench.example/2024/07/story.html").expect("valid url");

    let page = deep(100_000);
    let (took, chars) = time(&page, &url);
    assert!(chars > 0, "the deep page's article is found");
    report("deep", page.len(), took, 1);

    for mb in [12.5, 25.0, 50.0] {
        let page = big((mb * 1e6) as usize);
        let (took, chars) = time(&page, &url);
        assert!(chars > page.len() / 2, "the big page's text is kept");
        report(&format!("big {mb} MB"), page.len(), took, 1);
    }

    if let Ok(dir) = std::env::var("FEEDGEN_BENCH_PAGES") {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("FEEDGEN_BENCH_PAGES is a folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect();
        files.sort();
        let (mut total, mut bytes) = (Duration::ZERO, 0);
        for file in &files {
            let html =
                String::from_utf8_lossy(&std::fs::read(file).expect("readable page")).into_owned();
            let best = (0..3)
                .map(|_| time(&html, &url).0)
                .min()
                .unwrap_or_default();
            total += best;
            bytes += html.len();
        }
        report("pages", bytes, total, files.len());
    }
}
