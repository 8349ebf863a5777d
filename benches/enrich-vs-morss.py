#!/usr/bin/env python3
"""Partial-feed enrichment, feedgen (`kind = "feed"`) against morss, on the extraction benchmark.

    python3 -m venv .morss-venv && .morss-venv/bin/pip install morss
    cargo build --release
    python3 benches/enrich-vs-morss.py [--limit 40] [--morss-python .morss-venv/bin/python]

A local HTTP server on 127.0.0.1 serves the benchmark pages (../shared/bench/extraction) as
/pages/<id>.html and an RSS 2.0 feed /feed.xml whose items carry only a teaser (the first 20
words of the ground truth, at most 200 characters). Both tools turn that feed into a full-text
feed; each item's body (HTML → plain text) is scored with the benchmark's own metric
(evaluate.py: F1 on 4-token shingles). An item that is missing, or whose body is still only
the teaser, scores as an empty body (counted in `empty`; `teaser` says how many of those
still had the teaser).

Wall time is the whole process of each tool (feed fetch, page fetches, extraction, output),
everything over loopback, one run per tool (`--repeat` for the median of several); `cpu s`
is the process's user + system CPU time (feedgen works on several pages at once, morss on
one page after the other).

morss runs as its own CLI (`morss.cli.cli_app`) in a subprocess of the venv's Python, with
its per-run caps lifted (MAX_ITEM, MAX_TIME, LIM_ITEM, LIM_TIME = -1; by default it fills only
5 items within 2 s and drops items beyond 10 / 2.5 s), its default in-memory cache (no CACHE
variable, so nothing on disk and nothing shared between runs) and a socket guard that refuses
any connection not to 127.0.0.1. Standard library only (plus morss, in its own venv).
"""
import argparse
import gzip
import html
import http.server
import importlib.util
import json
import re
import resource
import statistics
import subprocess
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench" / "extraction"
TEASER_WORDS = 20
TEASER_CHARS = 200
MORSS_SIZE_LIMIT = 500 * 1024  # morss.crawler.SizeLimitHandler(500*1024)
TIMEOUT_S = 1800
ID_RE = re.compile(r"/pages/([0-9a-f]{64})\.html|urn:bench:([0-9a-f]{64})")


