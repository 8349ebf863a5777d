//! `robots.txt`, fetched once per site and kept for a day across runs (RFC 9309 allows
//! caching it for 24 hours), matched with Google's rules through the `robotstxt` crate.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use robotstxt::DefaultMatcher;
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;
use url::Url;

use super::{FetchError, Fetcher, Refusal};

/// The product token sites address us by in `robots.txt`.
pub const AGENT: &str = "feedgen";
/// How long a fetched `robots.txt` is trusted.
const TTL_HOURS: i64 = 24;

/// What a site's `robots.txt` said, as kept in the state file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobotsFile {
    /// The rules; `None` when the site has none (a 4xx), which allows everything.
    pub body: Option<String>,
    pub fetched_at: DateTime<Utc>,
}

/// Per-site rules for this run, shared by all feeds.
#[derive(Debug, Default)]
pub struct Robots {
    sites: Mutex<HashMap<String, Arc<OnceCell<Option<RobotsFile>>>>>,
}

impl Robots {
    /// Starts from the files kept by earlier runs, dropping stale ones.
    pub fn new(
        known: impl IntoIterator<Item = (String, RobotsFile)>,
        now: DateTime<Utc>,
    ) -> Robots {
        let sites = known
            .into_iter()
            .filter(|(_, f)| now - f.fetched_at < Duration::hours(TTL_HOURS) && f.fetched_at <= now)
            .map(|(origin, f)| (origin, Arc::new(OnceCell::new_with(Some(Some(f))))))
            .collect();
        Robots {
            sites: Mutex::new(sites),
        }
    }

    /// Whether we may fetch `url`. The site's `robots.txt` is fetched on first use; a site
    /// that cannot be asked (5xx, network failure) is treated as "disallow all" for this run.
    pub async fn check(&self, fetcher: &Fetcher, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Ok(());
        }
        let origin = url.origin().ascii_serialization();
        let cell = {
            let mut sites = self.sites.lock().unwrap_or_else(|e| e.into_inner());
            sites.entry(origin.clone()).or_default().clone()
        };
        // A site we may not contact at all says so itself, instead of looking like a site
        // whose robots.txt failed; nothing is cached for it.
        let file = cell
            .get_or_try_init(|| async {
                let Ok(origin_url) = Url::parse(&origin) else {
                    return Ok(None);
                };
                match fetcher.fetch_robots(&origin_url).await {
                    Ok(body) => Ok(Some(RobotsFile {
                        body,
                        fetched_at: crate::clock::now(),
                    })),
                    Err(FetchError::Refused { reason, .. })
                        if matches!(*reason, Refusal::Address(_)) =>
                    {
                        Err(FetchError::Refused {
                            url: url.clone(),
                            reason,
                        })
                    }
                    Err(_) => Ok(None),
                }
            })
            .await?;
        match file {
            None => Err(FetchError::Robots {
                url: url.clone(),
                reason: "could not be fetched, which means \"disallow all\" for this run",
            }),
            Some(RobotsFile {
                body: Some(rules), ..
            }) if !allowed(rules, url)? => Err(FetchError::Robots {
                url: url.clone(),
                reason: "disallows this page for feedgen",
            }),
            Some(_) => Ok(()),
        }
    }

    /// The files worth keeping for the next run.
    pub fn snapshot(&self) -> std::collections::BTreeMap<String, RobotsFile> {
        let sites = self.sites.lock().unwrap_or_else(|e| e.into_inner());
        sites
            .iter()
            .filter_map(|(origin, cell)| cell.get().cloned().flatten().map(|f| (origin.clone(), f)))
            .collect()
    }
}

/// Whether `rules` let us fetch `url`. The matcher runs inside `catch_unwind` so that a
/// crash on some other input we have not foreseen is that page's robots error ("disallow",
/// as for a file that cannot be read), not the end of the run.
pub fn allowed(rules: &str, url: &Url) -> Result<bool, FetchError> {
    let rules = cut_long_lines(rules);
    std::panic::catch_unwind(|| {
        DefaultMatcher::default().one_agent_allowed_by_robots(&rules, AGENT, url.as_str())
    })
    .map_err(|_| FetchError::Robots {
        url: url.clone(),
        reason: "could not be matched (the robots.txt parser failed on it), which means \"disallow all\" for this run",
    })
}

