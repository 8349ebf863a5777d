//! Running feedgen: its config, its wall time and peak RSS (GNU time or /proc), its exit
//! status and `--json` report, killed when it runs past the limit.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{CONCURRENCY, KILL_AFTER, PER_HOST_CONCURRENCY, TIMEOUT_SECS};

pub(crate) fn write_config(
    dir: &Path,
    per_host: bool,
    feeds: &[(String, Vec<String>)],
) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Every page of a feed stays in it, however large the bench is scaled.
    let max_items = feeds
        .iter()
        .map(|(_, urls)| urls.len())
        .max()
        .unwrap_or(1)
        .max(50);
    let mut text = format!(
        "output_dir = \"out\"\ntimeout_secs = {TIMEOUT_SECS}\nconcurrency = {CONCURRENCY}\nmax_items = {max_items}\n"
    );
    if per_host {
        text.push_str(&format!("per_host_concurrency = {PER_HOST_CONCURRENCY}\n"));
    }
    for (name, urls) in feeds {
        let urls: Vec<String> = urls.iter().map(|u| format!("\"{u}\"")).collect();
        text.push_str(&format!(
            "\n[[feeds]]\nname = \"{name}\"\nurls = [{}]\n",
            urls.join(", ")
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

pub(crate) struct Runner {
    pub(crate) bin: PathBuf,
    pub(crate) gnu_time: bool,
    pub(crate) json: bool,
    pub(crate) work: PathBuf,
}

pub(crate) struct RunResult {
    pub(crate) wall: f64,
    pub(crate) status: Option<i32>,
    pub(crate) killed: bool,
    pub(crate) peak_rss_kb: Option<u64>,
    pub(crate) stderr: String,
    pub(crate) json: Option<Value>,
}

impl RunResult {
    pub(crate) fn status_text(&self) -> String {
        match (self.killed, self.status) {
            (true, _) => "killed".into(),
            (false, Some(code)) => code.to_string(),
            (false, None) => "by signal".into(),
        }
    }

    pub(crate) fn rss_text(&self) -> String {
        self.peak_rss_kb.map_or_else(
            || "n/a".into(),
            |kb| format!("{:.0} MB", kb as f64 / 1024.0),
        )
    }

    pub(crate) fn json_field(&self, key: &str) -> Option<u64> {
        self.json.as_ref()?.get(key)?.as_u64()
    }

    /// feedgen's own summary line on stderr, e.g. "50 updated, 0 unchanged, …".
    pub(crate) fn summary_line(&self) -> Option<String> {
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix("feedgen: "))
            .find(|l| !l.starts_with("error:") && l.contains(" updated, "))
            .map(str::to_string)
    }
}

impl Runner {
    pub(crate) fn run(&self, label: &str, config: &Path) -> Result<RunResult, String> {
        let file = |ext: &str| self.work.join(format!("{label}.{ext}"));
        let create = |p: &Path| {
            std::fs::File::create(p).map_err(|e| format!("cannot create {}: {e}", p.display()))
        };
        let (stdout_path, stderr_path, time_path) = (file("stdout"), file("stderr"), file("time"));
        let mut cmd = if self.gnu_time {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-v").arg("-o").arg(&time_path).arg(&self.bin);
            c
        } else {
            Command::new(&self.bin)
        };
        cmd.arg("run").arg("--config").arg(config);
        if self.json {
            cmd.arg("--json");
        }
        cmd.stdin(Stdio::null())
            .stdout(create(&stdout_path)?)
            .stderr(create(&stderr_path)?)
            .process_group(0);
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.bin.display()))?;
        let pid = child.id();
        let done = Arc::new(AtomicBool::new(false));
        let killed = Arc::new(AtomicBool::new(false));
        let hwm = Arc::new(AtomicU64::new(0));
        let poll_rss = !self.gnu_time;
        let monitor = {
            let (done, killed, hwm) = (done.clone(), killed.clone(), hwm.clone());
            thread::spawn(move || {
                while !done.load(SeqCst) {
                    if started.elapsed() > KILL_AFTER {
                        // The child leads its own process group: this ends it and nothing else.
                        let _ = Command::new("kill")
                            .args(["-KILL", "--", &format!("-{pid}")])
                            .status();
                        killed.store(true, SeqCst);
                        break;
                    }
                    if poll_rss {
                        if let Some(kb) = vm_hwm_kb(pid) {
                            hwm.fetch_max(kb, SeqCst);
                        }
                    }
                    thread::sleep(Duration::from_millis(10));
                }
            })
        };
        let status = child
            .wait()
            .map_err(|e| format!("waiting for feedgen: {e}"))?;
        let wall = started.elapsed().as_secs_f64();
        done.store(true, SeqCst);
        let _ = monitor.join();
        let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
        let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let peak_rss_kb = if self.gnu_time {
            std::fs::read_to_string(&time_path).ok().and_then(|t| {
                t.lines()
                    .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
                    .and_then(|v| v.trim().parse().ok())
            })
        } else {
            Some(hwm.load(SeqCst)).filter(|&kb| kb > 0)
        };
        let json = stdout
            .lines()
            .rev()
            .filter(|l| l.trim_start().starts_with('{'))
            .find_map(|l| serde_json::from_str::<Value>(l).ok())
            .or_else(|| serde_json::from_str::<Value>(stdout.trim()).ok())
            .filter(Value::is_object);
        Ok(RunResult {
            wall,
            // GNU time exits with the command's status (128 + signal when it was killed).
            status: status.code(),
            killed: killed.load(SeqCst),
            peak_rss_kb,
            stderr,
            json,
        })
    }
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
