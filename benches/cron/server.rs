//! The loopback sites: one HTTP/1.1 server per host, healthy or faulty on purpose, counting
//! every request, with latency, keep-alive and conditional requests like a real site.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use chrono::DateTime;
use serde_json::{json, Value};

use crate::report::sum;
use crate::site::{article, index_page, paragraph, site_name, Rng};
use crate::{
    IDLE_LIMIT, LATENCY, MAX_CONNECTIONS_PER_HOST, MAX_HEADER_BYTES, MAX_REQUESTS_PER_CONNECTION,
    POLL, STREAM_CAP_BYTES, STREAM_CAP_TIME,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Healthy,
    /// Closes the connection with the request unread: the kernel answers with RST.
    Reset,
    /// Reads the request and never answers.
    Hang,
    /// 200, chunked, an HTML body that never ends, as fast as the client reads.
    Endless,
    /// 200, no Content-Length, a few bytes every 200 ms, never ending.
    Trickle,
    /// 302 to a second URL that 302s back to the first.
    Loop,
    /// 500 the first time a page is asked for, the page afterwards.
    Flaky,
    /// 200 text/html with random binary bytes.
    Garbage,
}

impl Kind {
    pub(crate) const FAULTS: [Kind; 7] = [
        Kind::Reset,
        Kind::Hang,
        Kind::Endless,
        Kind::Trickle,
        Kind::Loop,
        Kind::Flaky,
        Kind::Garbage,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Healthy => "healthy",
            Kind::Reset => "reset",
            Kind::Hang => "hang",
            Kind::Endless => "endless",
            Kind::Trickle => "trickle",
            Kind::Loop => "loop",
            Kind::Flaky => "flaky",
            Kind::Garbage => "garbage",
        }
    }
}

#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) requests: AtomicUsize,
    pub(crate) pages_ok: AtomicUsize,
    pub(crate) not_modified: AtomicUsize,
    /// Page requests that carried If-None-Match or If-Modified-Since.
    pub(crate) conditional: AtomicUsize,
    pub(crate) robots: AtomicUsize,
    pub(crate) other: AtomicUsize,
    pub(crate) connections: AtomicUsize,
    in_flight: AtomicUsize,
    pub(crate) peak_in_flight: AtomicUsize,
}

impl Stats {
    fn reset(&self) {
        for counter in [
            &self.requests,
            &self.pages_ok,
            &self.not_modified,
            &self.conditional,
            &self.robots,
            &self.other,
            &self.connections,
        ] {
            counter.store(0, SeqCst);
        }
        self.peak_in_flight
            .store(self.in_flight.load(SeqCst), SeqCst);
    }

    fn enter(&self) {
        let now = self.in_flight.fetch_add(1, SeqCst) + 1;
        self.peak_in_flight.fetch_max(now, SeqCst);
    }

    fn leave(&self) {
        self.in_flight.fetch_sub(1, SeqCst);
    }

    fn to_json(&self) -> Value {
        json!({
            "requests": self.requests.load(SeqCst),
            "pages_200": self.pages_ok.load(SeqCst),
            "not_modified": self.not_modified.load(SeqCst),
            "conditional": self.conditional.load(SeqCst),
            "robots": self.robots.load(SeqCst),
            "other": self.other.load(SeqCst),
            "connections": self.connections.load(SeqCst),
            "peak_in_flight": self.peak_in_flight.load(SeqCst),
        })
    }
}

pub(crate) struct Page {
    pub(crate) path: String,
    pub(crate) body: Vec<u8>,
    pub(crate) etag: String,
    pub(crate) last_modified: String,
    pub(crate) modified: i64,
}

pub(crate) struct Host {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) port: u16,
    pub(crate) pages: Vec<Page>,
    index: Vec<u8>,
    pub(crate) stats: Stats,
    /// Paths a flaky host has already failed once.
    seen: Mutex<HashSet<String>>,
}

