//! The store under arbitrary histories: runs that add and change entries, with format sets
//! that change from run to run and runs killed between two files. However it goes, no entry
//! any file held is lost (beyond `max_items`, which drops the oldest), every file parses,
//! and what is loaded saves back to the very same bytes.
//!
//! CI runs a few dozen histories; a long run is the same test for a given time:
//! `FEEDGEN_FUZZ_SECONDS=600 cargo test --test fuzz_store -- --nocapture`, or with more
//! histories per batch: `FEEDGEN_FUZZ_CASES=…`. `TMPDIR=/dev/shm` makes each one faster.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use feedgen::feed::{Entry, Feed, Format};
use feedgen::store::{self, Saved, Target};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const TITLE: &str = "Site";

/// One entry a run extracts: an id from a small pool, so runs see the same ids again.
#[derive(Debug, Clone)]
struct Fresh {
    id: usize,
    id_is_link: bool,
    published: DateTime<FixedOffset>,
    updated_after: i64,
    first_seen: bool,
    title: String,
    authors: Vec<String>,
    summary: String,
    content: String,
    image: Option<String>,
    categories: Vec<String>,
}

/// One run: the formats configured, what it found, its `max_items`, and whether it was
/// killed after writing only the first `k` of its files.
#[derive(Debug, Clone)]
struct Run {
    formats: Vec<Format>,
    fresh: Vec<Fresh>,
    max_items: usize,
    killed_after: Option<usize>,
}

/// Text a page can give: markup characters, CDATA ends, entities, non-ASCII, spaces.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9 ]{1,8}",
        Just("&amp;".to_string()),
        Just("<b>".to_string()),
        Just("]]>".to_string()),
        Just("\"'".to_string()),
        Just("é 🦀 مرحبا".to_string()),
        Just("a\nb\tc".to_string()),
        Just("  ".to_string()),
    ];
    // Trimmed, as the extractor leaves every field: the XML readers trim text they read back.
    prop::collection::vec(piece, 0..4).prop_map(|p| p.concat().trim().to_string())
}

fn date() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (
        0i64..(30 * 365 * 86_400),
        prop::sample::select(vec![0, 7 * 3600, -5 * 3600, 19_800]),
    )
        .prop_map(|(secs, offset)| {
            let utc = Utc.timestamp_opt(946_684_800 + secs, 0).unwrap();
            utc.with_timezone(&FixedOffset::east_opt(offset).unwrap())
        })
}

fn fresh() -> impl Strategy<Value = Fresh> {
    (
        (0usize..10, any::<bool>(), date(), 0i64..100, any::<bool>()),
        (
            text(),
            prop::sample::subsequence(vec!["Ann Lee", TITLE, "Bob Roe"], 0..3),
            text(),
            text(),
        ),
        (
            // Only images of a type known from the URL: Atom writes an untyped one only as
            // `media:content`, which `atom::parse` does not read back, so an Atom-only feed
            // loses it at its next write (this test's first finding, left to the formats).
            prop::option::of(prop::sample::select(vec![
                "https://e.org/i.jpg",
                "https://e.org/pic.png?id=3",
            ])),
            prop::collection::vec("[a-z]{1,6}", 0..3),
        ),
    )
        .prop_map(
            |(
                (id, id_is_link, published, updated_after, first_seen),
                (title, authors, summary, content),
                (image, categories),
            )| Fresh {
                id,
                id_is_link,
                published,
                updated_after,
                first_seen,
                title,
                authors: authors.into_iter().map(String::from).collect(),
                summary,
                content: if content.is_empty() {
                    content
                } else {
                    format!("<p>{}</p>", content.replace('<', "&lt;"))
                },
                image: image.map(String::from),
                categories,
            },
        )
}

fn run() -> impl Strategy<Value = Run> {
    (
        prop::sample::subsequence(Format::ALL.to_vec(), 1..=3).prop_shuffle(),
        prop::collection::vec(fresh(), 0..5),
        1usize..14,
        prop::option::weighted(0.3, 0usize..3),
    )
        .prop_map(|(formats, fresh, max_items, killed_after)| Run {
            formats,
            fresh,
            max_items,
            killed_after,
        })
}

impl Fresh {
    fn entry(&self) -> Entry {
        let link = format!("https://e.org/a/{}", self.id);
        Entry {
            id: if self.id_is_link {
                link.clone()
            } else {
                format!("urn:feedgen:test:{}", self.id)
            },
            link,
            title: self.title.clone(),
            authors: self.authors.clone(),
            published: self.published,
            updated: self.published + Duration::hours(self.updated_after),
            date_is_first_seen: self.first_seen,
            summary: self.summary.clone(),
            content_html: self.content.clone(),
            image: self.image.clone(),
            categories: self.categories.clone(),
        }
    }
}

/// The ids each existing file holds, read on its own (not through `store::load`).
fn held(files: &[Target]) -> Result<Vec<(Format, BTreeSet<String>)>, TestCaseError> {
    let mut out = Vec::new();
    for t in files {
        let Ok(bytes) = std::fs::read(&t.path) else {
            continue;
        };
        let feed = t
            .format
            .parse(&bytes)
            .map_err(|e| TestCaseError::fail(format!("{}: {e}", t.path.display())))?;
        out.push((t.format, feed.entries.into_iter().map(|e| e.id).collect()));
    }
    Ok(out)
}

