//! Metadata accuracy of the extractor on a set of realistic article pages.
//!
//! Every `tests/fixtures/metadata/NN-lang-slug.html` has a sibling `NN-lang-slug.expected.json`
//! that says what a careful human reader takes from the page:
//!
//! ```json
//! {"url": "https://…", "title": "…", "authors": ["…"], "published": "RFC 3339 or null",
//!  "updated": "RFC 3339 or null", "canonical_url": "… or null", "image": "… or null",
//!  "language": "primary subtag"}
//! ```
//!
//! (any other key, such as `notes`, is commentary and ignored). Each page is extracted as if
//! fetched at 2024-07-17T12:00:00Z, the instant relative dates ("3 hours ago") count from.
//! The test prints a per-field accuracy table and every mismatch, then asserts that each
//! field is right on at least its floor in [`FLOORS`]: the accuracy reached so far, so a
//! change that makes any field worse fails. The goal for every field is [`GOAL`]; raise a
//! floor whenever the extractor gets better.
//!
//! Run with `cargo test --test metadata -- --nocapture` to see the table.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use feedgen::extract::{extract, Article};
use serde_json::Value;
use url::Url;

/// Where every field should get to.
const GOAL: f64 = 0.9;
/// Share of the development pages on which each field must be right today (the same order
/// as [`FIELDS`]). These are the pages the rules were written against.
const FLOORS: [f64; 7] = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
/// The same for the held-out pages (`tests/fixtures/metadata-heldout`), written by someone
/// who had not seen the extractor: the honest measure of how the rules carry to new sites.
/// Never tune the extractor to these pages; raise a floor only after a general change.
/// Measured blind first (24 pages): 22, 18, 17, 19, 24, 22 and 23 right. General fixes
/// since (writers marked one by one, the publication or a job title as a stand-in author,
/// page-level siblings, North American zone names, Polish and Turkish stopwords) made it
/// 22, 23, 17, 19, 24, 23 and 24; the set is no longer blind, so new rules need other pages.
const HELDOUT_FLOORS: [f64; 7] = [
    22.0 / 24.0,
    23.0 / 24.0,
    17.0 / 24.0,
    19.0 / 24.0,
    1.0,
    23.0 / 24.0,
    1.0,
];
/// The development set must stay broad: this many pages at least, in this many languages.
const MIN_PAGES: usize = 40;
const MIN_LANGUAGES: usize = 8;

const FIELDS: [&str; 7] = [
    "title",
    "authors",
    "published",
    "updated",
    "canonical_url",
    "image",
    "language",
];

fn fixtures_dir(set: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(set)
}

fn fetched_at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-07-17T12:00:00Z")
        .expect("valid fetch time")
        .with_timezone(&Utc)
}

/// What the page's `.expected.json` says.
struct Expected {
    url: Url,
    title: String,
    authors: Vec<String>,
    published: Option<DateTime<FixedOffset>>,
    updated: Option<DateTime<FixedOffset>>,
    canonical_url: Option<Url>,
    image: Option<Url>,
    language: String,
}

fn read_expected(path: &Path) -> Expected {
    let name = path.display();
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    for key in [
        "url",
        "title",
        "authors",
        "published",
        "updated",
        "canonical_url",
        "image",
        "language",
    ] {
        assert!(v.get(key).is_some(), "{name}: missing key {key:?}");
    }
    let string = |key: &str| -> Option<String> {
        match &v[key] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => panic!("{name}: {key} must be a string or null, not {other}"),
        }
    };
    let url = |key: &str| {
        string(key).map(|s| Url::parse(&s).unwrap_or_else(|e| panic!("{name}: {key} {s:?}: {e}")))
    };
    let date = |key: &str| {
        string(key).map(|s| {
            DateTime::parse_from_rfc3339(&s).unwrap_or_else(|e| panic!("{name}: {key} {s:?}: {e}"))
        })
    };
    let authors = v["authors"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: authors must be a list"))
        .iter()
        .map(|a| {
            a.as_str()
                .unwrap_or_else(|| panic!("{name}: authors must be strings"))
                .to_string()
        })
        .collect();
    Expected {
        url: url("url").unwrap_or_else(|| panic!("{name}: url is required")),
        title: string("title").unwrap_or_else(|| panic!("{name}: title is required")),
        authors,
        published: date("published"),
        updated: date("updated"),
        canonical_url: url("canonical_url"),
        image: url("image"),
        language: string("language")
            .unwrap_or_else(|| panic!("{name}: language is required"))
            .to_ascii_lowercase(),
    }
}

