//! Getting a page: HTTP(S) with limits, or a local `file:` URL, decoded to UTF-8.
//!
//! Everything that can go wrong on the way is a [`FetchError`] naming the URL, so a run can
//! report the source in one line and carry on with the others. The fetcher is also where
//! politeness lives, so every caller gets it: per-host concurrency and delay, `robots.txt`,
//! retries with backoff on transient failures, `Retry-After`, and conditional requests.
//!
//! It is also the one place that decides what a URL may reach, so no caller can forget:
//! every URL comes with its [`Provenance`]; only the user may name local files, and a URL
//! the user did not write may not reach an internal address (see [`address`]).

pub(crate) mod address;
pub mod charset;
pub(crate) mod politeness;
pub mod robots;
pub mod settings;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, EXPIRES,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION, RETRY_AFTER,
};
use reqwest::StatusCode;
use url::Url;

use address::PrivateAddress;
use politeness::Hosts;
pub use settings::FetchSettings;

/// Who chose a URL. The user may point feedgen anywhere; a page may not make it open a
/// local file, because whatever is read ends up published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// Written in the config or on the command line.
    User,
    /// Found on this page (its URL after redirects): a link, a feed item, a `rel=next`.
    /// A page that is itself a local file the user named may link to its neighbours.
    FoundOn(Url),
}

