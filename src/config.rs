//! `config.toml`: which feeds to build, from which pages, and where to write them.
//!
//! Outside scripts rely on the key names below, so they are extended, never renamed.
//! Every error names the file and the line, because a cron job's only feedback is a mail
//! with that one message in it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use crate::feed::stylesheet;
use crate::feed::Format;
pub use crate::fetch::settings::{
    FetchSettings, DEFAULT_CONCURRENCY, DEFAULT_MAX_BYTES, DEFAULT_PER_HOST_CONCURRENCY,
    DEFAULT_RETRIES, DEFAULT_TIMEOUT_SECS,
};
pub use crate::source::Kind;
use crate::source::{discover, Filters, Plan, Selectors, Source};

/// Entries a feed keeps when the config does not say.
pub const DEFAULT_MAX_ITEMS: usize = 50;
/// New articles a listing or feed source adds per run, so a first run on a big site does
/// not fetch hundreds of pages.
pub const DEFAULT_MAX_NEW: usize = 20;

/// Upper bounds of the numeric settings. Each is far above any sensible value, and each keeps
/// a typo from doing harm: a semaphore larger than tokio allows panics, a delay of `u64::MAX`
/// ms sleeps forever while holding the output folder's lock.
pub mod limits {
    pub const MAX_TIMEOUT_SECS: u64 = 3600;
    pub const MAX_BYTES: u64 = 1 << 30;
    pub const MAX_REDIRECTS: usize = 50;
    pub const MAX_CONCURRENCY: usize = 1024;
    pub const MAX_PER_HOST_CONCURRENCY: usize = 64;
    pub const MAX_PER_HOST_DELAY_MS: u64 = 60_000;
    pub const MAX_RETRIES: u32 = 10;
    pub const MAX_ITEMS: usize = 100_000;
    pub const MAX_NEW: usize = 10_000;
    /// Bytes of a feed name: `NAME.atom` and the temporary file beside it must fit in the
    /// 255 bytes a file name may have on every common file system.
    pub const MAX_NAME_BYTES: usize = 100;
}

/// What went wrong reading the config; every variant says which file and line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A command-line value out of its bounds.
    #[error("{0}")]
    Flag(String),
}

/// The whole config file, with defaults applied and paths resolved.
#[derive(Debug, Clone)]
pub struct Config {
    /// The config file itself; relative paths in it resolve against its folder.
    pub path: PathBuf,
    pub output_dir: PathBuf,
    /// Public URL the output folder is served under, for self links.
    pub base_url: Option<Url>,
    pub fetch: FetchSettings,
    pub concurrency: usize,
    /// How often cron runs feedgen, so readers know how long to cache (`<ttl>`).
    pub interval_minutes: Option<u32>,
    /// Whether XML feeds link an XSL stylesheet that browsers render as a page.
    pub stylesheet: bool,
    pub feeds: Vec<FeedConfig>,
}

/// One `[[feeds]]` table, built: what the pipeline needs to update that feed.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    pub name: String,
    /// Formats written, first one first: `NAME.xml`, `NAME.atom`, `NAME.json`.
    pub formats: Vec<Format>,
    pub channel: Channel,
    /// Where the feed's articles come from.
    pub plan: Plan,
    /// Line of the table in the config, for messages about this feed.
    pub line: usize,
}

/// Channel facts of a feed, from the config or the one-shot command line; what is not
/// given comes from the articles, else from what was stored.
#[derive(Debug, Clone, Default)]
pub struct Channel {
    pub title: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub site_url: Option<Url>,
    /// Entries kept.
    pub max_items: usize,
    /// Minutes a reader may cache the feed: the cron interval (RSS `<ttl>`).
    pub ttl_minutes: Option<u32>,
    /// Relative URL of the XSL stylesheet the XML formats point browsers at.
    pub stylesheet: Option<String>,
}

/// The one-shot command line (`feedgen --url URL …`) as written: turned by [`OneShot::build`]
/// into the same [`FeedConfig`] a config table gives, so one page goes through the pipeline
/// exactly as a feed of a cron run does.
#[derive(Debug, Clone)]
pub struct OneShot {
    pub url: Url,
    pub kind: Option<Kind>,
    pub title: Option<String>,
    pub site_url: Option<Url>,
    pub self_url: Option<Url>,
    pub format: Option<Format>,
    /// Merge into this file instead of printing.
    pub output: Option<PathBuf>,
    pub max_new: usize,
    pub max_items: usize,
    pub timeout_secs: u64,
    pub max_bytes: u64,
    pub allow_private_addresses: bool,
}