fn normalize_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn author_key(names: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = names
        .iter()
        .map(|n| normalize_space(n).to_lowercase())
        .collect();
    keys.sort();
    keys
}

fn primary_subtag(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `["a", "b"]` without `Debug`'s escaping, so Thai or Vietnamese names stay readable.
fn show_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

fn show<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or("null".to_string(), T::to_string)
}

fn show_date(v: &Option<DateTime<FixedOffset>>) -> String {
    v.map_or("null".to_string(), |d| d.to_rfc3339())
}

/// Same instant and same UTC offset (`DateTime`'s `==` compares the instant only).
fn same_date(want: &Option<DateTime<FixedOffset>>, got: &Option<DateTime<FixedOffset>>) -> bool {
    match (want, got) {
        (None, None) => true,
        (Some(w), Some(g)) => w == g && w.offset() == g.offset(),
        _ => false,
    }
}

/// A hint for date mismatches that are only a matter of offset or of time of day.
fn date_hint(
    want: &Option<DateTime<FixedOffset>>,
    got: &Option<DateTime<FixedOffset>>,
) -> &'static str {
    match (want, got) {
        (Some(w), Some(g)) if w == g => "  [same instant, offset differs]",
        (Some(w), Some(g)) if w.naive_local() == g.naive_local() => {
            "  [same wall-clock time, offset differs]"
        }
        (Some(w), Some(g)) if w.naive_local().date() == g.naive_local().date() => {
            "  [same local date, time/offset differ]"
        }
        _ => "",
    }
}

/// One field's verdict on one page: `None` when right, else (expected, got).
fn compare(field: &str, want: &Expected, got: &Article) -> Option<(String, String)> {
    match field {
        "title" => {
            let (w, g) = (normalize_space(&want.title), normalize_space(&got.title));
            (w != g).then(|| (format!("\"{w}\""), format!("\"{g}\"")))
        }
        "authors" => (author_key(&want.authors) != author_key(&got.authors))
            .then(|| (show_list(&want.authors), show_list(&got.authors))),
        "published" => (!same_date(&want.published, &got.published)).then(|| {
            (
                show_date(&want.published),
                format!(
                    "{}{}",
                    show_date(&got.published),
                    date_hint(&want.published, &got.published)
                ),
            )
        }),
        "updated" => (!same_date(&want.updated, &got.updated)).then(|| {
            (
                show_date(&want.updated),
                format!(
                    "{}{}",
                    show_date(&got.updated),
                    date_hint(&want.updated, &got.updated)
                ),
            )
        }),
        "canonical_url" => (want.canonical_url != got.canonical_url)
            .then(|| (show(&want.canonical_url), show(&got.canonical_url))),
        "image" => (want.image != got.image).then(|| (show(&want.image), show(&got.image))),
        "language" => {
            let g = got.language.as_deref().map(primary_subtag);
            (g.as_deref() != Some(want.language.as_str()))
                .then(|| (want.language.clone(), show(&g)))
        }
        other => unreachable!("unknown field {other}"),
    }
}

#[test]
fn metadata_accuracy_on_real_world_pages() {
    check_set("metadata", FLOORS, MIN_PAGES, MIN_LANGUAGES);
}

#[test]
fn metadata_accuracy_on_held_out_pages() {
    check_set("metadata-heldout", HELDOUT_FLOORS, 20, 8);
}

