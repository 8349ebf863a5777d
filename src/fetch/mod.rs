//! Getting a page: HTTP(S) with limits, or a local `file:` URL, decoded to UTF-8.
//!
//! Everything that can go wrong on the way is a [`FetchError`] naming the URL, so a run can
//! report the source in one line and carry on with the others. The fetcher is also where
//! politeness lives, so every caller gets it: per-host concurrency and delay, `robots.txt`,
//! retries with backoff on transient failures, `Retry-After`, and conditional requests.

pub mod charset;
pub mod politeness;
pub mod robots;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{
    HeaderMap, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, EXPIRES, IF_MODIFIED_SINCE,
    IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::StatusCode;
use url::Url;

use crate::config::FetchSettings;
use politeness::Hosts;

/// A fetched page, body already decoded to UTF-8.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL that was asked for.
    pub requested_url: Url,
    /// Where the content really came from, after redirects: relative links resolve against it.
    pub url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    pub html: String,
    /// Cache validators to send on the next request.
    pub validators: Validators,
    /// Until when the server said the page stays fresh (`Cache-Control: max-age`, `Expires`).
    pub fresh_until: Option<DateTime<Utc>>,
}

/// What a server gave us to ask "has it changed?" next time.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// The answer to a conditional request.
#[derive(Debug)]
pub enum Fetched {
    Page(Box<Page>),
    /// 304: what we have is current; nothing to parse or extract.
    NotModified {
        fresh_until: Option<DateTime<Utc>>,
    },
}

/// Why a page could not be had.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: HTTP status {status}")]
    Status { url: Url, status: u16 },
    #[error("{url}: timed out after {}s (raise timeout_secs if the site is just slow)", .after.as_secs())]
    Timeout { url: Url, after: Duration },
    #[error(
        "{url}: response is larger than the {limit}-byte limit (raise max_bytes to accept it)"
    )]
    TooLarge { url: Url, limit: u64 },
    #[error("{url}: not an HTML page or a feed (Content-Type: {content_type})")]
    NotHtml { url: Url, content_type: String },
    #[error("{url}: response is binary data, not an HTML page")]
    Binary { url: Url },
    #[error("{url}: {detail}")]
    Redirect { url: Url, detail: String },
    #[error("{url}: cannot connect: {detail}")]
    Connect { url: Url, detail: String },
    #[error("{url}: {detail}")]
    Network { url: Url, detail: String },
    #[error(
        "{url}: the site's robots.txt {reason} (set ignore_robots = true on the feed to override)"
    )]
    Robots { url: Url, reason: &'static str },
    #[error(
        "{url}: the server asks to wait {seconds}s before retrying (Retry-After); try a later run"
    )]
    RetryLater { url: Url, seconds: u64 },
    #[error("{url}: skipped: its host timed out or refused connections {failures} times in a row in this run")]
    HostDown { url: Url, failures: usize },
    #[error("{url}: cannot read file: {source}")]
    File { url: Url, source: std::io::Error },
    #[error("{url}: unsupported URL scheme (use http, https or file)")]
    Scheme { url: Url },
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

impl FetchError {
    /// Worth another try in a moment: the connection broke or the server had a bad moment.
    fn is_transient(&self) -> bool {
        match self {
            FetchError::Connect { .. } | FetchError::Network { .. } => true,
            FetchError::Status { status, .. } => matches!(status, 500 | 502 | 503 | 504 | 429),
            _ => false,
        }
    }
}

/// Counters of one fetcher's work, for the run summary.
#[derive(Debug, Default)]
pub struct Counters {
    /// HTTP requests sent, retries and `robots.txt` included.
    pub requests: AtomicUsize,
    /// Of those, answered `304 Not Modified`.
    pub not_modified: AtomicUsize,
}