impl Host {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub(crate) fn feed(&self) -> (String, Vec<String>) {
        let urls = self.pages.iter().map(|p| self.url(&p.path)).collect();
        (self.name.clone(), urls)
    }
}

pub(crate) struct Farm {
    pub(crate) hosts: Vec<Arc<Host>>,
    pub(crate) global: Arc<Stats>,
    stop: Arc<AtomicBool>,
    acceptors: Vec<JoinHandle<()>>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Farm {
    pub(crate) fn start(specs: &[(String, Kind, usize)]) -> Result<Farm, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let global = Arc::new(Stats::default());
        let workers = Arc::new(Mutex::new(Vec::new()));
        let mut hosts = Vec::new();
        let mut acceptors = Vec::new();
        for (number, (name, kind, page_count)) in specs.iter().enumerate() {
            let listener = TcpListener::bind("127.0.0.1:0")
                .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
            let port = listener
                .local_addr()
                .map_err(|e| format!("no local address: {e}"))?
                .port();
            let site = site_name(number);
            let pages: Vec<Page> = (0..*page_count)
                .map(|i| article(number, i, port, &site, *page_count))
                .collect();
            let index = index_page(&site, port, &pages);
            let host = Arc::new(Host {
                name: name.clone(),
                kind: *kind,
                port,
                pages,
                index,
                stats: Stats::default(),
                seen: Mutex::new(HashSet::new()),
            });
            hosts.push(host.clone());
            let (stop, global, workers) = (stop.clone(), global.clone(), workers.clone());
            let acceptor = thread::Builder::new()
                .name(format!("accept-{name}"))
                .spawn(move || accept_loop(listener, host, global, stop, workers))
                .map_err(|e| format!("cannot start a server thread: {e}"))?;
            acceptors.push(acceptor);
        }
        Ok(Farm {
            hosts,
            global,
            stop,
            acceptors,
            workers,
        })
    }

    pub(crate) fn reset_stats(&self) {
        self.global.reset();
        for h in &self.hosts {
            h.stats.reset();
            if let Ok(mut seen) = h.seen.lock() {
                seen.clear();
            }
        }
    }

    pub(crate) fn stats_json(&self, hosts: &[Arc<Host>]) -> Value {
        let per_host: serde_json::Map<String, Value> = hosts
            .iter()
            .map(|h| (h.name.clone(), h.stats.to_json()))
            .collect();
        json!({
            "requests": sum(hosts, |s| s.requests.load(SeqCst)),
            "pages_200": sum(hosts, |s| s.pages_ok.load(SeqCst)),
            "not_modified": sum(hosts, |s| s.not_modified.load(SeqCst)),
            "robots": sum(hosts, |s| s.robots.load(SeqCst)),
            "other": sum(hosts, |s| s.other.load(SeqCst)),
            "connections": sum(hosts, |s| s.connections.load(SeqCst)),
            "peak_in_flight_overall": self.global.peak_in_flight.load(SeqCst),
            "peak_in_flight_one_host": hosts.iter().map(|h| h.stats.peak_in_flight.load(SeqCst)).max(),
            "per_host": per_host,
        })
    }

