#!/usr/bin/env python3
"""stop-facts.py JSON: a catchpoint stop's --json rows as facts, one per
line, for the catch tests (t5023, t5024) to look up with awk.

  why WHY                      the headline's why and detail
  detail DETAIL
  frame N                      the selected frame's number
  culprit FUNC LINE            the selected frame
  log LINE | LINE ...          the kernel log lines of the report
  catchstop NUM CULPRIT REASON the `catch` command's row of the last stop
  kmem WHAT NAME STATE         each kmem row
  track WHAT BY FUNC LINE      a kmem track's first frame outside include/
                               (kzalloc and kmalloc are inlined from there)
"""
import json
import sys


def main():
    rows = []
    with open(sys.argv[1], errors="replace") as f:
        for line in f:
            if line.startswith("{"):
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    pass
    head = next((r for r in rows if r["kind"] == "headline"), {})
    print("why", head.get("why"))
    print("detail", head.get("detail"))
    print("frame", head.get("frame"))
    frames = [r for r in rows if r["kind"] == "frame"]
    sel = head.get("frame")
    if sel is not None and sel < len(frames):
        print("culprit", frames[sel]["func"], frames[sel]["line"])
    print("log", " | ".join(r["text"] for r in rows if r["kind"] == "log"))
    stop = next((r for r in rows if r["kind"] == "catchstop"), {})
    print("catchstop", stop.get("num"), stop.get("culprit"),
          stop.get("reason"))
    track, by, n = None, None, 0
    for r in rows:
        if r["kind"] == "kmem":
            print("kmem", r.get("what"), r.get("name"), r.get("state"))
        elif r["kind"] == "track":
            track, n, by = r["what"], 0, r.get("by")
        elif r["kind"] == "frame" and track:
            if n == 0 and "include/" not in (r.get("file") or ""):
                print("track", track, by, r["func"], r["line"])
                n += 1
        else:
            track = None


if __name__ == "__main__":
    main()