/// Extracts every page of one fixture set, prints the per-field table and every mismatch,
/// and fails when a field is below its floor or the set is too narrow.
fn check_set(set: &str, floors: [f64; 7], min_pages: usize, min_languages: usize) {
    let dir = fixtures_dir(set);
    let mut pages: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();

    let mut correct = [0usize; FIELDS.len()];
    // For the date fields: right instant, offset ignored (informational, not asserted).
    let mut instant_ok = [0usize; FIELDS.len()];
    let mut mismatches: Vec<(String, &str, String, String)> = Vec::new();
    let mut languages = BTreeSet::new();
    for page in &pages {
        let file = page
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let stem = file.trim_end_matches(".html");
        let want = read_expected(&dir.join(format!("{stem}.expected.json")));
        languages.insert(want.language.clone());
        let html = fs::read_to_string(page).unwrap_or_else(|e| panic!("{file}: {e}"));
        match extract(&html, &want.url, fetched_at()) {
            Ok(got) => {
                for (n, field) in FIELDS.iter().enumerate() {
                    match compare(field, &want, &got) {
                        None => correct[n] += 1,
                        Some((w, g)) => mismatches.push((stem.to_string(), field, w, g)),
                    }
                    let instants = match *field {
                        "published" => Some((want.published, got.published)),
                        "updated" => Some((want.updated, got.updated)),
                        _ => None,
                    };
                    if let Some((w, g)) = instants {
                        // `==` on DateTime compares the instant, whatever the offset.
                        if w == g {
                            instant_ok[n] += 1;
                        }
                    }
                }
            }
            Err(e) => {
                for field in FIELDS {
                    mismatches.push((
                        stem.to_string(),
                        field,
                        "(an article)".into(),
                        format!("extract failed: {e}"),
                    ));
                }
            }
        }
    }

    let total = pages.len();
    let mut report = String::new();
    let _ = writeln!(
        report,
        "\nMetadata accuracy ({set}): {total} pages, {} languages ({}), fetched_at {}\n",
        languages.len(),
        languages.iter().cloned().collect::<Vec<_>>().join(", "),
        fetched_at().to_rfc3339()
    );
    let _ = writeln!(
        report,
        "| {:<14} | {:>9} | {:>6} | {:>21} |",
        "field", "correct", "%", "instant ok (any offset)"
    );
    let _ = writeln!(report, "|{:-<16}|{:->11}|{:->8}|{:->25}|", "", "", "", "");
    let mut failing = Vec::new();
    for (n, field) in FIELDS.iter().enumerate() {
        let share = if total == 0 {
            0.0
        } else {
            correct[n] as f64 / total as f64
        };
        if share + 1e-9 < floors[n] {
            failing.push(format!(
                "{field} {:.1}% (floor {:.0}%)",
                share * 100.0,
                floors[n] * 100.0
            ));
        }
        let instant = if matches!(*field, "published" | "updated") {
            format!(
                "{} / {} ({:.1}%)",
                instant_ok[n],
                total,
                instant_ok[n] as f64 * 100.0 / total.max(1) as f64
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            report,
            "| {:<14} | {:>4} / {:<2} | {:>5.1}% | {:>23} |",
            field,
            correct[n],
            total,
            share * 100.0,
            instant
        );
    }
    let _ = writeln!(report, "\nMismatches ({}):", mismatches.len());
    for (file, field, want, got) in &mismatches {
        let _ = writeln!(
            report,
            "  {file}  {field}\n      expected: {want}\n      got:      {got}"
        );
    }
    println!("{report}");

    assert!(
        total >= min_pages,
        "only {total} fixture pages in {}",
        dir.display()
    );
    assert!(
        languages.len() >= min_languages,
        "fixtures cover only {} languages",
        languages.len()
    );
    println!(
        "goal: {:.0}% on every field; fields below it: {}",
        GOAL * 100.0,
        FIELDS
            .iter()
            .zip(&correct)
            .filter(|(_, c)| (**c as f64) < GOAL * total as f64)
            .map(|(f, _)| *f)
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(
        failing.is_empty(),
        "fields below their floor: {} (table and mismatches above)",
        failing.join(", ")
    );
}

/// Prints everything the extractor returns for one fixture, to see why a field is wrong:
/// `FIXTURE=16-id-blogger-classic-h1-blogname cargo test --test metadata dump -- --ignored --nocapture`
/// (the page is looked for in the development set, then in the held-out set).
#[test]
#[ignore = "a debugging aid: set FIXTURE to a page's name"]
fn dump() {
    let Ok(stem) = std::env::var("FIXTURE") else {
        println!("set FIXTURE to the name of a fixture page");
        return;
    };
    let stem = stem.trim_end_matches(".html");
    let dir = ["metadata", "metadata-heldout"]
        .map(fixtures_dir)
        .into_iter()
        .find(|d| d.join(format!("{stem}.html")).exists())
        .expect("FIXTURE names a page of tests/fixtures/metadata or metadata-heldout");
    let want = read_expected(&dir.join(format!("{stem}.expected.json")));
    let html = fs::read_to_string(dir.join(format!("{stem}.html"))).expect("fixture page");
    match extract(&html, &want.url, fetched_at()) {
        Ok(a) => println!("{a:#?}"),
        Err(e) => println!("extract failed: {e}"),
    }
}