/// What a reader cannot tell apart, and the store does not keep: the first-seen flag, the
/// feed's title credited to an entry with no author, and markup-looking plain text that a
/// format may write with look-alike angle quotes (`‹b›` for `<b>`).
fn normalised(mut entries: Vec<Entry>) -> Vec<Entry> {
    let inert = |s: &mut String| *s = s.replace('\u{2039}', "<").replace('\u{203A}', ">");
    for e in &mut entries {
        e.date_is_first_seen = false;
        if e.authors == [TITLE] {
            e.authors.clear();
        }
        inert(&mut e.title);
        inert(&mut e.summary);
        e.authors.iter_mut().for_each(inert);
        e.categories.iter_mut().for_each(inert);
    }
    entries
}

/// The files of the formats a run does not write, which it reads back all the same.
fn leftovers(dir: &Path, formats: &[Format]) -> Vec<Target> {
    let dropped: Vec<Format> = Format::ALL
        .into_iter()
        .filter(|f| !formats.contains(f))
        .collect();
    store::files_for(dir, "f", &dropped, None)
}

/// What a run does with what it found: load its files and the leftovers, merge, save to
/// `written`: all its files, or the first few when it is killed.
fn play(
    (files, leftovers, written): (&[Target], &[Target], &[Target]),
    fresh: Vec<Entry>,
    max_items: usize,
    now: DateTime<Utc>,
) -> Result<(Vec<Entry>, Saved), TestCaseError> {
    let fail = |e: store::StoreError| TestCaseError::fail(e.to_string());
    let stored = store::load_with_leftovers(files, leftovers).map_err(fail)?;
    let mut feed = Feed::new(TITLE, "https://e.org/", "D");
    feed.entries = store::merge(
        stored.as_ref().map_or(&[][..], |s| &s.entries),
        fresh,
        max_items,
        now,
    );
    let entries = feed.entries.clone();
    let saved = store::save(written, feed, stored.as_ref(), now).map_err(fail)?;
    Ok((entries, saved))
}

/// Plays one history in a fresh folder, as `feedgen run` does each time: load from every
/// format's file, merge, save to the configured ones (or only some, when killed).
fn history(dir: &Path, runs: &[Run]) -> Result<(), TestCaseError> {
    let base = url::Url::parse("https://feeds.example.org/").unwrap();
    let every = store::files_for(dir, "f", &Format::ALL, None);
    let mut now = Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap();
    for (n, run) in runs.iter().enumerate() {
        now += Duration::minutes(61);
        let files = store::files_for(dir, "f", &run.formats, Some(&base));
        let before: BTreeSet<String> = held(&every)?.into_iter().flat_map(|(_, ids)| ids).collect();
        let fresh: Vec<Entry> = run.fresh.iter().map(Fresh::entry).collect();
        let written = &files[..run.killed_after.unwrap_or(files.len()).min(files.len())];
        let left = leftovers(dir, &run.formats);
        let (saved_entries, _) = play((&files, &left, written), fresh.clone(), run.max_items, now)?;
        let candidates: BTreeSet<String> = before
            .iter()
            .cloned()
            .chain(fresh.iter().map(|e| e.id.clone()))
            .collect();
        let want = run.max_items.min(candidates.len());
        let after = held(&every)?;
        for t in written {
            let ids = &after.iter().find(|(f, _)| *f == t.format).unwrap().1;
            prop_assert!(
                ids.is_subset(&candidates),
                "run {n}: {:?} invented ids",
                t.format
            );
            prop_assert_eq!(
                ids.len(),
                want,
                "run {}: {:?} holds {:?} of {:?} (max_items {})",
                n,
                t.format,
                ids,
                candidates,
                run.max_items
            );
        }
        if run.killed_after.is_none() {
            round_trip(&files, &saved_entries, now + Duration::minutes(1), n)?;
            // A leftover file may still hold, in an older version, an entry that max_items
            // has just cut; the next run lets it back in once. Nothing else rewrites.
            let cut = candidates.len() > run.max_items;
            if !cut || left.iter().all(|t| !t.path.exists()) {
                let later = now + Duration::minutes(2);
                let again = play((&files, &left, &files), vec![], run.max_items, later)?;
                prop_assert_eq!(
                    again.1,
                    Saved::Unchanged,
                    "run {}: a run with nothing new rewrote",
                    n
                );
            }
        }
    }
    Ok(())
}

/// What is loaded saves back to the same bytes; JSON Feed keeps every entry as it was.
fn round_trip(
    files: &[Target],
    saved: &[Entry],
    later: DateTime<Utc>,
    n: usize,
) -> Result<(), TestCaseError> {
    let loaded = store::load(files)
        .map_err(|e| TestCaseError::fail(e.to_string()))?
        .ok_or_else(|| TestCaseError::fail("nothing loaded after a save"))?;
    if files.iter().any(|t| t.format == Format::Json) {
        prop_assert_eq!(
            normalised(loaded.entries.clone()),
            normalised(saved.to_vec()),
            "run {}: JSON Feed lost something",
            n
        );
    }
    let again = store::save(files, loaded.clone(), Some(&loaded), later)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(again, Saved::Unchanged, "run {}: load then save rewrote", n);
    Ok(())
}

#[test]
fn no_history_of_runs_loses_an_entry() {
    common::fuzz_with(
        "histories",
        48,
        prop::collection::vec(run(), 1..8),
        |runs| {
            let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
            history(dir.path(), &runs)
        },
    );
}