/// A one-shot command line, checked and built.
#[derive(Debug, Clone)]
pub struct OneShotPlan {
    pub feed: FeedConfig,
    pub fetch: FetchSettings,
    /// The format printed or written.
    pub format: Format,
    pub output: Option<PathBuf>,
    pub self_url: Option<Url>,
}

impl OneShot {
    /// Checks every value against the same bounds the config file has.
    pub fn build(self) -> Result<OneShotPlan, ConfigError> {
        let out_of_bounds = |flag: &str, low: u64, high: u64, value: u64, unit: &str| {
            (!(low..=high).contains(&value)).then(|| {
                ConfigError::Flag(format!("--{flag} must be between {low} and {high}{unit}"))
            })
        };
        let checks = [
            out_of_bounds(
                "max-items",
                1,
                limits::MAX_ITEMS as u64,
                self.max_items as u64,
                "",
            ),
            out_of_bounds(
                "max-new",
                1,
                limits::MAX_NEW as u64,
                self.max_new as u64,
                "",
            ),
        ];
        if let Some(e) = checks.into_iter().flatten().next() {
            return Err(e);
        }
        let fetch = fetch_flags(
            self.timeout_secs,
            self.max_bytes,
            self.allow_private_addresses,
        )?
        .with_user_urls([&self.url]);
        let format = self
            .format
            .unwrap_or_else(|| Format::of_path(self.output.as_deref()));
        Ok(OneShotPlan {
            feed: FeedConfig {
                name: "one-shot".into(),
                formats: vec![format],
                channel: Channel {
                    title: self.title,
                    site_url: self.site_url.clone(),
                    max_items: self.max_items,
                    ..Channel::default()
                },
                plan: Plan {
                    urls: vec![self.url],
                    source: Source::new(self.kind, None, true),
                    site_url: self.site_url,
                    ignore_robots: false,
                    refresh_minutes: None,
                    max_new: self.max_new,
                    filters: Filters::default(),
                },
                line: 0,
            },
            fetch,
            format,
            output: self.output,
            self_url: self.self_url,
        })
    }
}

