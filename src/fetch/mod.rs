//! Getting a page: HTTP(S) with limits, or a local `file:` URL, decoded to UTF-8.
//!
//! Everything that can go wrong on the way is a [`FetchError`] naming the URL, so a run can
//! report the source in one line and carry on with the others.

pub mod charset;

use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, LAST_MODIFIED};
use url::Url;

use crate::config::FetchSettings;

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
    pub etag: Option<String>,
    pub last_modified: Option<String>,
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
    #[error("{url}: not an HTML page (Content-Type: {content_type})")]
    NotHtml { url: Url, content_type: String },
    #[error("{url}: response is binary data, not an HTML page")]
    Binary { url: Url },
    #[error("{url}: {detail}")]
    Redirect { url: Url, detail: String },
    #[error("{url}: cannot connect: {detail}")]
    Connect { url: Url, detail: String },
    #[error("{url}: {detail}")]
    Network { url: Url, detail: String },
    #[error("{url}: cannot read file: {source}")]
    File { url: Url, source: std::io::Error },
    #[error("{url}: unsupported URL scheme (use http, https or file)")]
    Scheme { url: Url },
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

/// Fetches pages with one shared connection pool and the run's limits.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
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
        Ok(Fetcher { client, settings })
    }

    /// Fetches `url` (http, https or file) and decodes it.
    pub async fn fetch(&self, url: &Url) -> Result<Page, FetchError> {
        match url.scheme() {
            "http" | "https" => self.fetch_http(url).await,
            "file" => self.fetch_file(url).await,
            _ => Err(FetchError::Scheme { url: url.clone() }),
        }
    }

    async fn fetch_http(&self, url: &Url) -> Result<Page, FetchError> {
        let mut response = self
            .client
            .get(url.clone())
            .header(
                reqwest::header::ACCEPT,
                "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            )
            .send()
            .await
            .map_err(|e| self.classify(url, e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: response.url().clone(),
                status: status.as_u16(),
            });
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(CONTENT_TYPE);
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let final_url = response.url().clone();
        check_html_type(&final_url, content_type.as_deref())?;
        let declared: Option<u64> = header(CONTENT_LENGTH).and_then(|v| v.parse().ok());
        if declared.is_some_and(|n| n > self.settings.max_bytes) {
            return Err(self.too_large(&final_url));
        }
        let mut body =
            Vec::with_capacity(declared.unwrap_or(64 * 1024).min(self.settings.max_bytes) as usize);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.classify(&final_url, e))?
        {
            if (body.len() + chunk.len()) as u64 > self.settings.max_bytes {
                return Err(self.too_large(&final_url));
            }
            body.extend_from_slice(&chunk);
        }
        let html = decode_html(&final_url, &body, content_type.as_deref())?;
        Ok(Page {
            requested_url: url.clone(),
            url: final_url,
            status: status.as_u16(),
            content_type,
            html,
            etag,
            last_modified,
        })
    }

    async fn fetch_file(&self, url: &Url) -> Result<Page, FetchError> {
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
            etag: None,
            last_modified: None,
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

/// Refuses declared types that are certainly not pages (images, PDFs, archives…);
/// a missing or vague type is left to the byte sniffing in [`decode_html`].
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
        || mime == "text/html"
        || mime == "application/xhtml+xml"
        || mime == "text/plain"
        || mime == "application/octet-stream";
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