def load_evaluate(bench):
    """The benchmark's own scoring functions (page_score, aggregate, with_bootstrap)."""
    spec = importlib.util.spec_from_file_location("bench_evaluate", bench / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- HTML → text ------------------------------------------------------------------

BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul", "body", "html", "caption",
}
SKIP = {"script", "style", "noscript", "template", "head", "title"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(fragment):
    if not fragment:
        return ""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip()
             for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- pages, feed, server ----------------------------------------------------------

def load_pages(bench, limit):
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    pages = {}
    for page_id in ids:
        raw = gzip.decompress((bench / "html" / f"{page_id}.html.gz").read_bytes())
        pages[page_id] = {"html": raw, "truth": truth[page_id]["articleBody"],
                          "url": truth[page_id]["url"]}
    return ids, pages


def title_of(url, n):
    slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.(s?html?|php|aspx?)$", "", slug)
    words = [w for w in re.split(r"[-_+]+", slug) if w and not w.isdigit()]
    return " ".join(words).capitalize() if len(words) >= 2 else f"Article {n}"


def teaser_of(truth):
    """The first 20 words, at most 200 characters (text without spaces, e.g. Japanese,
    would otherwise give the whole article as its "teaser")."""
    teaser = " ".join(truth.split()[:TEASER_WORDS])
    return teaser[:TEASER_CHARS].rstrip() + " …"


def build_feed(ids, pages, base):
    start = datetime(2024, 7, 17, 12, 0, tzinfo=timezone.utc)
    items = []
    for n, page_id in enumerate(ids, 1):
        p = pages[page_id]
        items.append(
            "<item>"
            f"<title>{html.escape(title_of(p['url'], n))}</title>"
            f"<link>{base}/pages/{page_id}.html</link>"
            f'<guid isPermaLink="false">urn:bench:{page_id}</guid>'
            f"<pubDate>{format_datetime(start - timedelta(hours=n))}</pubDate>"
            f"<description>{html.escape(teaser_of(p['truth']))}</description>"
            "</item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Benchmark teasers</title><link>{base}/</link>"
            "<description>Items with teasers only</description>"
            + "".join(items) + "</channel></rss>\n").encode("utf-8")


class Server:
    """127.0.0.1 on a free port; every request is logged with the phase it belongs to."""

    def __init__(self, ids, pages):
        self.pages, self.phase, self.log = pages, "", []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes: without TCP_NODELAY, Nagle plus the
            # client's delayed ACK can stall each response by ~40 ms
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = urlsplit(self.path).path
                match = re.fullmatch(r"/pages/([0-9a-f]{64})\.html", path)
                if path == "/feed.xml":
                    self.send(200, "application/rss+xml; charset=utf-8", outer.feed)
                elif match and match.group(1) in outer.pages:
                    self.send(200, "text/html; charset=utf-8",
                              outer.pages[match.group(1)]["html"])
                else:  # /robots.txt and anything else: 404 (robots: allow all)
                    self.send(404, "text/plain; charset=utf-8", b"not found\n")

            def send(self, code, ctype, body):
                outer.log.append((outer.phase, self.path, code))
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.feed = build_feed(ids, pages, self.base)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def requests(self, phase):
        hits = [(p, c) for ph, p, c in self.log if ph == phase]
        return {"total": len(hits),
                "pages": sum(1 for p, c in hits if p.startswith("/pages/") and c == 200),
                "not_found": sorted({p for p, c in hits if c == 404})}


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def item_id(*fields):
    for field in fields:
        match = ID_RE.search(field or "")
        if match:
            return match.group(1) or match.group(2)
    return None


# --- the tools ----------------------------------------------------------------------

def run_feedgen(binary, base, n, tmp):
    out = Path(tmp) / "feeds"
    config = Path(tmp) / "config.toml"
    config.write_text(
        f'output_dir = "{out}"\n\n[[feeds]]\nname = "enriched"\n'
        f'url = "{base}/feed.xml"\nkind = "feed"\nmax_new = {n}\nmax_items = {n}\n'
        'formats = ["json"]\n', encoding="utf-8")
    cpu, start = child_cpu(), time.perf_counter()
    proc = subprocess.run([str(binary), "run", "--config", str(config), "--json"],
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    wall, cpu = time.perf_counter() - start, child_cpu() - cpu
    bodies, notes = {}, []
    if proc.returncode != 0:
        notes.append(f"exit {proc.returncode}")
    notes += [line for line in proc.stderr.splitlines() if line.strip()][:20]
    feed_file = out / "enriched.json"
    if feed_file.exists():
        for item in json.loads(feed_file.read_text(encoding="utf-8")).get("items", []):
            page_id = item_id(item.get("url"), item.get("id"), item.get("external_url"))
            if page_id:
                bodies[page_id] = item.get("content_html") or ""
    else:
        notes.append(f"no output file {feed_file}")
    return (wall, cpu), bodies, notes, proc.stdout.strip()


MORSS_WRAPPER = r"""
import socket, sys
_connect = socket.socket.connect
def guarded(self, address, *a, **k):
    host = address[0] if isinstance(address, tuple) else address
    if host not in ("127.0.0.1", "localhost"):
        raise OSError("benchmark: connection to %r refused (127.0.0.1 only)" % (address,))
    return _connect(self, address, *a, **k)
socket.socket.connect = guarded
import morss
from morss.cli import cli_app
sys.argv = ["morss"] + sys.argv[1:]
cli_app()
"""


def morss_version(python):
    proc = subprocess.run([str(python), "-c", "import morss; print(morss.__version__)"],
                          capture_output=True, text=True, timeout=120)
    return proc.stdout.strip() or f"? ({proc.stderr.strip()[-200:]})"


def run_morss(python, base, n, tmp):
    env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "TMPDIR": tmp,
           "MAX_ITEM": "-1", "MAX_TIME": "-1", "LIM_ITEM": "-1", "LIM_TIME": "-1",
           "no_proxy": "*", "NO_PROXY": "*"}
    cpu, start = child_cpu(), time.perf_counter()
    proc = subprocess.run([str(python), "-c", MORSS_WRAPPER, "--format", "rss",
                           f"{base}/feed.xml"],
                          capture_output=True, text=True, timeout=TIMEOUT_S, env=env, cwd=tmp)
    wall, cpu = time.perf_counter() - start, child_cpu() - cpu
    bodies, notes = {}, []
    if proc.returncode != 0:
        notes.append(f"exit {proc.returncode}")
    notes += [line for line in proc.stderr.splitlines() if line.strip()][-20:]
    content_tag = "{http://purl.org/rss/1.0/modules/content/}encoded"
    try:
        root = ET.fromstring(proc.stdout.encode("utf-8"))
    except ET.ParseError as exc:
        notes.append(f"output is not XML: {exc}")
        return (wall, cpu), bodies, notes, ""
    for item in root.iter("item"):
        page_id = item_id(item.findtext("link"), item.findtext("guid"))
        if page_id:
            # the full text replaces the item's content (content:encoded); without it the
            # item still has only its description (the teaser)
            bodies[page_id] = item.findtext(content_tag) or item.findtext("description") or ""
    return (wall, cpu), bodies, notes, ""


# --- scoring and report ---------------------------------------------------------------

def score(evaluate, ids, pages, bodies, n_resamples):
    scores, per_page, teaser_only = [], {}, 0
    for page_id in ids:
        truth = pages[page_id]["truth"]
        text = html_to_text(bodies.get(page_id, ""))
        is_teaser = bool(text) and (evaluate.TOKEN.findall(text)
                                    == evaluate.TOKEN.findall(teaser_of(truth)))
        if is_teaser:  # not enriched: the input's teaser is no extracted body
            teaser_only += 1
        body = "" if is_teaser else text
        precision, recall, exact = evaluate.page_score(truth, body)
        scores.append((precision, recall, exact))
        per_page[page_id] = {"precision": precision, "recall": recall,
                             "in_output": page_id in bodies, "teaser_only": is_teaser,
                             "chars": len(body), "html_bytes": len(pages[page_id]["html"])}
    metrics, f1_samples = evaluate.with_bootstrap(scores, n_resamples)
    metrics["empty"] = sum(1 for s in scores if s[0] is None)
    metrics["missing"] = sum(1 for i in ids if i not in bodies)
    metrics["teaser"] = teaser_only
    return metrics, per_page, f1_samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=40, help="first N pages by id (default 40)")
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--feedgen", type=Path, default=ROOT / "target" / "release" / "feedgen")
    parser.add_argument("--morss-python", type=Path,
                        default=ROOT / ".morss-venv" / "bin" / "python")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool; wall = median")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=ROOT / "target" / "enrich-vs-morss.json")
    args = parser.parse_args()

    evaluate = load_evaluate(args.bench)
    ids, pages = load_pages(args.bench, args.limit)
    n = len(ids)
    mb = sum(len(p["html"]) for p in pages.values()) / 1e6
    tools = {
        "feedgen": (lambda base, tmp: run_feedgen(args.feedgen, base, n, tmp),
                    subprocess.run([str(args.feedgen), "--version"], capture_output=True,
                                   text=True, timeout=60).stdout.strip() or "?"),
        "morss": (lambda base, tmp: run_morss(args.morss_python, base, n, tmp),
                  morss_version(args.morss_python)),
    }
    f1s = {}
    report = {"pages": n, "mb_html": mb, "teaser_words": TEASER_WORDS,
              "teaser_max_chars": TEASER_CHARS, "tools": {}}
    print(f"{n} pages, {mb:.1f} MB of HTML, teasers of {TEASER_WORDS} words "
          f"(max {TEASER_CHARS} chars)", flush=True)
    with Server(ids, pages) as server:
        for name, (run, version) in tools.items():
            walls, first = [], None
            for r in range(args.repeat):
                server.phase = f"{name}#{r}"
                with tempfile.TemporaryDirectory(prefix=f"enrich-{name}-") as tmp:
                    try:
                        wall, bodies, notes, stats = run(server.base, tmp)
                    except subprocess.TimeoutExpired as exc:
                        wall, bodies, notes, stats = ((exc.timeout, None), {},
                                                      [f"timeout {exc.timeout}s"], "")
                walls.append(wall)
                if first is None:
                    first = (bodies, notes, stats, server.requests(server.phase))
            bodies, notes, stats, requests = first
            metrics, per_page, f1s[name] = score(evaluate, ids, pages, bodies,
                                                 args.bootstrap)
            cpus = [c for _, c in walls if c is not None]
            walls = [w for w, _ in walls]
            wall = statistics.median(walls)
            report["tools"][name] = {
                "version": version, **metrics, "wall_seconds": wall, "wall_runs": walls,
                "cpu_seconds": statistics.median(cpus) if cpus else None,
                "pages_per_s": n / wall if wall else None, "requests": requests,
                "notes": notes, "run_stats": stats, "per_page": per_page}

    print(f"\n{'tool':<9}{'version':<16}{'pages':>6}  {'F1':<14}{'precision':<14}"
          f"{'recall':<14}{'empty':>6}{'teaser':>7}{'missing':>8}{'wall s':>8}{'pages/s':>9}"
          f"{'cpu s':>7}")
    for name, m in report["tools"].items():
        def pm(key):
            return f"{m[key]:.3f}±{m[key + '_std']:.3f}  "
        cpu = f"{m['cpu_seconds']:>7.2f}" if m["cpu_seconds"] is not None else f"{'-':>7}"
        print(f"{name:<9}{m['version'][:15]:<16}{n:>6}  {pm('f1')}{pm('precision')}{pm('recall')}"
              f"{m['empty']:>6}{m['teaser']:>7}{m['missing']:>8}{m['wall_seconds']:>8.2f}"
              f"{m['pages_per_s']:>9.1f}{cpu}")
    for name, m in report["tools"].items():
        for note in m["notes"]:
            print(f"{name}: {note}")
        rq = m["requests"]
        print(f"{name}: {rq['total']} requests to the server, {rq['pages']} pages served"
              + (f", 404s: {', '.join(rq['not_found'])}" if rq["not_found"] else ""))
    base, *others = report["tools"]
    for name in others:  # same seed, same resampled pages: a paired difference
        diffs = [a - b for a, b in zip(f1s[name], f1s[base])]
        m = report["tools"][name]
        m["f1_minus_" + base] = m["f1"] - report["tools"][base]["f1"]
        m["f1_minus_" + base + "_std"] = evaluate.std(diffs)
        print(f"F1 {name} minus {base}: {m['f1_minus_' + base]:+.3f} ± {evaluate.std(diffs):.3f}"
              " (paired bootstrap)")
    big = [i for i in ids if len(pages[i]["html"]) > MORSS_SIZE_LIMIT]
    if big and "morss" in report["tools"]:
        left = sum(1 for i in big if report["tools"]["morss"]["per_page"][i]["precision"] is None)
        print(f"{len(big)} pages are larger than morss's download cap (500 KiB, the rest is cut "
              f"off); morss has no body for {left} of them")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
