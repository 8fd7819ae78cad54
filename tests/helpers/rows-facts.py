#!/usr/bin/env python3
"""rows-facts.py JSON: umdbg's --json rows as facts, one per line, for a
shell test to look up with awk (t5022).  Rows of the stop report (before
the first command's output) are skipped: everything from the first row of
kind kmem, slabcache, page, zone, buddy, config or value on.

  kmem I FIELD VALUE            the I-th kmem row (from 0)
  kmem I TRACK N FUNC FILE LINE frame N of its allocated/freed track
                                (FILE: the base name)
  slabcache NAME FIELD VALUE
  slab CACHE I FIELD VALUE      the I-th slab row after cache CACHE
  object ADDR STATE             slab -o's objects
  page I FIELD VALUE
  zone NAME PRESENT PCP
  buddy ZONE ORDER FREE
  task PID COMM RUNNING
  value EXPR VALUE
"""
import json
import os
import sys

START = {"kmem", "slabcache", "page", "zone", "buddy", "config", "value"}


def main():
    rows = []
    with open(sys.argv[1], errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    pass
    i = next((n for n, r in enumerate(rows) if r["kind"] in START),
             len(rows))
    kmem = page = -1
    track = None
    frame = 0
    cache = None
    slab = 0
    for r in rows[i:]:
        k = r["kind"]
        if k != "frame":
            track = None if k != "track" else track
        if k == "kmem":
            kmem += 1
            for f, v in r.items():
                if f != "kind" and v is not None:
                    print("kmem", kmem, f, v)
        elif k == "track":
            track, frame = r["what"], 0
        elif k == "frame" and track is not None:
            print("kmem", kmem, track, frame, r.get("func") or "?",
                  os.path.basename(r.get("file") or "?"), r.get("line"))
            frame += 1
        elif k == "slabcache":
            cache, slab = r["name"], 0
            for f, v in r.items():
                if f not in ("kind", "name") and v is not None:
                    print("slabcache", cache, f, v)
        elif k == "slab":
            for f, v in r.items():
                if f != "kind" and v is not None:
                    print("slab", cache, slab, f, v)
            slab += 1
        elif k == "object":
            print("object", r["addr"], r["state"])
        elif k == "page":
            page += 1
            for f, v in r.items():
                if f != "kind" and v is not None:
                    print("page", page, f, v if v != "" else "-")
        elif k == "zone":
            print("zone", r["name"], r["present"], r["pcp"])
        elif k == "buddy":
            print("buddy", r["zone"], r["order"], r["free"])
        elif k == "task":
            print("task", r["pid"], r["comm"], r["running"])
        elif k == "value":
            print("value", r["expr"], r["value"])


main()
