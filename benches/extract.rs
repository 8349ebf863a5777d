//! Extraction benchmark: `feedgen::extract::extract` in process, single thread.
//!
//! ```text
//! cargo bench --bench extract
//! FEEDGEN_BENCH_PAGES=/tmp/pages cargo bench --bench extract   # plus a folder of *.html
//! ```
//!
//! Cases, each timed on its own and reported as seconds, MB/s, pages/s and peak heap
//! (the most memory extraction held at once, over the page's size: `peak×`):
//!
//! - `deep`: a page nested 100,000 `<div>`s deep around a short article. Parsing is
//!   quadratic in depth in html5ever, so this measures the nesting guard
//!   (`extract::nesting`); without it the case takes tens of seconds.
//! - `big`: a 50 MB page of ordinary article markup; extraction should stay linear in size
//!   (also run at 12.5 and 25 MB to show it).
//! - `pages`: every `*.html` file in `$FEEDGEN_BENCH_PAGES`, if set (for instance the
//!   extraction benchmark's pages, gunzipped), best of 3 runs per page; then the same pages
//!   through the HTML parser alone (`parse only`, html5ever building our DOM), which bounds
//!   how fast extraction can ever be with this parser. `peak×` there is the largest ratio
//!   over the pages, with the median after it.
//!
//! Heap is counted by a wrapper around the system allocator, so it is exact and needs no
//! tools; `/usr/bin/time -v target/release/feedgen extract …` gives the whole process's
//! resident size for comparison.

// The one unsafe code of the package: a counting global allocator, to measure peak heap.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use feedgen::extract::dom::Dom;
use feedgen::extract::{extract, warm_up};
use url::Url;

/// The system allocator, counting the bytes in use and the most ever in use.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed straight to `System`; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

fn grew(bytes: usize) {
    let now = IN_USE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns how many bytes above the heap in use before it `f` held at most.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - before)
}

const SENTENCE: &str = "This is a sentence of the article, long enough to be scored as real text, with commas, and more words.";

/// Time, characters of text extracted, and peak heap of one extraction.
fn time(html: &str, url: &Url) -> (Duration, usize, usize) {
    let started = Instant::now();
    let (chars, peak) = peak_during(|| extract(html, url, Utc::now()).map_or(0, |a| a.text.len()));
    (started.elapsed(), chars, peak)
}

fn report(name: &str, bytes: usize, took: Duration, pages: usize, peak: &str) {
    let s = took.as_secs_f64();
    println!(
        "{name:<12} {:>9.3} MB {s:>9.3} s {:>8.1} MB/s {:>8.1} pages/s   peak× {peak}",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / s,
        pages as f64 / s
    );
}

fn ratio(peak: usize, bytes: usize) -> String {
    format!("{:.1}", peak as f64 / bytes.max(1) as f64)
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
    warm_up();

    let page = deep(100_000);
    let (took, chars, peak) = time(&page, &url);
    assert!(chars > 0, "the deep page's article is found");
    report("deep", page.len(), took, 1, &ratio(peak, page.len()));

    for mb in [12.5, 25.0, 50.0] {
        let page = big((mb * 1e6) as usize);
        let (took, chars, peak) = time(&page, &url);
        assert!(chars > page.len() / 2, "the big page's text is kept");
        report(
            &format!("big {mb} MB"),
            page.len(),
            took,
            1,
            &ratio(peak, page.len()),
        );
    }

    if let Ok(dir) = std::env::var("FEEDGEN_BENCH_PAGES") {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("FEEDGEN_BENCH_PAGES is a folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect();
        files.sort();
        let pages: Vec<String> = files
            .iter()
            .map(|f| {
                String::from_utf8_lossy(&std::fs::read(f).expect("readable page")).into_owned()
            })
            .collect();
        let bytes: usize = pages.iter().map(String::len).sum();
        let (mut total, mut parse_total, mut ratios) = (Duration::ZERO, Duration::ZERO, Vec::new());
        for html in &pages {
            let runs: Vec<_> = (0..3).map(|_| time(html, &url)).collect();
            total += runs.iter().map(|r| r.0).min().unwrap_or_default();
            ratios.push((runs[0].2 as f64 / html.len().max(1) as f64, html.len()));
            parse_total += (0..3)
                .map(|_| {
                    let started = Instant::now();
                    let dom = Dom::parse(html);
                    assert!(!dom.is_empty());
                    started.elapsed()
                })
                .min()
                .unwrap_or_default();
        }
        ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (max, max_size) = ratios.last().copied().unwrap_or_default();
        let spread = format!(
            "{max:.1} max (a {:.0} KB page), {:.1} median",
            max_size as f64 / 1e3,
            ratios.get(ratios.len() / 2).map_or(0.0, |r| r.0)
        );
        report("pages", bytes, total, pages.len(), &spread);
        report("parse only", bytes, parse_total, pages.len(), "-");
    }
}
