//! The network limits every request of a run obeys, with their defaults.

use std::collections::HashSet;
use std::time::Duration;

use url::Url;

/// Identifies feedgen to the sites it reads, so their operators can find out who is asking.
pub const USER_AGENT: &str = concat!(
    "feedgen/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/feedgen/feedgen)"
);

/// Seconds one request may take, connection to last byte.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Largest response body accepted; bigger pages are refused, not truncated.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Pages fetched at the same time across all feeds of a run.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Requests in flight to one host: enough to overlap latency, few enough to stay welcome.
pub const DEFAULT_PER_HOST_CONCURRENCY: usize = 2;
/// Extra tries on transient failures.
pub const DEFAULT_RETRIES: u32 = 2;

/// Network limits shared by every request of a run.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub timeout: Duration,
    pub max_bytes: u64,
    pub max_redirects: usize,
    pub user_agent: String,
    /// Requests in flight to one host at a time.
    pub per_host_concurrency: usize,
    /// Minimum time between the starts of two requests to one host.
    pub per_host_delay: Duration,
    /// Extra tries after a connection error or a 5xx/429.
    pub retries: u32,
    /// Requests in flight over all hosts.
    pub concurrency: usize,
    /// Let URLs found on pages (links, feed items, redirects) reach loopback, private and
    /// link-local addresses too; off by default, so a remote page cannot make us probe the
    /// local network.
    pub allow_private_addresses: bool,
    /// (scheme, host, port) of every URL the user wrote: these may be private addresses,
    /// since the user chose them; everything else must be a global address.
    pub user_origins: HashSet<url::Origin>,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            max_bytes: DEFAULT_MAX_BYTES,
            max_redirects: 10,
            user_agent: USER_AGENT.to_string(),
            per_host_concurrency: DEFAULT_PER_HOST_CONCURRENCY,
            per_host_delay: Duration::ZERO,
            retries: DEFAULT_RETRIES,
            concurrency: DEFAULT_CONCURRENCY,
            allow_private_addresses: false,
            user_origins: HashSet::new(),
        }
    }
}

impl FetchSettings {
    /// Settings whose user-written URLs are `urls`.
    pub fn with_user_urls<'a>(mut self, urls: impl IntoIterator<Item = &'a Url>) -> Self {
        self.user_origins.extend(
            urls.into_iter()
                .map(Url::origin)
                .filter(url::Origin::is_tuple),
        );
        self
    }
}