/// The longest line `robotstxt` reads (its `2083 * 8` bytes, less one): it ignores the rest
/// of a longer line, but counts what it skips in characters rather than bytes, so a
/// multi-byte character past this point makes it slice inside a character and panic
/// (Folyd/robotstxt#5).
const MATCHER_LINE_BYTES: usize = 2083 * 8 - 1;

/// `rules` with every line cut to [`MATCHER_LINE_BYTES`] on a character boundary: the part
/// the matcher would have ignored anyway, removed before it can miscount it.
fn cut_long_lines(rules: &str) -> Cow<'_, str> {
    if !rules
        .split(['\n', '\r'])
        .any(|l| l.len() > MATCHER_LINE_BYTES)
    {
        return Cow::Borrowed(rules);
    }
    let mut out = String::with_capacity(rules.len());
    for line in rules.split_inclusive(['\n', '\r']) {
        let (text, ending) = match line.char_indices().next_back() {
            Some((at, '\n' | '\r')) => line.split_at(at),
            _ => (line, ""),
        };
        let mut end = text.len().min(MATCHER_LINE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&text[..end]);
        out.push_str(ending);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_us_and_for_everyone_apply() {
        let url = |p: &str| Url::parse(&format!("https://e.org{p}")).unwrap();
        let rules =
            "User-agent: *\nDisallow: /private/\n\nUser-agent: feedgen\nDisallow: /no-feeds/\n";
        let allowed = |rules: &str, u: &Url| allowed(rules, u).unwrap();
        assert!(allowed(rules, &url("/news/a.html")));
        assert!(!allowed(rules, &url("/no-feeds/a.html")));
        // A group for us replaces the * group entirely (RFC 9309).
        assert!(allowed(rules, &url("/private/a.html")));
        assert!(!allowed("User-agent: *\nDisallow: /\n", &url("/a")));
        // The longest match wins; `$` anchors; `*` matches any run.
        let specific = "User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /*.pdf$\n";
        assert!(allowed(specific, &url("/a/b/c")));
        assert!(!allowed(specific, &url("/a/c")));
        assert!(!allowed(specific, &url("/f.pdf")));
        assert!(allowed(specific, &url("/f.pdf?x=1")));
    }

    /// Folyd/robotstxt#5: a line over 16 KB with a multi-byte character past that point.
    #[test]
    fn a_long_line_with_a_multibyte_character_is_read_not_crashed_on() {
        let url = |p: &str| Url::parse(&format!("https://e.org{p}")).unwrap();
        for ending in ["\n", "\r\n", "\r"] {
            let rules = format!(
                "User-agent: *{ending}Disallow: /{}é{}{ending}Disallow: /secret/{ending}",
                "a".repeat(17_000),
                "ü".repeat(10)
            );
            assert!(!allowed(&rules, &url("/secret/x")).unwrap(), "{ending:?}");
            assert!(allowed(&rules, &url("/open")).unwrap(), "{ending:?}");
        }
        let short = "User-agent: *\nDisallow: /x\n";
        assert!(matches!(cut_long_lines(short), Cow::Borrowed(_)));
        let cut = cut_long_lines(&"é".repeat(20_000)).into_owned();
        assert!(cut.len() <= MATCHER_LINE_BYTES && cut.chars().all(|c| c == 'é'));
    }

    #[test]
    fn stale_files_are_forgotten() {
        let now = Utc::now();
        let old = RobotsFile {
            body: None,
            fetched_at: now - Duration::hours(25),
        };
        let fresh = RobotsFile {
            body: None,
            fetched_at: now - Duration::hours(1),
        };
        let known = [
            ("https://old.example".to_string(), old),
            ("https://new.example".to_string(), fresh),
        ];
        let robots = Robots::new(known, now);
        let kept: Vec<String> = robots.snapshot().into_keys().collect();
        assert_eq!(kept, ["https://new.example"]);
    }
}
