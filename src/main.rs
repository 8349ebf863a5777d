//! The `feedgen` command: argument parsing, output, and exit codes. All the work is in the
//! library; this file only maps it onto a terminal and a crontab.
//!
//! Exit codes: 0 all feeds updated or unchanged, 1 some sources failed (feeds still written
//! for the rest), 2 usage or config error, 3 another run holds the output folder.

// Nothing from the network, a file or the user may panic a run: the shipped code handles
// every error (tests, a separate crate or `cfg(test)`, may unwrap).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use serde_json::json;
use url::Url;

use feedgen::config::{self, Config, FetchSettings, Kind};
use feedgen::feed::Format;
use feedgen::run::inspect;
use feedgen::run::one_shot::{self, OneShotError, Published};
use feedgen::run::{self, Saved};
use feedgen::Article;

#[derive(Parser)]
#[command(
    name = "feedgen",
    version,
    about = "Turns web pages that have no feed into RSS feeds",
    args_conflicts_with_subcommands = true,
    after_help = "One-shot: feedgen --url URL [--output FILE]\nCron:     feedgen run [--config config.toml]"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    one_shot: OneShot,
}

/// Print (or merge into a file) a feed for one page.
#[derive(Args)]
struct OneShot {
    /// Page to turn into a feed: http(s)://…, file://…, or a local path.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Write the feed here, merged with the entries already in it, instead of printing it.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Feed title (default: the site's name).
    #[arg(long)]
    title: Option<String>,
    /// Public site a file: page mirrors; its links are made from this URL.
    #[arg(long, value_name = "URL")]
    site_url: Option<Url>,
    /// Public URL of the feed itself, for the self link readers use to refresh it.
    #[arg(long, value_name = "URL")]
    self_url: Option<Url>,
    /// Feed format: rss, atom or json (default: from the --output extension, else rss).
    #[arg(long, value_name = "FORMAT")]
    format: Option<Format>,
    /// What the URL is: page, listing or feed (default: detected from what it serves).
    #[arg(long, value_name = "KIND")]
    kind: Option<Kind>,
    /// Articles taken from a listing or feed.
    #[arg(long, default_value_t = config::DEFAULT_MAX_NEW)]
    max_new: usize,
    /// Entries kept in --output.
    #[arg(long, default_value_t = config::DEFAULT_MAX_ITEMS)]
    max_items: usize,
    #[command(flatten)]
    fetch: FetchArgs,
}

#[derive(Args)]
struct FetchArgs {
    /// Seconds one request may take.
    #[arg(long, value_name = "SECONDS", default_value_t = config::DEFAULT_TIMEOUT_SECS)]
    timeout: u64,
    /// Largest page accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = config::DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Let links and redirects found on pages reach loopback, private and link-local
    /// addresses (the --url's own host and port always may).
    #[arg(long)]
    allow_private_addresses: bool,
}

impl FetchArgs {
    /// The settings for a command whose user-written URL is `url`.
    fn settings(&self, url: &Url) -> Result<FetchSettings, config::ConfigError> {
        Ok(
            config::fetch_flags(self.timeout, self.max_bytes, self.allow_private_addresses)?
                .with_user_urls([url]),
        )
    }
}

#[derive(Subcommand)]
enum Command {
    /// Update every feed in the config and write them to its output folder.
    Run {
        /// The config file; relative paths in it resolve against its folder.
        #[arg(long, short, default_value = "config.toml")]
        config: PathBuf,
        /// Print only errors (cron mails whatever is printed).
        #[arg(long, short)]
        quiet: bool,
        /// Print the run's summary as one JSON object on standard output.
        #[arg(long)]
        json: bool,
        /// Fetch every page again, even those already in their feed or still fresh.
        #[arg(long)]
        force: bool,
        /// Let links and redirects found on pages reach loopback, private and link-local
        /// addresses, as `allow_private_addresses = true` in the config does.
        #[arg(long)]
        allow_private_addresses: bool,
    },
    /// Print the OPML subscription list of every feed in the config.
    Opml {
        /// The config file.
        #[arg(long, short, default_value = "config.toml")]
        config: PathBuf,
    },
    /// Extract one page's article and print it (for inspection and benchmarks).
    Extract {
        /// The page's URL; fetched unless --input gives its HTML.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Read the HTML from this file ('-' for standard input) instead of fetching.
        #[arg(long, value_name = "FILE")]
        input: Option<String>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// JSON lines of {"path", "url"}: extract each, print one JSON line per page.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["url", "input"])]
        manifest: Option<PathBuf>,
        #[command(flatten)]
        fetch: FetchArgs,
    },
}

