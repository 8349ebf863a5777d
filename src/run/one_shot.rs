//! `feedgen --url URL [--output FILE]`: one page, listing or feed through the same pipeline
//! a cron run's feed goes through: the same fetch policy, and where a file is written the
//! same folder lock, the same state file and the same merge.

use std::path::{Path, PathBuf};

use url::Url;

use super::feed::{gather, save, unreachable_link};
use super::lock::{lock_output, RunError};
use super::report::Severity;
use crate::config::OneShotPlan;
use crate::fetch::FetchError;
use crate::source::collect::{RunOptions, Session, SourceError};
use crate::store::state::State;
use crate::store::{self, Saved, StoreError, Target};

/// Why the one-shot command made no feed at all.
#[derive(Debug, thiserror::Error)]
pub enum OneShotError {
    /// Another run or one-shot holds the output folder (exit code 3).
    #[error(transparent)]
    Lock(#[from] RunError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The page gave nothing and there was no feed file to keep.
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{url}: nothing to publish")]
    Nothing { url: Url },
}

/// Where the feed went.
#[derive(Debug)]
pub enum Published {
    /// The feed to print (no `--output`).
    Printed(String),
    /// Merged into this file.
    Saved { path: PathBuf, saved: Saved },
}

/// What the one-shot command did, for the caller to show.
#[derive(Debug)]
pub struct OneShotReport {
    pub published: Published,
    /// Problems reported through `on_notice` as errors (exit code 1).
    pub errors: usize,
    /// Things worth saying that failed nothing (an entry whose link no reader can open).
    pub notes: Vec<String>,
}

/// The folder a file is in, `.` for a bare file name.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Runs the one-shot plan, calling `on_notice` with each problem as it happens.
pub async fn one_shot(
    plan: OneShotPlan,
    on_notice: impl Fn(Severity, &str),
) -> Result<OneShotReport, OneShotError> {
    let target = plan.output.as_ref().map(|path| Target {
        format: plan.format,
        path: path.clone(),
        self_url: plan.self_url.as_ref().map(Url::to_string),
    });
    let folder = target.as_ref().map(|t| folder_of(&t.path).to_path_buf());
    // --output writes into a folder a `feedgen run` (or another one-shot) may be writing
    // too: take that folder's lock, as a run does, for as long as this command works.
    let _lock = folder.as_deref().map(lock_output).transpose()?;
    let mut errors = 0;
    let mut error = |line: &str| {
        on_notice(Severity::Error, line);
        errors += 1;
    };
    // The state too, so a page asked for again is fetched conditionally (a 304 costs the
    // site nothing). The page is always asked for: a one-shot exists to get it now.
    let state = match &folder {
        Some(folder) => {
            if let Err(e) = store::remove_stale_temp_files(folder) {
                error(&e.to_string());
            }
            let (state, warning) = State::load(folder);
            if let Some(w) = warning {
                on_notice(Severity::Warning, &w);
            }
            state
        }
        None => State::default(),
    };
    let options = RunOptions {
        force: true,
        progress: false,
    };
    let session = Session::new(plan.fetch, state, options)?;
    let files: Vec<Target> = target.iter().cloned().collect();
    let mut gathered = gather(&session, &plan.feed, &files, &[]).await?;
    let failed = std::mem::take(&mut gathered.failed);
    if gathered.found.is_empty() && gathered.stored.is_none() {
        return Err(match failed.into_iter().next() {
            Some(e) => e.into(),
            None => OneShotError::Nothing {
                url: plan.feed.plan.urls[0].clone(),
            },
        });
    }
    for e in &failed {
        error(&e.to_string());
    }
    let notes: Vec<String> = gathered
        .file_link()
        .map(unreachable_link)
        .into_iter()
        .collect();
    let now = crate::clock::now();
    let mut feed = gathered.assemble(&plan.feed.channel, now);
    let published = match (target, folder) {
        (Some(target), Some(folder)) => {
            let saved = save(&session, &files, feed, gathered.stored, now).await?;
            if let Err(e) = session.take_final_state().save(&folder) {
                error(&e.to_string());
            }
            Published::Saved {
                path: target.path,
                saved,
            }
        }
        _ => {
            feed.last_build = Some(now);
            feed.self_url = plan.self_url.as_ref().map(Url::to_string);
            Published::Printed(plan.format.render(&feed))
        }
    };
    Ok(OneShotReport {
        published,
        errors,
        notes,
    })
}
