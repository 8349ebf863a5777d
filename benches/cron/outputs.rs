//! What a run left behind: the feed files, read to count entries and compare bytes.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::server::Host;

pub(crate) struct FeedCheck {
    pub(crate) complete: usize,
    pub(crate) bad: Vec<String>,
}

/// Every host's feed file exists and holds one entry per page.
pub(crate) fn check_feeds(out: &Path, hosts: &[Arc<Host>]) -> FeedCheck {
    let mut check = FeedCheck {
        complete: 0,
        bad: Vec::new(),
    };
    for host in hosts {
        let path = out.join(format!("{}.xml", host.name));
        match std::fs::read_to_string(&path) {
            Ok(text) if count_items(&text) == host.pages.len() => check.complete += 1,
            Ok(text) => check
                .bad
                .push(format!("{} ({} entries)", host.name, count_items(&text))),
            Err(_) => check.bad.push(format!("{} (no file)", host.name)),
        }
    }
    check
}

pub(crate) fn count_items(rss: &str) -> usize {
    rss.matches("<item>").count() + rss.matches("<item ").count()
}

pub(crate) fn read_dir_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten().take(10_000) {
        if let Ok(bytes) = std::fs::read(entry.path()) {
            files.insert(entry.file_name().to_string_lossy().into_owned(), bytes);
        }
    }
    files
}
