//! `feedgen extract`: one page's article, for a person or a benchmark to look at. A page
//! fetched here is fetched as a run would fetch it (address checks, `robots.txt`, limits).

use std::time::Instant;

use url::Url;

use crate::extract::{self, Article, ExtractError};
use crate::fetch::FetchSettings;
use crate::source::collect::{fetch_user_page, RunOptions, Session, SourceError};
use crate::store::state::State;

/// A page the user named, fetched under the run's policy: its HTML and the URL it came from
/// after redirects.
pub async fn fetch(settings: FetchSettings, url: &Url) -> Result<(String, Url), SourceError> {
    let session = Session::new(settings, State::default(), RunOptions::default())
        .map_err(SourceError::Fetch)?;
    let page = fetch_user_page(&session, url).await?;
    Ok((page.html, page.url))
}

/// Gets the extractor's one-time set-up done, so the first page's time measures extraction.
pub fn warm_up() {
    extract::warm_up();
}

/// The page's article and the seconds its extraction took.
pub fn extract_timed(html: &str, url: &Url) -> Result<(Article, f64), ExtractError> {
    let started = Instant::now();
    let article = extract::extract(html, url, chrono::Utc::now())?;
    Ok((article, started.elapsed().as_secs_f64()))
}

/// Decodes bytes read from a file or standard input the way a fetched page is decoded.
pub fn decode(bytes: &[u8]) -> String {
    crate::fetch::charset::decode(bytes, None)
}