/// The fetch settings of a command line's `--timeout`, `--max-bytes` and
/// `--allow-private-addresses`, within the bounds the config file has.
pub fn fetch_flags(
    timeout_secs: u64,
    max_bytes: u64,
    allow_private_addresses: bool,
) -> Result<FetchSettings, ConfigError> {
    if !(1..=limits::MAX_TIMEOUT_SECS).contains(&timeout_secs) {
        return Err(ConfigError::Flag(format!(
            "--timeout must be between 1 and {} seconds",
            limits::MAX_TIMEOUT_SECS
        )));
    }
    if !(1..=limits::MAX_BYTES).contains(&max_bytes) {
        return Err(ConfigError::Flag(format!(
            "--max-bytes must be between 1 and {}",
            limits::MAX_BYTES
        )));
    }
    Ok(FetchSettings {
        timeout: Duration::from_secs(timeout_secs),
        max_bytes,
        allow_private_addresses,
        ..FetchSettings::default()
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    output_dir: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    timeout_secs: Option<Spanned<u64>>,
    max_bytes: Option<Spanned<u64>>,
    max_redirects: Option<Spanned<usize>>,
    user_agent: Option<String>,
    concurrency: Option<Spanned<usize>>,
    per_host_concurrency: Option<Spanned<usize>>,
    per_host_delay_ms: Option<Spanned<u64>>,
    retries: Option<Spanned<u32>>,
    max_items: Option<Spanned<usize>>,
    formats: Option<Spanned<Vec<Format>>>,
    interval_minutes: Option<Spanned<u32>>,
    stylesheet: Option<bool>,
    allow_private_addresses: Option<bool>,
    #[serde(default)]
    feeds: Vec<Spanned<RawFeed>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeed {
    name: Spanned<String>,
    url: Option<Spanned<String>>,
    urls: Option<Vec<Spanned<String>>>,
    title: Option<String>,
    description: Option<String>,
    language: Option<Spanned<String>>,
    site_url: Option<Spanned<String>>,
    max_items: Option<Spanned<usize>>,
    formats: Option<Spanned<Vec<Format>>>,
    ignore_robots: Option<bool>,
    refresh_minutes: Option<u32>,
    kind: Option<Kind>,
    select: Option<Spanned<Selectors>>,
    follow: Option<bool>,
    max_new: Option<Spanned<usize>>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

impl Config {
    /// Reads and validates the config file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses config text as if it had been read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let errors = Located::new(text, path);
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| errors.line_of(s.start)).unwrap_or(1);
            errors.at_line(line, e.message().trim().to_string())
        })?;
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let folder = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());

        let output_dir = match &raw.output_dir {
            Some(dir) if dir.get_ref().trim().is_empty() => {
                return Err(errors.at(dir.span(), "output_dir is empty".into()))
            }
            Some(dir) => folder.join(dir.get_ref()),
            None => folder.join("feeds"),
        };
        if output_dir.exists() && !output_dir.is_dir() {
            let line = raw
                .output_dir
                .as_ref()
                .map_or(1, |d| errors.line_of(d.span().start));
            return Err(errors.at_line(
                line,
                format!(
                    "output_dir {} exists and is not a folder; name a folder (it is created if missing)",
                    output_dir.display()
                ),
            ));
        }
        let base_url = raw
            .base_url
            .as_ref()
            .map(|u| errors.http_url(u, "base_url"))
            .transpose()?
            .map(with_trailing_slash);
        let mut fetch = FetchSettings::default();
        if let Some(t) = bounded(
            &errors,
            raw.timeout_secs.as_ref(),
            "timeout_secs",
            1,
            limits::MAX_TIMEOUT_SECS,
        )? {
            fetch.timeout = Duration::from_secs(t);
        }
        if let Some(m) = bounded(
            &errors,
            raw.max_bytes.as_ref(),
            "max_bytes",
            1,
            limits::MAX_BYTES,
        )? {
            fetch.max_bytes = m;
        }
        if let Some(r) = bounded(
            &errors,
            raw.max_redirects.as_ref(),
            "max_redirects",
            0,
            limits::MAX_REDIRECTS,
        )? {
            fetch.max_redirects = r;
        }
        if let Some(ua) = raw.user_agent {
            fetch.user_agent = ua;
        }
        if let Some(n) = bounded(
            &errors,
            raw.per_host_concurrency.as_ref(),
            "per_host_concurrency",
            1,
            limits::MAX_PER_HOST_CONCURRENCY,
        )? {
            fetch.per_host_concurrency = n;
        }
        if let Some(ms) = bounded(
            &errors,
            raw.per_host_delay_ms.as_ref(),
            "per_host_delay_ms",
            0,
            limits::MAX_PER_HOST_DELAY_MS,
        )? {
            fetch.per_host_delay = Duration::from_millis(ms);
        }
        if let Some(r) = bounded(
            &errors,
            raw.retries.as_ref(),
            "retries",
            0,
            limits::MAX_RETRIES,
        )? {
            fetch.retries = r;
        }
        fetch.allow_private_addresses = raw.allow_private_addresses.unwrap_or(false);
        let concurrency = bounded(
            &errors,
            raw.concurrency.as_ref(),
            "concurrency",
            1,
            limits::MAX_CONCURRENCY,
        )?
        .unwrap_or(DEFAULT_CONCURRENCY);
        fetch.concurrency = concurrency;
        let default_max_items = bounded(
            &errors,
            raw.max_items.as_ref(),
            "max_items",
            1,
            limits::MAX_ITEMS,
        )?
        .unwrap_or(DEFAULT_MAX_ITEMS);
        let default_formats =
            formats(&errors, raw.formats.as_ref())?.unwrap_or_else(|| vec![Format::Rss]);
        let interval_minutes = match &raw.interval_minutes {
            Some(m) if *m.get_ref() == 0 => {
                return Err(errors.at(m.span(), "interval_minutes must be at least 1".into()))
            }
            other => other.as_ref().map(|m| *m.get_ref()),
        };

        let stylesheet = raw.stylesheet.unwrap_or(true);
        let defaults = FeedDefaults {
            max_items: default_max_items,
            formats: default_formats,
            ttl_minutes: interval_minutes,
            stylesheet: stylesheet.then(|| stylesheet::FILE_NAME.to_string()),
        };
        let mut feeds: Vec<FeedConfig> = Vec::with_capacity(raw.feeds.len());
        // Case-folded, because `a.xml` and `A.xml` are one file on case-insensitive disks.
        let mut lines_by_name: std::collections::HashMap<String, usize> =
            std::collections::HashMap::with_capacity(raw.feeds.len());
        for table in &raw.feeds {
            let feed = feed_config(&errors, table, &folder, &defaults)?;
            if let Some(other) = lines_by_name.insert(feed.name.to_lowercase(), feed.line) {
                return Err(errors.at_line(
                    feed.line,
                    format!(
                        "feed name {:?} is already used on line {other}; names must be unique, \
                         ignoring case (they are file names, and some disks ignore case)",
                        feed.name
                    ),
                ));
            }
            feeds.push(feed);
        }
        if feeds.is_empty() {
            return Err(errors.at_line(
                1,
                "no [[feeds]] tables: add one with a name and a url (see README)".into(),
            ));
        }
        let fetch = fetch.with_user_urls(feeds.iter().flat_map(|f| &f.plan.urls));
        Ok(Config {
            path: path.to_path_buf(),
            output_dir,
            base_url,
            fetch,
            concurrency,
            interval_minutes,
            stylesheet,
            feeds,
        })
    }
}

