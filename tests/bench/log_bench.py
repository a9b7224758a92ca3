#!/usr/bin/env python3
"""Log viewer benchmark: time to the first screen of a huge log's tail, and memory, in Baton's
log viewer (build/tests/bench/log_bench, the real LogViewer offscreen) against `tail -n 100` in
the same run.

Usage: tests/bench/log_bench.py [BUILD_DIR] [--sizes-mb 100,1024] [--keep]

Generates logs in the supervisor's record format (mostly stdout, a stderr warning every 997
lines, one ERROR near the end, a unique marker in the last megabyte) under $TMPDIR, runs the
viewer on each size and prints a table. The page cache is warm (the files were just written), as
for a log an operator opens while its task runs.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def generate(path, megabytes):
    target = megabytes * 1024 * 1024
    stamp = b"2026-11-23T20:05:01.123Z"
    lines = []
    for i in range(20000):
        if i % 997 == 996:
            lines.append(stamp + b" E   warning: slow response from ledger (%d ms)\n" % (900 + i % 300))
        else:
            lines.append(stamp + b" O   load: batch %d committed, %d rows, checksum %08x\n"
                         % (i, i * 25, (i * 2654435761) & 0xFFFFFFFF))
    block = b"".join(lines)
    written = 0
    with open(path, "wb") as f:
        while written + len(block) < target - 2 * 1024 * 1024:
            f.write(block)
            written += len(block)
        tail = block[: 1024 * 1024]
        f.write(tail)
        f.write(stamp + b" E   ERROR: ledger rejected batch 99999 (constraint violation)\n")
        f.write(stamp + b" O   bench-marker-end reached\n")
        f.write(tail)
        written += 2 * len(tail)
    return os.path.getsize(path)


def run_viewer(binary, path):
    out = subprocess.run([binary, path, "bench-marker-end"], check=True, capture_output=True,
                         text=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_tail(path, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(["tail", "-n", "100", path], check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    # Its peak memory from GNU time when installed (a forked child's own rusage would count
    # Python's pages).
    peak = 0
    if os.path.exists("/usr/bin/time"):
        out = subprocess.run(["/usr/bin/time", "-f", "%M", "tail", "-n", "100", path],
                             check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
        peak = int(out.stderr.strip().splitlines()[-1])
    return statistics.median(times), peak


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    build = args[0] if args else "build"
    sizes = [100, 1024]
    if "--sizes-mb" in sys.argv:
        sizes = [int(s) for s in sys.argv[sys.argv.index("--sizes-mb") + 1].split(",")]
    binary = os.path.join(build, "tests", "bench", "log_bench")
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found: build it with cmake --build --preset default "
                 "--target log_bench")
    workdir = tempfile.mkdtemp(prefix="baton-log-bench-")
    rows = []
    try:
        for mb in sizes:
            path = os.path.join(workdir, f"log-{mb}mb")
            size = generate(path, mb)
            tail_ms, tail_peak = run_tail(path)
            runs = [run_viewer(binary, path) for _ in range(3)]
            best = min(runs, key=lambda r: r["first_screen_ms"])
            rows.append((mb, size, best, statistics.median(r["first_screen_ms"] for r in runs),
                         tail_ms, tail_peak))
            if "--keep" not in sys.argv:
                os.remove(path)
    finally:
        if "--keep" not in sys.argv:
            for name in os.listdir(workdir):
                os.remove(os.path.join(workdir, name))
            os.rmdir(workdir)

    print(f"{'log':>8} {'lines':>11} {'first screen':>13} {'tail -n 100':>12} {'ratio':>6} "
          f"{'first error':>12} {'find at end':>12} {'index done':>11} "
          f"{'viewer RSS +':>13} {'peak RSS':>9}")
    for mb, size, r, median_ms, tail_ms, _ in rows:
        grown = (r["rss_end_kib"] - r["rss_before_kib"]) / 1024
        print(f"{size / 2**20:>6.0f}MB {r['lines']:>11,} {median_ms:>10.1f} ms {tail_ms:>9.1f} ms "
              f"{median_ms / tail_ms:>5.1f}x {r['first_error_ms']:>9.0f} ms "
              f"{r['find_ms']:>9.0f} ms {r['index_done_ms'] / 1000:>9.2f} s "
              f"{grown:>10.1f} MiB {r['peak_rss_kib'] / 1024:>6.1f} MiB")
    if rows[-1][5]:
        print("tail -n 100 peak RSS: " + ", ".join(
            f"{r[5] / 1024:.1f} MiB at {r[1] / 2**20:.0f} MB" for r in rows))
    if len(rows) > 1:
        small, large = rows[0][2], rows[-1][2]
        print(f"peak RSS {large['peak_rss_kib'] / 1024:.1f} MiB at {rows[-1][1] / 2**20:.0f} MB vs "
              f"{small['peak_rss_kib'] / 1024:.1f} MiB at {rows[0][1] / 2**20:.0f} MB "
              f"(ratio {large['peak_rss_kib'] / small['peak_rss_kib']:.2f} for "
              f"{rows[-1][1] / rows[0][1]:.0f}x the size)")


if __name__ == "__main__":
    main()