/// Longest `Retry-After` we wait inside one run; longer ones fail the source for this run.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Fetches pages with one shared connection pool, the run's limits, and politeness.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
    hosts: Arc<Hosts>,
    pub counters: Arc<Counters>,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Result<Fetcher, FetchError> {
        let max_redirects = settings.max_redirects;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().contains(attempt.url()) {
                let message = format!("redirect loop at {}", attempt.url());
                attempt.error(message)
            } else if attempt.previous().len() > max_redirects {
                attempt.error(format!("more than {max_redirects} redirects"))
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .redirect(policy)
            .build()
            .map_err(|e| FetchError::Client(error_chain(&e)))?;
        Ok(Fetcher {
            client,
            hosts: Arc::new(Hosts::new(
                settings.per_host_concurrency,
                settings.per_host_delay,
                settings.concurrency,
            )),
            settings,
            counters: Arc::new(Counters::default()),
        })
    }

    /// Fetches `url` (http, https or file) and decodes it.
    pub async fn fetch(&self, url: &Url) -> Result<Page, FetchError> {
        match self.fetch_if_changed(url, &Validators::default()).await? {
            Fetched::Page(page) => Ok(*page),
            // Without validators a server has nothing to compare; treat a stray 304 as an error.
            Fetched::NotModified { .. } => Err(FetchError::Status {
                url: url.clone(),
                status: 304,
            }),
        }
    }

    /// Fetches `url` unless the server says it did not change since `validators`.
    pub async fn fetch_if_changed(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        match url.scheme() {
            "http" | "https" => self.fetch_http_with_retries(url, validators).await,
            "file" => self.fetch_file(url).map(|p| Fetched::Page(Box::new(p))),
            _ => Err(FetchError::Scheme { url: url.clone() }),
        }
    }

    async fn fetch_http_with_retries(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        let mut attempt = 0u32;
        loop {
            let error = match self.fetch_http(url, validators).await {
                Ok(fetched) => return Ok(fetched),
                Err(Attempt::Failed(e)) => e,
                Err(Attempt::RetryAfter(e, wait)) => {
                    if wait > MAX_RETRY_AFTER || attempt >= self.settings.retries {
                        return Err(match e {
                            FetchError::Status { url, .. } => FetchError::RetryLater {
                                url,
                                seconds: wait.as_secs(),
                            },
                            other => other,
                        });
                    }
                    attempt += 1;
                    tokio::time::sleep(wait).await;
                    continue;
                }
            };
            if !error.is_transient() || attempt >= self.settings.retries {
                return Err(error);
            }
            tokio::time::sleep(backoff(attempt)).await;
            attempt += 1;
        }
    }

    async fn fetch_http(&self, url: &Url, validators: &Validators) -> Result<Fetched, Attempt> {
        let turn = self.turn(url).await.map_err(Attempt::Failed)?;
        let result = self.fetch_http_in_turn(url, validators).await;
        turn.unreachable(matches!(
            result,
            Err(Attempt::Failed(
                FetchError::Timeout { .. } | FetchError::Connect { .. }
            ))
        ));
        result
    }

    async fn turn(&self, url: &Url) -> Result<politeness::Turn, FetchError> {
        self.hosts
            .turn(&host_key(url))
            .await
            .ok_or_else(|| FetchError::HostDown {
                url: url.clone(),
                failures: politeness::GIVE_UP_AFTER,
            })
    }

    async fn fetch_http_in_turn(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<Fetched, Attempt> {
        let mut request = self.client.get(url.clone()).header(
            reqwest::header::ACCEPT,
            "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        );
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let mut response = request
            .send()
            .await
            .map_err(|e| Attempt::Failed(self.classify(url, e)))?;
        let status = response.status();
        let final_url = response.url().clone();
        let headers = response.headers().clone();
        if status == StatusCode::NOT_MODIFIED && !validators.is_empty() {
            self.counters.not_modified.fetch_add(1, Ordering::Relaxed);
            return Ok(Fetched::NotModified {
                fresh_until: fresh_until(&headers),
            });
        }
        if !status.is_success() {
            let error = FetchError::Status {
                url: final_url,
                status: status.as_u16(),
            };
            return Err(match retry_after(&headers) {
                Some(wait) if matches!(status.as_u16(), 429 | 503) => {
                    Attempt::RetryAfter(error, wait)
                }
                _ => Attempt::Failed(error),
            });
        }
        let header = |name| header_text(&headers, name);
        let content_type = header(CONTENT_TYPE);
        check_html_type(&final_url, content_type.as_deref()).map_err(Attempt::Failed)?;
        let declared: Option<u64> = header(CONTENT_LENGTH).and_then(|v| v.parse().ok());
        if declared.is_some_and(|n| n > self.settings.max_bytes) {
            return Err(Attempt::Failed(self.too_large(&final_url)));
        }
        let capacity = declared.unwrap_or(64 * 1024).min(self.settings.max_bytes) as usize;
        let mut body = Vec::with_capacity(capacity);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Attempt::Failed(self.classify(&final_url, e)))?
        {
            if (body.len() + chunk.len()) as u64 > self.settings.max_bytes {
                return Err(Attempt::Failed(self.too_large(&final_url)));
            }
            body.extend_from_slice(&chunk);
        }
        let html =
            decode_html(&final_url, &body, content_type.as_deref()).map_err(Attempt::Failed)?;
        Ok(Fetched::Page(Box::new(Page {
            requested_url: url.clone(),
            url: final_url,
            status: status.as_u16(),
            content_type,
            html,
            validators: Validators {
                etag: header(ETAG),
                last_modified: header(LAST_MODIFIED),
            },
            fresh_until: fresh_until(&headers),
        })))
    }

    /// Fetches a site's `robots.txt` as RFC 9309 reads it: the text on success, "allow all"
    /// (`Ok(None)`) on a 4xx, and an error when the site cannot say (5xx, network).
    pub async fn fetch_robots(&self, origin: &Url) -> Result<Option<String>, FetchError> {
        let url = origin.join("/robots.txt").map_err(|_| FetchError::Scheme {
            url: origin.clone(),
        })?;
        let mut attempt = 0;
        loop {
            let result = self.fetch_robots_once(&url).await;
            match result {
                Err(e) if e.is_transient() && attempt < self.settings.retries => {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn fetch_robots_once(&self, url: &Url) -> Result<Option<String>, FetchError> {
        let turn = self.turn(url).await?;
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let sent = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| self.classify(url, e));
        turn.unreachable(matches!(
            sent,
            Err(FetchError::Timeout { .. } | FetchError::Connect { .. })
        ));
        let mut response = sent?;
        let status = response.status();
        if status.is_client_error() {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.clone(),
                status: status.as_u16(),
            });
        }
        // RFC 9309 asks crawlers to read at least 500 KiB; more is not worth holding.
        const LIMIT: usize = 512 * 1024;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(url, e))? {
            body.extend_from_slice(&chunk);
            if body.len() >= LIMIT {
                body.truncate(LIMIT);
                break;
            }
        }
        Ok(Some(String::from_utf8_lossy(&body).into_owned()))
    }

    fn fetch_file(&self, url: &Url) -> Result<Page, FetchError> {
        let path = url
            .to_file_path()
            .map_err(|()| FetchError::Scheme { url: url.clone() })?;
        let file_error = |source| FetchError::File {
            url: url.clone(),
            source,
        };
        let size = std::fs::metadata(&path).map_err(file_error)?.len();
        if size > self.settings.max_bytes {
            return Err(self.too_large(url));
        }
        let body = std::fs::read(&path).map_err(file_error)?;
        let html = decode_html(url, &body, None)?;
        Ok(Page {
            requested_url: url.clone(),
            url: url.clone(),
            status: 200,
            content_type: None,
            html,
            validators: Validators::default(),
            fresh_until: None,
        })
    }

    fn too_large(&self, url: &Url) -> FetchError {
        FetchError::TooLarge {
            url: url.clone(),
            limit: self.settings.max_bytes,
        }
    }

    fn classify(&self, url: &Url, e: reqwest::Error) -> FetchError {
        let url = e.url().cloned().unwrap_or_else(|| url.clone());
        // The URL leads the message already.
        let e = e.without_url();
        if e.is_timeout() {
            FetchError::Timeout {
                url,
                after: self.settings.timeout,
            }
        } else if e.is_redirect() {
            FetchError::Redirect {
                url,
                detail: error_chain(&e),
            }
        } else if e.is_connect() {
            FetchError::Connect {
                url,
                detail: error_chain(&e),
            }
        } else {
            FetchError::Network {
                url,
                detail: error_chain(&e),
            }
        }
    }
}

/// One try's outcome when it did not succeed.
enum Attempt {
    Failed(FetchError),
    /// The server said when to come back.
    RetryAfter(FetchError, Duration),
}

/// `host:port`: politeness is per server, and local test servers differ only by port.
pub fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// 0.5 s, 1 s, 2 s… plus up to 50% jitter, so retries from many feeds do not arrive together.
fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(500) * 2u32.saturating_pow(attempt.min(6));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    base + base.mul_f64(f64::from(nanos % 1000) / 2000.0)
}