/// What a `[[feeds]]` table inherits from the top of the file.
struct FeedDefaults {
    max_items: usize,
    formats: Vec<Format>,
    ttl_minutes: Option<u32>,
    stylesheet: Option<String>,
}

fn feed_config(
    errors: &Located,
    table: &Spanned<RawFeed>,
    folder: &Path,
    defaults: &FeedDefaults,
) -> Result<FeedConfig, ConfigError> {
    let raw = table.get_ref();
    let line = errors.line_of(table.span().start);
    let name = raw.name.get_ref().trim();
    if !is_valid_name(name) {
        return Err(errors.at(
            raw.name.span(),
            format!(
                "feed name {:?} must be a file stem: letters, digits, '-', '_' or '.', not starting with '.', at most {} bytes",
                raw.name.get_ref(),
                limits::MAX_NAME_BYTES
            ),
        ));
    }
    let mut sources: Vec<&Spanned<String>> = Vec::new();
    sources.extend(raw.url.as_ref());
    sources.extend(raw.urls.iter().flatten());
    if sources.is_empty() {
        return Err(errors.at_line(line, format!("feed {name:?} has neither `url` nor `urls`")));
    }
    let pages = sources
        .into_iter()
        .map(|s| {
            resolve_source(s.get_ref(), folder).map_err(|message| errors.at(s.span(), message))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let site_url = raw
        .site_url
        .as_ref()
        .map(|u| errors.http_url(u, "site_url"))
        .transpose()?;
    let max_items = bounded(
        errors,
        raw.max_items.as_ref(),
        "max_items",
        1,
        limits::MAX_ITEMS,
    )?
    .unwrap_or(defaults.max_items);
    let language = raw
        .language
        .as_ref()
        .filter(|l| !l.get_ref().trim().is_empty())
        .map(|l| language_tag(errors, l))
        .transpose()?;
    let formats =
        formats(errors, raw.formats.as_ref())?.unwrap_or_else(|| defaults.formats.clone());
    let select = raw
        .select
        .as_ref()
        .map(|s| discover::compile(s.get_ref()).map_err(|e| errors.at(s.span(), e.to_string())))
        .transpose()?;
    Ok(FeedConfig {
        name: name.to_string(),
        formats,
        channel: Channel {
            title: raw.title.clone().filter(|t| !t.trim().is_empty()),
            description: raw.description.clone().filter(|d| !d.trim().is_empty()),
            language,
            site_url: site_url.clone(),
            max_items,
            ttl_minutes: defaults.ttl_minutes,
            stylesheet: defaults.stylesheet.clone(),
        },
        plan: Plan {
            urls: pages,
            source: Source::new(raw.kind, select, raw.follow.unwrap_or(true)),
            site_url,
            ignore_robots: raw.ignore_robots.unwrap_or(false),
            refresh_minutes: raw.refresh_minutes,
            max_new: bounded(errors, raw.max_new.as_ref(), "max_new", 1, limits::MAX_NEW)?
                .unwrap_or(DEFAULT_MAX_NEW),
            filters: Filters {
                include: patterns(errors, &raw.include, "include")?,
                exclude: patterns(errors, &raw.exclude, "exclude")?,
            },
        },
        line,
    })
}

fn patterns(
    errors: &Located,
    raw: &[Spanned<String>],
    key: &str,
) -> Result<Vec<regex::Regex>, ConfigError> {
    raw.iter()
        .map(|p| {
            regex::Regex::new(p.get_ref()).map_err(|e| {
                errors.at(
                    p.span(),
                    format!(
                        "{key} pattern {:?} is not a valid regular expression: {e}",
                        p.get_ref()
                    ),
                )
            })
        })
        .collect()
}

/// A non-empty list of formats without repeats.
fn formats(
    errors: &Located,
    value: Option<&Spanned<Vec<Format>>>,
) -> Result<Option<Vec<Format>>, ConfigError> {
    let Some(v) = value else { return Ok(None) };
    let list = v.get_ref();
    if list.is_empty() {
        return Err(errors.at(
            v.span(),
            "formats is empty: list at least one of \"rss\", \"atom\", \"json\"".into(),
        ));
    }
    let mut unique = Vec::new();
    for f in list {
        if !unique.contains(f) {
            unique.push(*f);
        }
    }
    Ok(Some(unique))
}

/// Turns a source as written in the config into a URL; `file:relative/path` resolves against
/// the config's folder so a shipped example works from any checkout location.
pub fn resolve_source(source: &str, folder: &Path) -> Result<Url, String> {
    let source = source.trim();
    if let Some(rest) = source.strip_prefix("file:") {
        if !rest.starts_with("//") {
            let path = folder.join(rest);
            return Url::from_file_path(&path)
                .map_err(|()| format!("cannot turn {} into a file: URL", path.display()));
        }
    }
    let url = Url::parse(source).map_err(|e| {
        format!("{source:?} is not a URL ({e}); write http://…, https://… or file:PATH")
    })?;
    match url.scheme() {
        "http" | "https" | "file" => Ok(url),
        other => Err(format!(
            "{source:?} has scheme {other:?}; only http, https and file are supported"
        )),
    }
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= limits::MAX_NAME_BYTES
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

/// A number setting within `min..=max`, or an error at its line saying the allowed range.
fn bounded<T: Copy + PartialOrd + std::fmt::Display>(
    errors: &Located,
    value: Option<&Spanned<T>>,
    key: &str,
    min: T,
    max: T,
) -> Result<Option<T>, ConfigError> {
    match value {
        Some(v) if *v.get_ref() < min => {
            Err(errors.at(v.span(), format!("{key} must be at least {min}")))
        }
        Some(v) if *v.get_ref() > max => Err(errors.at(
            v.span(),
            format!(
                "{key} = {} is more than the {max} feedgen accepts",
                v.get_ref()
            ),
        )),
        Some(v) => Ok(Some(*v.get_ref())),
        None => Ok(None),
    }
}

/// A BCP 47 language tag as feeds carry it (`en`, `pt-BR`, `zh-Hant-TW`): it is written
/// verbatim into `<language>` and `xml:lang`, where anything else makes the file invalid.
fn language_tag(errors: &Located, value: &Spanned<String>) -> Result<String, ConfigError> {
    let tag = value.get_ref().trim();
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(tag.to_string())
    } else {
        Err(errors.at(
            value.span(),
            format!("language {tag:?} is not a language tag such as \"en\" or \"pt-BR\""),
        ))
    }
}

/// Turns byte offsets of the config text into `file:line` errors.
struct Located<'a> {
    path: &'a Path,
    /// Byte offset where each line starts, so finding a line is a binary search: a config of
    /// 40,000 feeds asks for as many lines.
    line_starts: Vec<usize>,
}

impl<'a> Located<'a> {
    fn new(text: &str, path: &'a Path) -> Located<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Located { path, line_starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    fn at_line(&self, line: usize, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            message,
        }
    }

    fn at(&self, span: std::ops::Range<usize>, message: String) -> ConfigError {
        self.at_line(self.line_of(span.start), message)
    }

    fn http_url(&self, value: &Spanned<String>, key: &str) -> Result<Url, ConfigError> {
        match Url::parse(value.get_ref().trim()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
            _ => Err(self.at(
                value.span(),
                format!(
                    "{key} {:?} must be an absolute http(s) URL",
                    value.get_ref()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/srv/feeds/config.toml"))
    }

    fn message(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("[[feeds]]\nname = \"a\"\nurl = \"https://example.org/a\"\n").unwrap();
        assert_eq!(c.output_dir, Path::new("/srv/feeds/feeds"));
        assert_eq!(c.feeds[0].channel.max_items, DEFAULT_MAX_ITEMS);
        assert_eq!(c.feeds[0].plan.urls[0].as_str(), "https://example.org/a");
        assert_eq!(c.feeds[0].line, 1);
    }

    #[test]
    fn relative_file_sources_resolve_against_the_config_folder() {
        let c = parse(
            "[[feeds]]\nname = \"a\"\nurls = [\"file:pages/a.html\", \"file:///tmp/b.html\"]\n",
        )
        .unwrap();
        assert_eq!(
            c.feeds[0].plan.urls[0].as_str(),
            "file:///srv/feeds/pages/a.html"
        );
        assert_eq!(c.feeds[0].plan.urls[1].as_str(), "file:///tmp/b.html");
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let m = message("output_dir = \"x\"\n[[feeds]]\nname = \"a\nurl = 1\n");
        assert!(m.starts_with("/srv/feeds/config.toml:3:"), "{m}");
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let m = message("[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\nmax_itmes = 3\n");
        assert!(m.starts_with("/srv/feeds/config.toml:4:"), "{m}");
        assert!(m.contains("max_itmes"), "{m}");
    }

    #[test]
    fn bad_values_point_at_their_line() {
        let m = message("[[feeds]]\nname = \"a\"\nurl = \"ftp://e.org/x\"\n");
        assert!(
            m.starts_with("/srv/feeds/config.toml:3:") && m.contains("ftp"),
            "{m}"
        );
        let m = message("[[feeds]]\nname = \"../etc\"\nurl = \"https://e.org/\"\n");
        assert!(m.starts_with("/srv/feeds/config.toml:2:"), "{m}");
        let m = message("[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\nmax_items = 0\n");
        assert!(m.starts_with("/srv/feeds/config.toml:4:"), "{m}");
    }

    #[test]
    fn duplicate_names_and_missing_urls_are_errors() {
        let m = message("[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\n\n[[feeds]]\nname = \"a\"\nurl = \"https://e.org/2\"\n");
        assert!(m.contains(":5:") && m.contains("line 1"), "{m}");
        let m = message("[[feeds]]\nname = \"a\"\n");
        assert!(m.contains(":1:") && m.contains("neither"), "{m}");
        assert!(message("output_dir = \"x\"\n").contains("no [[feeds]]"));
    }

    #[test]
    fn formats_default_globally_and_per_feed() {
        let c = parse("formats = [\"rss\", \"json\"]\n[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\n[[feeds]]\nname = \"b\"\nurl = \"https://e.org/\"\nformats = [\"atom\"]\n").unwrap();
        assert_eq!(c.feeds[0].formats, [Format::Rss, Format::Json]);
        assert_eq!(c.feeds[1].formats, [Format::Atom]);
        let m =
            message("[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\nformats = [\"html\"]\n");
        assert!(m.contains(":4:") && m.contains("html"), "{m}");
    }

    #[test]
    fn listing_options_are_read_and_checked() {
        let c = parse("[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\nkind = \"listing\"\nmax_new = 5\nfollow = false\nexclude = [\"(?i)sponsored\"]\n[feeds.select]\nitem = \"article.card\"\ntitle = \"h2\"\n").unwrap();
        let f = &c.feeds[0];
        let Source::Listing {
            select: Some(select),
            follow: false,
        } = &f.plan.source
        else {
            panic!("a listing that is not followed: {:?}", f.plan.source);
        };
        assert_eq!(f.plan.max_new, 5);
        assert_eq!(select.written.item, "article.card");
        assert!(f.plan.filters.exclude[0].is_match("A SPONSORED post"));
        let m = message(
            "[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\ninclude = [\"(unclosed\"]\n",
        );
        assert!(m.contains(":4:") && m.contains("regular expression"), "{m}");
        let m = message(
            "[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\n[feeds.select]\nitem = \"div[\"\n",
        );
        assert!(m.contains(":4:") && m.contains("not valid CSS"), "{m}");
    }

    #[test]
    fn numbers_past_their_bounds_are_refused_at_their_line() {
        let feed = "[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\n";
        for (key, value) in [
            ("concurrency", "18446744073709551615"),
            ("per_host_concurrency", "100000"),
            ("per_host_delay_ms", "18446744073709551615"),
            ("timeout_secs", "99999999"),
            ("max_bytes", "99999999999999"),
            ("retries", "4000000000"),
            ("max_redirects", "1000"),
        ] {
            let m = message(&format!("{feed}{key} = {value}\n"));
            assert!(m.contains(":4:") && m.contains(key), "{key}: {m}");
        }
        let m = message(&format!(
            "[[feeds]]\nname = \"{}\"\nurl = \"https://e.org/\"\n",
            "n".repeat(101)
        ));
        assert!(m.contains(":2:") && m.contains("at most 100 bytes"), "{m}");
    }

    #[test]
    fn names_that_differ_only_in_case_collide() {
        let m = message("[[feeds]]\nname = \"News\"\nurl = \"https://e.org/\"\n[[feeds]]\nname = \"news\"\nurl = \"https://e.org/2\"\n");
        assert!(
            m.contains(":4:") && m.contains("line 1") && m.contains("ignoring case"),
            "{m}"
        );
    }

    #[test]
    fn language_must_be_a_language_tag() {
        let ok = parse("[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\nlanguage = \"pt-BR\"\n")
            .unwrap();
        assert_eq!(ok.feeds[0].channel.language.as_deref(), Some("pt-BR"));
        for bad in ["en\\\" onload=\\\"x", "<b>", "e", "en_US", "en--x"] {
            let m = message(&format!(
                "[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\nlanguage = \"{bad}\"\n"
            ));
            assert!(
                m.contains(":4:") && m.contains("language tag"),
                "{bad}: {m}"
            );
        }
    }

    #[test]
    fn an_output_dir_that_is_a_file_is_a_config_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("taken"), "x").unwrap();
        let path = dir.path().join("config.toml");
        let text = "output_dir = \"taken\"\n[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\n";
        let m = Config::parse(text, &path).unwrap_err().to_string();
        assert!(m.contains(":1:") && m.contains("not a folder"), "{m}");
    }

    #[test]
    fn many_feeds_load_in_linear_time() {
        let text: String = (0..40_000)
            .map(|i| format!("[[feeds]]\nname = \"f{i}\"\nurl = \"https://e{i}.example/\"\n"))
            .collect();
        let config = parse(&text).unwrap();
        assert_eq!(config.feeds.len(), 40_000);
        assert_eq!(config.feeds[39_999].line, 3 * 39_999 + 1);
    }

    #[test]
    fn the_sources_origins_are_the_users_own() {
        let c = parse("[[feeds]]\nname = \"a\"\nurls = [\"http://127.0.0.1:8080/news/\", \"file:///tmp/a.html\"]\n").unwrap();
        assert!(!c.fetch.allow_private_addresses);
        let origin = |u: &str| Url::parse(u).unwrap().origin();
        assert!(c
            .fetch
            .user_origins
            .contains(&origin("http://127.0.0.1:8080/a")));
        assert!(!c
            .fetch
            .user_origins
            .contains(&origin("http://127.0.0.1:9090/a")));
        assert_eq!(
            c.fetch.user_origins.len(),
            1,
            "file: URLs have no origin to trust"
        );
        let c = parse(
            "allow_private_addresses = true\n[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\n",
        )
        .unwrap();
        assert!(c.fetch.allow_private_addresses);
    }

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let c = parse("base_url = \"https://feeds.example/news\"\n[[feeds]]\nname = \"a\"\nurl = \"https://e.org/\"\n")
            .unwrap();
        assert_eq!(c.base_url.unwrap().as_str(), "https://feeds.example/news/");
    }
}