    /// Stops every listener and waits (boundedly) for the connection threads to notice.
    pub(crate) fn stop(self) {
        self.stop.store(true, SeqCst);
        for h in &self.hosts {
            // Wakes the acceptor blocked in accept(); it sees the flag and returns.
            let _ = TcpStream::connect_timeout(
                &([127, 0, 0, 1], h.port).into(),
                Duration::from_secs(1),
            );
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut handles = self.acceptors;
        if let Ok(mut workers) = self.workers.lock() {
            handles.append(&mut workers);
        }
        while Instant::now() < deadline && !handles.iter().all(JoinHandle::is_finished) {
            thread::sleep(Duration::from_millis(20));
        }
        let stuck = handles.iter().filter(|h| !h.is_finished()).count();
        for h in handles.into_iter().filter(JoinHandle::is_finished) {
            let _ = h.join();
        }
        if stuck > 0 {
            println!("warning: {stuck} server threads still busy at exit");
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    host: Arc<Host>,
    global: Arc<Stats>,
    stop: Arc<AtomicBool>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
) {
    for _ in 0..MAX_CONNECTIONS_PER_HOST {
        let accepted = listener.accept();
        if stop.load(SeqCst) {
            return;
        }
        let Ok((stream, _)) = accepted else {
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        host.stats.connections.fetch_add(1, SeqCst);
        global.connections.fetch_add(1, SeqCst);
        let (host, global, stop) = (host.clone(), global.clone(), stop.clone());
        let spawned = thread::Builder::new()
            .name("conn".into())
            .spawn(move || serve_connection(stream, &host, &global, &stop));
        if let (Ok(handle), Ok(mut list)) = (spawned, workers.lock()) {
            list.retain(|h| !h.is_finished());
            list.push(handle);
        }
    }
}

struct Request {
    pub(crate) path: String,
    headers: Vec<(String, String)>,
    close: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn serve_connection(stream: TcpStream, host: &Host, global: &Stats, stop: &AtomicBool) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(POLL));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        if host.kind == Kind::Reset && reader.buffer().is_empty() {
            match peek_path(&stream, stop) {
                Some(path) if path == "/robots.txt" => {}
                Some(_) => {
                    // Close with the request unread: with unread input in its receive queue,
                    // the kernel answers with RST instead of FIN.
                    host.stats.requests.fetch_add(1, SeqCst);
                    global.requests.fetch_add(1, SeqCst);
                    host.stats.other.fetch_add(1, SeqCst);
                    return;
                }
                None => return,
            }
        }
        let Some(request) = read_request(&mut reader, stop) else {
            return;
        };
        host.stats.requests.fetch_add(1, SeqCst);
        global.requests.fetch_add(1, SeqCst);
        let in_flight = InFlight::enter([&host.stats, global]);
        let keep_alive = respond(host, &request, &mut stream, stop, in_flight);
        if !keep_alive || request.close {
            return;
        }
    }
}

/// Counts a request as in flight until dropped. Responders drop it just before writing the
/// response, so a client that sends its next request on receipt is never counted twice:
/// the peaks are never above what the client really had outstanding.
struct InFlight<'a>([&'a Stats; 2]);

impl<'a> InFlight<'a> {
    fn enter(stats: [&'a Stats; 2]) -> InFlight<'a> {
        for s in stats {
            s.enter();
        }
        InFlight(stats)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        for s in self.0 {
            s.leave();
        }
    }
}

/// The path of the next request on `stream`, read without consuming anything.
fn peek_path(stream: &TcpStream, stop: &AtomicBool) -> Option<String> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    while !stop.load(SeqCst) && started.elapsed() < IDLE_LIMIT {
        match stream.peek(&mut buf) {
            Ok(0) => return None,
            Ok(n) => {
                let head = String::from_utf8_lossy(&buf[..n]);
                if let Some((line, _)) = head.split_once("\r\n") {
                    return line.split_whitespace().nth(1).map(str::to_string);
                }
                if n == buf.len() {
                    return None;
                }
                // Only part of the request line so far.
                thread::sleep(Duration::from_millis(1));
            }
            Err(e) if is_timeout(&e) => {}
            Err(_) => return None,
        }
    }
    None
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
    )
}