fn header_text(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_text(headers, RETRY_AFTER)?;
    if let Ok(seconds) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = DateTime::parse_from_rfc2822(value.trim()).ok()?;
    Some(
        (when.with_timezone(&Utc) - Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// Until when a response may be reused without asking: `Cache-Control: max-age` (unless
/// `no-cache`/`no-store`), else `Expires`.
fn fresh_until(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    if let Some(cc) = header_text(headers, CACHE_CONTROL) {
        let directives: Vec<String> = cc
            .split(',')
            .map(|d| d.trim().to_ascii_lowercase())
            .collect();
        if directives
            .iter()
            .any(|d| d == "no-cache" || d == "no-store")
        {
            return None;
        }
        let max_age = directives
            .iter()
            .filter_map(|d| d.strip_prefix("max-age="))
            .find_map(|v| v.trim_matches('"').parse::<i64>().ok());
        if let Some(age) = max_age {
            return Some(Utc::now() + chrono::Duration::seconds(age.clamp(0, 365 * 86_400)));
        }
    }
    header_text(headers, EXPIRES)
        .and_then(|v| DateTime::parse_from_rfc2822(v.trim()).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Refuses declared types that are certainly neither pages nor feeds (images, PDFs,
/// archives…); a missing or vague type is left to the byte sniffing in [`decode_html`].
fn check_html_type(url: &Url, content_type: Option<&str>) -> Result<(), FetchError> {
    let Some(ct) = content_type else {
        return Ok(());
    };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let acceptable = mime.is_empty()
        || matches!(
            mime.as_str(),
            "text/html"
                | "application/xhtml+xml"
                | "text/plain"
                | "application/octet-stream"
                | "text/xml"
                | "application/xml"
                | "application/rss+xml"
                | "application/atom+xml"
                | "application/rdf+xml"
                | "application/feed+json"
                | "application/json"
        );
    if acceptable {
        Ok(())
    } else {
        Err(FetchError::NotHtml {
            url: url.clone(),
            content_type: ct.to_string(),
        })
    }
}

fn decode_html(url: &Url, body: &[u8], content_type: Option<&str>) -> Result<String, FetchError> {
    if looks_binary(body) {
        return Err(FetchError::Binary { url: url.clone() });
    }
    Ok(charset::decode(
        body,
        content_type.and_then(charset::charset_param),
    ))
}

/// Binary formats announce themselves by magic numbers, and otherwise by control bytes that
/// text never has (the WHATWG sniffing rule's "binary data bytes"). A stray NUL in a real
/// page is tolerated: it is stripped later, not a reason to lose the article.
fn looks_binary(body: &[u8]) -> bool {
    const MAGIC: [&[u8]; 9] = [
        b"\x89PNG",
        b"GIF8",
        b"\xFF\xD8\xFF",
        b"%PDF-",
        b"PK\x03\x04",
        b"\x1F\x8B",
        b"RIFF",
        b"\x00\x00\x01\x00",
        b"7z\xBC\xAF",
    ];
    if MAGIC.iter().any(|m| body.starts_with(m)) {
        return true;
    }
    let head = &body[..body.len().min(1024)];
    let utf16_bom = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    let binary_bytes = head
        .iter()
        .filter(|&&b| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F))
        .count();
    !utf16_bom && binary_bytes * 20 > head.len()
}

/// The error and its causes on one line: reqwest's top-level message alone is often just
/// "error sending request".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    reqwest::header::HeaderName::from_static(k),
                    v.parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn freshness_and_retry_after_are_read_from_headers() {
        let in_an_hour =
            fresh_until(&headers(&[("cache-control", "public, max-age=3600")])).unwrap();
        assert!((in_an_hour - Utc::now()).num_seconds() > 3500);
        assert!(fresh_until(&headers(&[("cache-control", "no-cache, max-age=60")])).is_none());
        assert!(fresh_until(&headers(&[("expires", "Wed, 21 Oct 2099 07:28:00 GMT")])).is_some());
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")])),
            Some(Duration::from_secs(7))
        );
        assert!(
            backoff(0) >= Duration::from_millis(500) && backoff(0) <= Duration::from_millis(750)
        );
        assert!(backoff(2) >= Duration::from_secs(2));
    }

    #[test]
    fn binary_bodies_are_refused() {
        let url = Url::parse("https://e.org/x").unwrap();
        assert!(matches!(
            decode_html(&url, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None),
            Err(FetchError::Binary { .. })
        ));
        assert!(decode_html(&url, b"<p>ok</p>", None).is_ok());
        assert!(decode_html(&url, b"\0\x01\x02\x03garbage\0", None).is_err());
        let stray_nul = format!("<html><body><p>{}\0</p></body></html>", "text ".repeat(40));
        assert!(decode_html(&url, stray_nul.as_bytes(), None).is_ok());
    }

    #[test]
    fn declared_non_html_types_are_refused() {
        let url = Url::parse("https://e.org/x").unwrap();
        assert!(check_html_type(&url, Some("image/png")).is_err());
        assert!(check_html_type(&url, Some("text/html; charset=utf-8")).is_ok());
        assert!(check_html_type(&url, None).is_ok());
    }
}
