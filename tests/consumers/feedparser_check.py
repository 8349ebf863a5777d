#!/usr/bin/env python3
"""Reads each feed file with feedparser, the Python parser behind many feed readers and
services, and fails when a reader built on it would show something broken.

Usage: feedparser_check.py FILE...

Per file it prints one line, `PASS feedparser FILE: ...` or `FAIL feedparser FILE: problems`.
A file fails when feedparser flags it as malformed (bozo), when the feed has no title or link
or no entries, when an entry lacks a title, link, id or a date feedparser can parse, or when
the format feedparser detects is not the one the file is written in (rss20, atom10, json1x).

JSON Feed: feedparser 6.0 does not read it (it reports a JSON file as malformed XML). When the
installed feedparser does read it (it then reports a `json1*` version) its result is checked
like any other; otherwise this script checks the JSON Feed 1.1 fields a reader needs itself.

Exit status: 0 when every file passed, 1 when one failed, 3 when feedparser is not installed.
"""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from datetime import datetime

ATOM_NS = "{http://www.w3.org/2005/Atom}"
# What each file extension promises, so a `.atom` file that holds RSS fails (`.xml` may be
# either).
EXTENSION_FORMATS = {".rss": "rss20", ".atom": "atom10", ".json": "json1x"}
MAX_PROBLEMS_SHOWN = 8
# The format of malformed XML that no file name vouches for: feedparser's verdict is not
# held against anything then.
MALFORMED = "malformed"


def written_format(data, path):
    """The format the file itself is written in, read from its first bytes or root element,
    so it can be held against what feedparser detects. None when it is none of the three."""
    if data.lstrip()[:1] == b"{":
        return "json1x"
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        # Malformed XML: only the file name can say; feedparser's bozo flag reports the rest.
        return EXTENSION_FORMATS.get(os.path.splitext(path)[1], MALFORMED)
    if root.tag == "rss" and root.get("version") == "2.0":
        return "rss20"
    if root.tag == ATOM_NS + "feed":
        return "atom10"
    return None


def same_format(detected, expected):
    # feedparser names JSON Feed versions json1 / json11; the file only says "some 1.x".
    if expected == "json1x":
        return (detected or "").startswith("json1")
    return detected == expected


def check_parsed(d):
    """Problems in a feedparser result, in the words a reader's user would see them."""
    problems = []
    if d.get("bozo"):
        problems.append(f"malformed (bozo): {d.get('bozo_exception')}")
    if not d.feed.get("title"):
        problems.append("feed has no title")
    if not d.feed.get("link"):
        problems.append("feed has no link")
    if not d.entries:
        problems.append("feed has no entries")
    for n, entry in enumerate(d.entries, 1):
        for field in ("title", "link", "id"):
            if not entry.get(field):
                problems.append(f"entry {n}: no {field}")
        if not (entry.get("published_parsed") or entry.get("updated_parsed")):
            problems.append(f"entry {n}: no date feedparser can parse")
    return problems


def rfc3339(value):
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_json_feed(data):
    """JSON Feed 1.1's required fields (version, title, items; an id per item) and what a
    reader needs to list an item (title, url, a date), since this feedparser cannot say."""
    try:
        doc = json.loads(data)
    except ValueError as e:
        return [f"not valid JSON: {e}"], 0
    if not isinstance(doc, dict):
        return ["top level is not a JSON object"], 0
    problems = []
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version is {doc.get('version')!r}, not JSON Feed 1.1")
    if not isinstance(doc.get("title"), str) or not doc.get("title"):
        problems.append("feed has no title")
    if not isinstance(doc.get("home_page_url"), str) or not doc.get("home_page_url"):
        problems.append("feed has no link (home_page_url)")
    items = doc.get("items")
    if not isinstance(items, list):
        return problems + ["no items array"], 0
    if not items:
        problems.append("feed has no entries")
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.append(f"entry {n}: not a JSON object")
            continue
        if not isinstance(item.get("id"), str) or not item.get("id"):
            problems.append(f"entry {n}: no id (a non-empty string)")
        for field, name in (("title", "title"), ("url", "link")):
            if not isinstance(item.get(field), str) or not item.get(field):
                problems.append(f"entry {n}: no {name}")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"entry {n}: neither content_html nor content_text")
        dates = [item[k] for k in ("date_published", "date_modified") if k in item]
        if not dates:
            problems.append(f"entry {n}: no date")
        for value in dates:
            if not rfc3339(value):
                problems.append(f"entry {n}: date is not RFC 3339: {value!r}")
    return problems, len(items)


def check_file(feedparser, path):
    """(passed, detail) for one file."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return False, f"cannot read: {e}"
    expected = written_format(data, path)
    if expected is None:
        return False, "not an RSS 2.0, Atom 1.0 or JSON Feed file"
    extension = os.path.splitext(path)[1]
    claimed = EXTENSION_FORMATS.get(extension)
    named_wrong = []
    if claimed not in (None, expected) and expected != MALFORMED:
        named_wrong.append(f"named {extension} but written as {expected}")
    d = feedparser.parse(data)
    detected = d.get("version") or ""
    if expected == "json1x" and not detected.startswith("json"):
        problems, count = check_json_feed(data)
        detail = (f"feedparser {feedparser.__version__} does not read JSON Feed; "
                  f"JSON Feed 1.1 fields checked here, {count} entries")
    else:
        problems = check_parsed(d)
        if expected != MALFORMED and not same_format(detected, expected):
            problems.insert(0, f"feedparser reads it as {detected or 'nothing it knows'}, "
                               f"the file is {expected}")
        count = len(d.entries)
        detail = f"{detected}, {count} entries"
    problems = named_wrong + problems
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown += f"; and {len(problems) - MAX_PROBLEMS_SHOWN} more"
        return False, shown
    return True, detail


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import feedparser
    except ImportError:
        print(f"feedparser is not installed for {sys.executable} "
              "(bash scripts/setup-test-tools.sh installs it)", file=sys.stderr)
        return 3
    failed = False
    for path in paths:
        try:
            passed, detail = check_file(feedparser, path)
        except Exception as e:  # a crash in the parser is a finding about the file
            passed, detail = False, f"feedparser crashed: {type(e).__name__}: {e}"
        failed |= not passed
        print(f"{'PASS' if passed else 'FAIL'} feedparser {path}: {detail}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