/// An error that is the user's to fix (exit 2) rather than a source's failure (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Run {
            config,
            quiet,
            json,
            force,
            allow_private_addresses,
        }) => cmd_run(&config, quiet, json, force, allow_private_addresses),
        Some(Command::Opml { config }) => Config::load(&config)
            .map_err(anyhow::Error::from)
            .and_then(|c| {
                std::io::stdout().write_all(run::opml(&c).as_bytes())?;
                Ok(ExitCode::SUCCESS)
            }),
        Some(Command::Extract {
            url,
            input,
            json,
            manifest,
            fetch,
        }) => match manifest {
            Some(m) => cmd_extract_manifest(&m),
            None => cmd_extract(url.as_deref(), input.as_deref(), json, &fetch),
        },
        None => match cli.one_shot.url.as_deref() {
            Some(url) => cmd_one_shot(url, &cli.one_shot),
            None => Err(UsageError(
                "nothing to do: give --url URL, or a command such as `feedgen run` (see --help)"
                    .into(),
            )
            .into()),
        },
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("feedgen: error: {}", describe(&e));
            if e.downcast_ref::<UsageError>().is_some()
                || e.downcast_ref::<config::ConfigError>().is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// The error and the causes its own message does not already say: our typed errors name
/// their cause in their text, and printing the chain again would repeat it
/// ("File exists (os error 17): File exists (os error 17)").
fn describe(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Exit code of a run that found another run working on the same output folder.
const EXIT_LOCKED: u8 = 3;

fn cmd_run(
    config_path: &Path,
    quiet: bool,
    json: bool,
    force: bool,
    allow_private_addresses: bool,
) -> Result<ExitCode> {
    let mut config = Config::load(config_path)?;
    config.fetch.allow_private_addresses |= allow_private_addresses;
    if !quiet {
        for feed in config.feeds.iter().filter(|f| f.plan.ignore_robots) {
            eprintln!("feedgen: warning: {}: ignore_robots = true: fetching pages robots.txt may disallow", feed.name);
        }
    }
    // A progress count only for a person watching a terminal; cron and pipes get none.
    let progress = !quiet && !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let options = run::RunOptions { force, progress };
    let outcome =
        runtime()?.block_on(run::run(
            &config,
            options,
            move |severity, line| match severity {
                run::Severity::Error => eprintln!("feedgen: error: {line}"),
                run::Severity::Warning if !quiet => eprintln!("feedgen: warning: {line}"),
                run::Severity::Warning => {}
            },
        ));
    let summary = match outcome {
        Ok(report) => report.summary,
        Err(e @ run::RunError::Locked { .. }) => {
            eprintln!("feedgen: {e}");
            return Ok(ExitCode::from(EXIT_LOCKED));
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    }
    if !quiet {
        eprintln!("feedgen: {}", summary.line());
    }
    Ok(if summary.errors > 0 || summary.feeds_failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Accepts URLs and, for convenience, plain local paths.
fn parse_page_url(text: &str) -> Result<Url> {
    if let Ok(url) = Url::parse(text) {
        if matches!(url.scheme(), "http" | "https" | "file") {
            return Ok(url);
        }
    }
    let path = Path::new(text);
    if path.exists() {
        let absolute =
            std::path::absolute(path).with_context(|| format!("cannot resolve {text}"))?;
        return Url::from_file_path(&absolute)
            .map_err(|()| UsageError(format!("cannot make a file: URL of {text}")).into());
    }
    Err(UsageError(format!(
        "{text:?} is neither an http(s)/file URL nor an existing file"
    ))
    .into())
}

fn cmd_one_shot(url_text: &str, args: &OneShot) -> Result<ExitCode> {
    let plan = config::OneShot {
        url: parse_page_url(url_text)?,
        kind: args.kind,
        title: args.title.clone(),
        site_url: args.site_url.clone(),
        self_url: args.self_url.clone(),
        format: args.format,
        output: args.output.clone(),
        max_new: args.max_new,
        max_items: args.max_items,
        timeout_secs: args.fetch.timeout,
        max_bytes: args.fetch.max_bytes,
        allow_private_addresses: args.fetch.allow_private_addresses,
    }
    .build()?;
    let outcome = runtime()?.block_on(one_shot::one_shot(plan, |severity, line| match severity {
        run::Severity::Error => eprintln!("feedgen: error: {line}"),
        run::Severity::Warning => eprintln!("feedgen: warning: {line}"),
    }));
    let report = match outcome {
        Ok(report) => report,
        Err(OneShotError::Lock(e @ run::RunError::Locked { .. })) => {
            eprintln!("feedgen: {e}");
            return Ok(ExitCode::from(EXIT_LOCKED));
        }
        Err(e) => return Err(e.into()),
    };
    for note in &report.notes {
        eprintln!("feedgen: note: {note}");
    }
    match report.published {
        Published::Saved { path, saved } => {
            let what = if saved == Saved::Written {
                "written"
            } else {
                "unchanged"
            };
            eprintln!("feedgen: {}: {what}", path.display());
        }
        Published::Printed(text) => std::io::stdout()
            .write_all(text.as_bytes())
            .context("cannot write to standard output")?,
    }
    Ok(if report.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cmd_extract(
    url: Option<&str>,
    input: Option<&str>,
    json: bool,
    fetch: &FetchArgs,
) -> Result<ExitCode> {
    let (html, url) = match (input, url) {
        (Some(input), url) => {
            let html = read_input(input)?;
            let url = match url {
                Some(u) => {
                    parse_page_url(u).or_else(|_| Url::parse(u).map_err(anyhow::Error::from))?
                }
                None if input == "-" => bail!(UsageError(
                    "--input - needs --url to resolve links against".into()
                )),
                None => parse_page_url(input)?,
            };
            (html, url)
        }
        (None, Some(url)) => {
            let url = parse_page_url(url)?;
            runtime()?.block_on(inspect::fetch(fetch.settings(&url)?, &url))?
        }
        (None, None) => bail!(UsageError(
            "extract needs --url URL, --input FILE or --manifest FILE".into()
        )),
    };
    inspect::warm_up();
    let (article, seconds) = inspect::extract_timed(&html, &url)?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", article_json(&article, seconds))?;
    } else {
        write_article_text(&mut out, &article)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One process for many pages, so throughput measures extraction, not process start-up.
fn cmd_extract_manifest(manifest: &Path) -> Result<ExitCode> {
    let file = std::fs::File::open(manifest)
        .with_context(|| format!("cannot open {}", manifest.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failures = 0;
    inspect::warm_up();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", manifest.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: serde_json::Value = serde_json::from_str(&line).map_err(|e| {
            UsageError(format!(
                "{}:{}: not a JSON object: {e}",
                manifest.display(),
                n + 1
            ))
        })?;
        let (Some(path), Some(url)) = (entry["path"].as_str(), entry["url"].as_str()) else {
            bail!(UsageError(format!(
                "{}:{}: needs \"path\" and \"url\"",
                manifest.display(),
                n + 1
            )));
        };
        let result = read_input(path).and_then(|html| {
            let url = Url::parse(url).with_context(|| format!("bad url {url:?}"))?;
            let (article, seconds) = inspect::extract_timed(&html, &url)?;
            Ok(article_json(&article, seconds))
        });
        let value = result.unwrap_or_else(|e| {
            failures += 1;
            json!({"path": path, "url": url, "error": format!("{e:#}"), "body": ""})
        });
        writeln!(out, "{value}")?;
    }
    out.flush()?;
    Ok(if failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_input(input: &str) -> Result<String> {
    let mut bytes = Vec::new();
    if input == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(input).with_context(|| format!("cannot read {input}"))?;
    }
    Ok(inspect::decode(&bytes))
}

fn article_json(a: &Article, seconds: f64) -> serde_json::Value {
    json!({
        "title": a.title,
        "author": a.authors.join(", "),
        "authors": a.authors,
        "published": a.published.map(|d| d.to_rfc3339()),
        "updated": a.updated.map(|d| d.to_rfc3339()),
        "language": a.language,
        "image": a.image.as_ref().map(Url::as_str),
        "canonical_url": a.canonical_url.as_ref().map(Url::as_str),
        "url": a.link().as_str(),
        "summary": a.summary,
        "tags": a.tags,
        "body": a.text,
        "content_html": a.content_html,
        "seconds": seconds,
    })
}

fn write_article_text(out: &mut impl Write, a: &Article) -> std::io::Result<()> {
    writeln!(out, "Title:     {}", a.title)?;
    writeln!(out, "Link:      {}", a.link())?;
    writeln!(out, "Authors:   {}", a.authors.join(", "))?;
    writeln!(
        out,
        "Published: {}",
        a.published.map(|d| d.to_rfc3339()).unwrap_or_default()
    )?;
    writeln!(out, "Language:  {}", a.language.as_deref().unwrap_or(""))?;
    writeln!(
        out,
        "Image:     {}",
        a.image.as_ref().map(Url::as_str).unwrap_or("")
    )?;
    writeln!(out, "\n{}", a.text)
}