/// Reads one request head; `None` at end of stream, on garbage, when idle for too long, or
/// when the farm stops.
fn read_request(reader: &mut BufReader<TcpStream>, stop: &AtomicBool) -> Option<Request> {
    let started = Instant::now();
    let mut lines: Vec<String> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut total = 0;
    while lines.len() < 200 {
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return None,
            Ok(n) => {
                total += n;
                if total > MAX_HEADER_BYTES || !line.ends_with(b"\n") {
                    return None;
                }
                let text = String::from_utf8_lossy(&line).trim_end().to_string();
                line.clear();
                if text.is_empty() {
                    if lines.is_empty() {
                        continue;
                    }
                    break;
                }
                lines.push(text);
            }
            // A timeout keeps what was read so far in `line`; just try again.
            Err(e) if is_timeout(&e) => {
                if stop.load(SeqCst) || started.elapsed() > IDLE_LIMIT {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
    let mut parts = lines.first()?.split_whitespace();
    let (_method, path, version) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    let headers: Vec<(String, String)> = lines[1..]
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let connection = headers
        .iter()
        .find(|(k, _)| k == "connection")
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    let close = connection.contains("close")
        || (version == "HTTP/1.0" && !connection.contains("keep-alive"));
    Some(Request {
        path: path.to_string(),
        headers,
        close,
    })
}

/// Answers one request; returns whether the connection may carry another. Faults apply to
/// the article pages only: every host answers `/robots.txt` normally.
fn respond(
    host: &Host,
    request: &Request,
    stream: &mut TcpStream,
    stop: &AtomicBool,
    in_flight: InFlight,
) -> bool {
    if request.path == "/robots.txt" {
        thread::sleep(LATENCY);
        drop(in_flight);
        return serve_site(host, request, stream);
    }
    match host.kind {
        Kind::Hang => {
            hang(stream, stop);
            false
        }
        Kind::Endless => {
            endless(stream, stop);
            false
        }
        Kind::Trickle => {
            trickle(stream, stop);
            false
        }
        Kind::Loop => {
            thread::sleep(LATENCY);
            drop(in_flight);
            let target = match request.path.strip_suffix("?again") {
                Some(first) => first.to_string(),
                None => format!("{}?again", request.path),
            };
            host.stats.other.fetch_add(1, SeqCst);
            let location = host.url(&target);
            write_response(
                stream,
                "302 Found",
                &[("Location", &location), ("Content-Type", "text/html")],
                Some(b""),
            )
        }
        Kind::Garbage => {
            thread::sleep(LATENCY);
            drop(in_flight);
            host.stats.other.fetch_add(1, SeqCst);
            let body = garbage(&request.path);
            write_response(
                stream,
                "200 OK",
                &[("Content-Type", "text/html; charset=utf-8")],
                Some(&body),
            )
        }
        Kind::Flaky => {
            thread::sleep(LATENCY);
            drop(in_flight);
            let first_time = host
                .seen
                .lock()
                .map(|mut s| s.insert(request.path.clone()))
                .unwrap_or(false);
            if first_time {
                host.stats.other.fetch_add(1, SeqCst);
                write_response(
                    stream,
                    "500 Internal Server Error",
                    &[("Content-Type", "text/html")],
                    Some(b"<h1>500 Internal Server Error</h1>"),
                )
            } else {
                serve_site(host, request, stream)
            }
        }
        // Reset hosts reach here only for requests they let through (robots.txt).
        Kind::Healthy | Kind::Reset => {
            thread::sleep(LATENCY);
            drop(in_flight);
            serve_site(host, request, stream)
        }
    }
}

fn serve_site(host: &Host, request: &Request, stream: &mut TcpStream) -> bool {
    let path = request.path.split('?').next().unwrap_or("/");
    if path == "/robots.txt" {
        host.stats.robots.fetch_add(1, SeqCst);
        return write_response(
            stream,
            "200 OK",
            &[("Content-Type", "text/plain; charset=utf-8")],
            Some(b"User-agent: *\nAllow: /\n"),
        );
    }
    if path == "/" {
        host.stats.other.fetch_add(1, SeqCst);
        return write_response(
            stream,
            "200 OK",
            &[("Content-Type", "text/html; charset=utf-8")],
            Some(&host.index),
        );
    }
    let Some(page) = host.pages.iter().find(|p| p.path == path) else {
        host.stats.other.fetch_add(1, SeqCst);
        return write_response(
            stream,
            "404 Not Found",
            &[("Content-Type", "text/html; charset=utf-8")],
            Some(b"<h1>Not found</h1>"),
        );
    };
    let if_none_match = request.header("if-none-match");
    let if_modified_since = request.header("if-modified-since");
    if if_none_match.is_some() || if_modified_since.is_some() {
        host.stats.conditional.fetch_add(1, SeqCst);
    }
    // If-None-Match wins when present (RFC 9110 13.2.2).
    let not_modified = match (if_none_match, if_modified_since) {
        (Some(tags), _) => tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == page.etag),
        (None, Some(since)) => {
            DateTime::parse_from_rfc2822(since).is_ok_and(|d| d.timestamp() >= page.modified)
        }
        (None, None) => false,
    };
    let validators = [
        ("ETag", page.etag.as_str()),
        ("Last-Modified", page.last_modified.as_str()),
        ("Cache-Control", "max-age=300"),
    ];
    if not_modified {
        host.stats.not_modified.fetch_add(1, SeqCst);
        return write_response(stream, "304 Not Modified", &validators, None);
    }
    host.stats.pages_ok.fetch_add(1, SeqCst);
    let mut headers = vec![("Content-Type", "text/html; charset=utf-8")];
    headers.extend(validators);
    write_response(stream, "200 OK", &headers, Some(&page.body))
}

/// Writes a response; `None` body means none at all (304). Returns whether it went out.
fn write_response(
    stream: &mut TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> bool {
    let mut head = format!("HTTP/1.1 {status}\r\nServer: feedgen-cron-bench\r\n");
    if let Some(body) = body {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.unwrap_or_default());
    stream
        .write_all(&bytes)
        .and_then(|()| stream.flush())
        .is_ok()
}

/// Never answers; returns when the client gives up, the farm stops, or after the cap.
fn hang(stream: &mut TcpStream, stop: &AtomicBool) {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    while !stop.load(SeqCst) && started.elapsed() < STREAM_CAP_TIME * 5 {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if is_timeout(&e) => {}
            Err(_) => return,
        }
    }
}

fn endless(stream: &mut TcpStream, stop: &AtomicBool) {
    thread::sleep(LATENCY);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n";
    let mut rng = Rng::new(7);
    let mut text = String::from("<!DOCTYPE html><html><head><title>Endless</title></head><body><article><h1>This page never ends</h1>");
    while text.len() < 16 * 1024 {
        text.push_str(&format!("<p>{}</p>\n", paragraph(&mut rng)));
    }
    let chunk = [
        format!("{:x}\r\n", text.len()).as_bytes(),
        text.as_bytes(),
        b"\r\n",
    ]
    .concat();
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let started = Instant::now();
    let mut sent: u64 = 0;
    while !stop.load(SeqCst) && sent < STREAM_CAP_BYTES && started.elapsed() < STREAM_CAP_TIME {
        if stream.write_all(&chunk).is_err() {
            return;
        }
        sent += chunk.len() as u64;
    }
}

fn trickle(stream: &mut TcpStream, stop: &AtomicBool) {
    thread::sleep(LATENCY);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n<!DOCTYPE html><html><head><title>Slow</title></head><body><article><h1>Still loading</h1>\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let started = Instant::now();
    while !stop.load(SeqCst) && started.elapsed() < STREAM_CAP_TIME {
        thread::sleep(Duration::from_millis(200));
        if stream.write_all(b"<p>Still going.</p>\n").is_err() {
            return;
        }
    }
}

fn garbage(path: &str) -> Vec<u8> {
    let seed = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = Rng::new(seed);
    let mut body: Vec<u8> = (0..16 * 1024).map(|_| rng.next() as u8).collect();
    body[0] = b'<'; // not a known file signature: the bytes themselves must give it away
    body
}