/// Why a URL was not fetched at all.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("it is a local file linked from {found_on}; only the config or the command line may name local files")]
    LocalLink { found_on: Url },
    #[error("redirect to {to}: only http and https redirects are followed")]
    RedirectScheme { to: Url },
    #[error(transparent)]
    Address(PrivateAddress),
    #[error("redirect to {to}: {address}")]
    RedirectAddress { to: Url, address: PrivateAddress },
}

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
    /// One of the run's `concurrency` slots, held from the request until the page is
    /// dropped, i.e. until its parsing and extraction are done. Without it, pages fetched
    /// faster than the cores can extract them pile up in memory for the whole run.
    pub slot: Option<Arc<politeness::Slot>>,
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
    #[error("{url}: cannot connect: {}", error_chain(.source))]
    Connect {
        url: Url,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url}: {}", error_chain(.source))]
    Network {
        url: Url,
        #[source]
        source: reqwest::Error,
    },
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
    #[error("{url}: is {kind}, not a regular file; only regular files are read as pages")]
    NotRegularFile { url: Url, kind: &'static str },
    #[error("{url}: refused: {reason}")]
    Refused { url: Url, reason: Box<Refusal> },
    #[error("{url}: unsupported URL scheme (use http, https or file)")]
    Scheme { url: Url },
    #[error("cannot set up the HTTP client: {}", error_chain(.0))]
    Client(#[source] reqwest::Error),
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
    /// For the origins the user wrote (and everything, with `allow_private_addresses`).
    client: reqwest::Client,
    /// For every other origin: its resolver refuses names with internal addresses.
    guarded: reqwest::Client,
    settings: FetchSettings,
    hosts: Arc<Hosts>,
    pub counters: Arc<Counters>,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Result<Fetcher, FetchError> {
        let client = build_client(&settings, None)?;
        let guarded = if settings.allow_private_addresses {
            client.clone()
        } else {
            build_client(&settings, Some(Arc::new(address::GuardedResolver)))?
        };
        Ok(Fetcher {
            client,
            guarded,
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
    pub async fn fetch(&self, url: &Url, provenance: &Provenance) -> Result<Page, FetchError> {
        match self
            .fetch_if_changed(url, &Validators::default(), provenance)
            .await?
        {
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
        provenance: &Provenance,
    ) -> Result<Fetched, FetchError> {
        self.admit(url, provenance)?;
        match url.scheme() {
            "http" | "https" => self.fetch_http_with_retries(url, validators).await,
            _ => self
                .fetch_file(url)
                .await
                .map(|p| Fetched::Page(Box::new(p))),
        }
    }

    /// Whether `url` may be fetched at all, decided before any traffic: its scheme, a local
    /// file named by a web page, and hosts that are internal addresses as written. Names are
    /// checked again on every connection by the guarded client's resolver.
    pub fn admit(&self, url: &Url, provenance: &Provenance) -> Result<(), FetchError> {
        match (url.scheme(), provenance) {
            ("http" | "https", _) => self
                .check_address(url)
                .map_err(|a| refused(url, Refusal::Address(a))),
            ("file", Provenance::FoundOn(page)) if page.scheme() != "file" => Err(refused(
                url,
                Refusal::LocalLink {
                    found_on: page.clone(),
                },
            )),
            ("file", _) => Ok(()),
            _ => Err(FetchError::Scheme { url: url.clone() }),
        }
    }

    /// The user's own origins may be anything; every other one must not be an internal
    /// address by its spelling (the resolver checks what names stand for).
    fn check_address(&self, url: &Url) -> Result<(), PrivateAddress> {
        if self.is_trusted(url) {
            Ok(())
        } else {
            address::check_host(url)
        }
    }

    fn is_trusted(&self, url: &Url) -> bool {
        self.settings.allow_private_addresses || self.settings.user_origins.contains(&url.origin())
    }

    /// Sends a GET and follows redirects one hop at a time, so every hop passes the same
    /// checks as the first URL and goes through the client its origin calls for.
    async fn send(&self, url: &Url, headers: HeaderMap) -> Result<reqwest::Response, FetchError> {
        let mut hop = url.clone();
        let mut previous: Vec<Url> = Vec::new();
        loop {
            let on_hop = |address| {
                if hop == *url {
                    Refusal::Address(address)
                } else {
                    Refusal::RedirectAddress {
                        to: hop.clone(),
                        address,
                    }
                }
            };
            self.check_address(&hop)
                .map_err(|a| refused(url, on_hop(a)))?;
            let client = if self.is_trusted(&hop) {
                &self.client
            } else {
                &self.guarded
            };
            let response = match client
                .get(hop.clone())
                .headers(headers.clone())
                .send()
                .await
            {
                Ok(response) => response,
                Err(e) => {
                    return Err(match address::refusal_in(&e) {
                        Some(a) => refused(url, on_hop(a)),
                        None => self.classify(&hop, e),
                    })
                }
            };
            let Some(next) = redirect_target(&hop, &response) else {
                return Ok(response);
            };
            if !matches!(next.scheme(), "http" | "https") {
                return Err(refused(url, Refusal::RedirectScheme { to: next }));
            }
            previous.push(hop);
            if previous.contains(&next) {
                return Err(FetchError::Redirect {
                    url: url.clone(),
                    detail: format!("redirect loop at {next}"),
                });
            }
            if previous.len() > self.settings.max_redirects {
                return Err(FetchError::Redirect {
                    url: url.clone(),
                    detail: format!("more than {} redirects", self.settings.max_redirects),
                });
            }
            hop = next;
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
        // One limit for the whole answer, redirect hops included, as a single request had
        // before redirects were followed here one by one.
        let within = self.settings.timeout;
        let result =
            match tokio::time::timeout(within, self.fetch_http_in_turn(url, validators)).await {
                Ok(result) => result,
                Err(_) => Err(Attempt::Failed(FetchError::Timeout {
                    url: url.clone(),
                    after: within,
                })),
            };
        turn.unreachable(matches!(
            result,
            Err(Attempt::Failed(
                FetchError::Timeout { .. } | FetchError::Connect { .. }
            ))
        ));
        let mut result = result;
        if let Ok(Fetched::Page(page)) = &mut result {
            page.slot = Some(Arc::new(turn.into_slot()));
        }
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
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"),
        );
        // A validator a server sent that is not a valid header value is simply not sent back.
        for (name, value) in [
            (IF_NONE_MATCH, &validators.etag),
            (IF_MODIFIED_SINCE, &validators.last_modified),
        ] {
            if let Some(v) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(name, v);
            }
        }
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let mut response = self.send(url, headers).await.map_err(Attempt::Failed)?;
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
            slot: None,
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
        let sent = self.send(url, HeaderMap::new()).await;
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

    /// Reads a local page under the same size and time limits as a web page, on the
    /// blocking pool so a slow disk cannot stall the fetching of other pages.
    async fn fetch_file(&self, url: &Url) -> Result<Page, FetchError> {
        let path = url
            .to_file_path()
            .map_err(|()| FetchError::Scheme { url: url.clone() })?;
        let limit = self.settings.max_bytes;
        let slot = self.hosts.slot().await;
        let reading = tokio::task::spawn_blocking(move || read_regular_file(&path, limit));
        let body = match tokio::time::timeout(self.settings.timeout, reading).await {
            Err(_) => {
                return Err(FetchError::Timeout {
                    url: url.clone(),
                    after: self.settings.timeout,
                })
            }
            Ok(Err(crashed)) => Err(LocalRead::Io(std::io::Error::other(crashed))),
            Ok(Ok(read)) => read,
        };
        let body = body.map_err(|e| match e {
            LocalRead::Io(source) => FetchError::File {
                url: url.clone(),
                source,
            },
            LocalRead::NotRegular(kind) => FetchError::NotRegularFile {
                url: url.clone(),
                kind,
            },
            LocalRead::TooLarge => self.too_large(url),
        })?;
        let html = decode_html(url, &body, None)?;
        Ok(Page {
            requested_url: url.clone(),
            url: url.clone(),
            status: 200,
            content_type: None,
            html,
            validators: Validators::default(),
            fresh_until: None,
            slot: slot.map(Arc::new),
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
        } else if e.is_connect() {
            FetchError::Connect { url, source: e }
        } else {
            // Redirects never reach reqwest's own policy (`Fetcher::send` follows them).
            FetchError::Network { url, source: e }
        }
    }
}

fn build_client(
    settings: &FetchSettings,
    resolver: Option<Arc<address::GuardedResolver>>,
) -> Result<reqwest::Client, FetchError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(settings.user_agent.clone())
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
        // Redirects are followed by `Fetcher::send`, which checks every hop.
        .redirect(reqwest::redirect::Policy::none());
    if let Some(resolver) = resolver {
        builder = builder.dns_resolver(resolver);
    }
    builder.build().map_err(FetchError::Client)
}

fn refused(url: &Url, reason: Refusal) -> FetchError {
    FetchError::Refused {
        url: url.clone(),
        reason: Box::new(reason),
    }
}

/// Where a redirect answer points, resolved against the URL that gave it; `None` for any
/// other answer (and for a redirect without a usable `Location`, which is then an error
/// status like any other).
fn redirect_target(from: &Url, response: &reqwest::Response) -> Option<Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    from.join(location).ok()
}

/// Why a local file gave no bytes.
enum LocalRead {
    Io(std::io::Error),
    /// A device, FIFO, socket or directory: reading it could block forever or never end.
    NotRegular(&'static str),
    TooLarge,
}

/// Reads at most `limit` bytes of a regular file. The file is opened without blocking (a
/// FIFO would otherwise wait for a writer) and judged by what the open handle is, so a
/// symlink to `/dev/zero` is refused like `/dev/zero` itself; the length it reports is not
/// trusted (devices report 0), only what a read returns.
fn read_regular_file(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, LocalRead> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(LocalRead::Io)?;
    let meta = file.metadata().map_err(LocalRead::Io)?;
    if !meta.is_file() {
        return Err(LocalRead::NotRegular(file_kind(&meta.file_type())));
    }
    let mut body = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(LocalRead::Io)?;
    if body.len() as u64 > limit {
        return Err(LocalRead::TooLarge);
    }
    Ok(body)
}

fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
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

    /// A name other than `localhost` that the hosts file points at loopback, so the
    /// resolver's check runs on a real lookup without any traffic leaving the machine.
    fn loopback_name_from_hosts() -> Option<String> {
        let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
        hosts.lines().find_map(|line| {
            let mut fields = line.split('#').next()?.split_whitespace();
            let ip: std::net::IpAddr = fields.next()?.parse().ok()?;
            if !ip.is_loopback() {
                return None;
            }
            fields
                .find(|n| !n.eq_ignore_ascii_case("localhost") && !n.ends_with(".localhost"))
                .map(str::to_string)
        })
    }

    #[tokio::test]
    async fn names_are_checked_on_the_address_they_resolve_to() {
        let Some(name) = loopback_name_from_hosts() else {
            eprintln!("no loopback name besides localhost in /etc/hosts: nothing to resolve");
            return;
        };
        let url = Url::parse(&format!("http://{name}:9/")).unwrap();
        let found_on = Provenance::FoundOn(Url::parse("https://e.org/feed.xml").unwrap());
        let settings = FetchSettings {
            retries: 0,
            ..FetchSettings::default()
        };
        let guarded = Fetcher::new(settings.clone()).unwrap();
        match guarded.fetch(&url, &found_on).await {
            Err(FetchError::Refused { reason, .. }) => match *reason {
                Refusal::Address(a) => {
                    assert_eq!((a.host.as_str(), a.kind), (name.as_str(), "loopback"));
                    assert!(
                        a.to_string().contains("resolves to loopback address"),
                        "{a}"
                    );
                }
                other => panic!("{other}"),
            },
            other => panic!("{name} was not refused: {other:?}"),
        }
        // The user's own origin is exempt: the request goes out (and finds nothing on port 9).
        let trusting = Fetcher::new(settings.with_user_urls([&url])).unwrap();
        let result = trusting.fetch(&url, &found_on).await;
        assert!(
            !matches!(result, Err(FetchError::Refused { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn declared_non_html_types_are_refused() {
        let url = Url::parse("https://e.org/x").unwrap();
        assert!(check_html_type(&url, Some("image/png")).is_err());
        assert!(check_html_type(&url, Some("text/html; charset=utf-8")).is_ok());
        assert!(check_html_type(&url, None).is_ok());
    }
}
