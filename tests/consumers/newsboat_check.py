#!/usr/bin/env python3
"""Subscribes the newsboat feed reader to each feed file and checks that every entry of the
feed arrived in newsboat's cache with a title and a link.

Usage: newsboat_check.py FILE...

Per file it prints one line, `PASS newsboat FILE: ...`, `FAIL newsboat FILE: problems` or
`SKIP newsboat FILE: why`. Each file gets its own throwaway HOME, urls file, config and
cache, so the user's own newsboat setup is never read or touched. newsboat reads the file
through a file:// URL (it needs no server for that) and runs `-x reload`; the entries it
stored are then read from its sqlite cache.

JSON Feed is skipped: newsboat 2.x reads RSS and Atom only.

Exit status: 0 when nothing failed, 1 when a file failed, 3 when newsboat is not installed.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

ATOM_NS = "{http://www.w3.org/2005/Atom}"
RELOAD_TIMEOUT_SECS = 60
MAX_PROBLEMS_SHOWN = 8


def feed_entries(data):
    """(title, link) of every entry as the file states them, read without newsboat, so what
    newsboat stored can be held against it. Raises ET.ParseError on malformed XML."""
    root = ET.fromstring(data)
    entries = []
    if root.tag == "rss":
        for item in root.iterfind("channel/item"):
            link = (item.findtext("link") or "").strip()
            guid = item.find("guid")
            # RSS 2.0: a guid that is a permalink stands in for a missing <link>.
            if not link and guid is not None and guid.get("isPermaLink", "true") == "true":
                link = (guid.text or "").strip()
            entries.append(((item.findtext("title") or "").strip(), link))
    elif root.tag == ATOM_NS + "feed":
        for entry in root.iterfind(ATOM_NS + "entry"):
            link = ""
            for el in entry.iterfind(ATOM_NS + "link"):
                if el.get("rel", "alternate") == "alternate":
                    link = (el.get("href") or "").strip()
                    break
            entries.append(((entry.findtext(ATOM_NS + "title") or "").strip(), link))
    else:
        raise ValueError(f"root element <{root.tag}> is neither RSS nor Atom")
    return entries


def absolute(url):
    p = urlparse(url or "")
    return bool(p.scheme) and bool(p.netloc)


def newsboat_items(data):
    """Runs newsboat on a private copy of the file; returns the (title, url) rows it stored."""
    with tempfile.TemporaryDirectory(prefix="feedgen-newsboat-") as tmp:
        feed = os.path.join(tmp, "feed.xml")
        with open(feed, "wb") as f:
            f.write(data)
        urls = os.path.join(tmp, "urls")
        with open(urls, "w") as f:
            f.write("file://" + feed + "\n")
        config = os.path.join(tmp, "config")
        open(config, "w").close()
        cache = os.path.join(tmp, "cache.db")
        env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "XDG_DATA_HOME": tmp}
        p = subprocess.run(
            ["newsboat", "-u", urls, "-c", cache, "-C", config, "-x", "reload"],
            capture_output=True, timeout=RELOAD_TIMEOUT_SECS, env=env, cwd=tmp)
        if p.returncode != 0:
            tail = (p.stderr or p.stdout).decode("utf-8", "replace").strip()[-300:]
            raise RuntimeError(f"newsboat exited with {p.returncode}: {tail}")
        con = sqlite3.connect(cache)
        try:
            return con.execute("SELECT title, url FROM rss_item ORDER BY id").fetchall()
        finally:
            con.close()


def check_file(path):
    """(status, detail) for one file; status is PASS, FAIL or SKIP."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return "FAIL", f"cannot read: {e}"
    if data.lstrip()[:1] == b"{":
        return "SKIP", "JSON Feed: newsboat reads RSS and Atom only"
    rows = newsboat_items(data)
    try:
        expected = feed_entries(data)
    except (ET.ParseError, ValueError) as e:
        return "FAIL", f"not a well-formed RSS or Atom file ({e}); newsboat stored {len(rows)} entries"
    problems = []
    if not expected:
        problems.append("the feed has no entries")
    if len(rows) != len(expected):
        problems.append(f"newsboat stored {len(rows)} entries, the feed has {len(expected)}")
    for n, (title, url) in enumerate(rows, 1):
        if not title:
            problems.append(f"entry {n} ({url!r}): newsboat shows no title")
        if not url:
            problems.append(f"entry {n} ({title[:40]!r}): newsboat shows no link")
        elif not absolute(url):
            problems.append(f"entry {n} ({title[:40]!r}): newsboat's link {url!r} is not a URL")
    stored = {url for _, url in rows}
    for n, (title, link) in enumerate(expected, 1):
        if not link:
            problems.append(f"feed entry {n} ({title[:40]!r}) has no link")
        elif link not in stored:
            problems.append(f"feed entry {n}: its link {link!r} is not among those newsboat shows")
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown += f"; and {len(problems) - MAX_PROBLEMS_SHOWN} more"
        return "FAIL", shown
    return "PASS", f"{len(rows)} entries, each with title and link"


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if not shutil.which("newsboat"):
        print("newsboat is not installed (bash scripts/setup-test-tools.sh installs it)",
              file=sys.stderr)
        return 3
    failed = False
    for path in paths:
        try:
            status, detail = check_file(path)
        except (OSError, RuntimeError, sqlite3.Error, subprocess.TimeoutExpired) as e:
            status, detail = "FAIL", f"{type(e).__name__}: {e}"
        failed |= status == "FAIL"
        print(f"{status} newsboat {path}: {detail}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
