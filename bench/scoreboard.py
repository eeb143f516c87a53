"""Builds the scoreboard table from the reports the peer harnesses wrote
(their results.md) and the project's own benchmark outputs, and puts it
into README.md between the scoreboard markers.

  scoreboard.py README.md MACHINE blog.md chat.md queue.md own.txt

A report that is missing or has no table gives a row saying so."""

import re
import sys
import time

BEGIN = "<!-- scoreboard: written by bench/scoreboard.sh -->"
END = "<!-- /scoreboard -->"


def tables(path):
    """{heading: [row dicts]} of every markdown table in a report."""
    try:
        text = open(path).read()
    except OSError:
        return {}
    out, heading, cols = {}, "", None
    for line in text.splitlines():
        if line.startswith("#"):
            heading, cols = line.lstrip("# ").strip(), None
        elif line.startswith("|"):
            cells = [c.strip().replace("**", "")
                     for c in line.strip().strip("|").split("|")]
            if cols is None:
                cols = [c.lower() for c in cells]
                out.setdefault(heading, [])
            elif not set("".join(cells)) <= set("-: "):
                out[heading].append(dict(zip(cols, cells)))
        else:
            cols = None
    return out


def number(s):
    m = re.search(r"-?[\d,]+(\.\d+)?", s or "")
    return float(m.group(0).replace(",", "")) if m else None


def find(tabs, prefix):
    for h, rows in tabs.items():
        if h.lower().startswith(prefix.lower()):
            return rows
    return []


def compare(rows, key, col, higher=True, group=None):
    """Rows: (what, Agora's value, best peer and its value, ratio)."""
    groups = {}
    for r in rows:
        # "blog ⚠" (a busy machine flagged) is still the blog row.
        g = r.get(group, "").split(" ")[0] if group else ""
        groups.setdefault(g, []).append(r)
    out = []
    for g, rs in groups.items():
        ours = [r for r in rs if "agora" in r.get(key, "").lower()]
        peers = [r for r in rs if "agora" not in r.get(key, "").lower()
                 and number(r.get(col)) is not None]
        if not ours:
            continue
        a = number(ours[0].get(col))
        best = (max if higher else min)(peers, key=lambda r: number(r[col]),
                                        default=None)
        if a is None or best is None:
            out.append((g, ours[0].get(col, "?"), "no peer", "–"))
            continue
        b = number(best[col])
        ratio = (a / b if higher else b / a) if a and b else 0
        out.append((g, ours[0][col], f"{best[key]} {best[col]}",
                    f"{ratio:.1f}×"))
    return out


def main():
    readme, machine, blog, chat, queue, own = sys.argv[1:7]
    lines = [BEGIN, "",
             f"Measured {time.strftime('%Y-%m-%d')} on {machine} by "
             "`bench/scoreboard.sh` (one run of each harness; the machine "
             "may have been shared). Ratio: Agora ÷ the best peer (above "
             "1×: Agora ahead; for latency, the peer's ÷ Agora's).", "",
             "| harness | measure | Agora | best peer | ratio |",
             "|---|---|--:|---|--:|"]

    def add(harness, measure, rows):
        if not rows:
            lines.append(f"| {harness} | {measure} | not measured yet | | |")
        for g, a, b, r in rows:
            m = f"{measure} {g}".strip()
            lines.append(f"| {harness} | {m} | {a} | {b} | {r} |")

    t = tables(blog)
    add("blog index (`../shared/peers`)", "req/s",
        compare(find(t, "HTTP throughput"), "target", "req/s",
                group="endpoint"))
    t = tables(chat)
    add("chat (`../shared/peers/chat`)", "p99 ms at 200 msg/s",
        compare(find(t, "Main scenario"), "target", "p99 ms", higher=False))
    add("chat (`../shared/peers/chat`)", "highest msg/s held",
        compare(find(t, "Ramp"), "target", "highest messages/s held"))
    t = tables(queue)
    rows = find(t, "Results")
    add("job queue (`../shared/peers/queue`)", "end to end jobs/s",
        compare(rows, "target", "end to end, jobs/s"))
    add("job queue (`../shared/peers/queue`)", "Redis cmds / job",
        compare(rows, "target", "redis cmds / job", higher=False))
    try:
        own_lines = [l.strip() for l in open(own) if l.strip()]
    except OSError:
        own_lines = []
    lines += ["", "The project's own benchmarks (`bench/queue.sh`, its last run):",
              ""]
    lines += [f"    {l}" for l in own_lines] or ["    (not run)"]
    lines += ["", END]

    text = open(readme).read()
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + \
            text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## Scoreboard\n\n" + block + "\n"
    open(readme, "w").write(text)


if __name__ == "__main__":
    main()
