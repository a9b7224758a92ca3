#!/usr/bin/env python3
"""Engine benchmark: 100 independent chains of 10 `true` tasks (1,000 tasks), parallelism 2.

Runs the same graph through `baton run --wait` (every transition persisted in SQLite, and again
in a team workspace on PostgreSQL), ninja -j2, GNU make -j2 and snakemake -j2 (each when
installed), prints wall times and ratios, Baton's per-task overhead (dependencies met -> process
running) p50/p99, and the engine's peak memory at 1,000 and 10,000 tasks.

Usage: engine_bench.py BATON_BINARY [--chains N] [--length N] [--repeat N] [--settle S]
                       [--only-tmpdir] [--no-postgresql]

Baton, ninja and make run --repeat times (default 5), alternating, each Baton run on a fresh
workspace; the medians are compared (snakemake, ~10 s a run, runs once). The PostgreSQL pass
(unless --no-postgresql, or no server is installed) runs on a local PostgreSQL 15 server the
benchmark starts itself (tests/support/pg-server.sh) with the server's shipped durability
(fsync and synchronous_commit on), each run on a fresh database. All of it twice: with
the files under $TMPDIR (/tmp: a disk on Debian), then under /dev/shm (RAM), unless
--only-tmpdir or $TMPDIR is a tmpfs already.
"""
import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time


def write_project(path, chains, length):
    lines = ["project: bench", "jobs:", "  - {name: noop, command: \"true\"}",
             "pipelines:", "  - name: chains", "    tasks:"]
    for c in range(chains):
        for i in range(length):
            if i == 0:
                lines.append(f"      - {{name: c{c}_{i}, job: noop}}")
            else:
                lines.append(f"      - {{name: c{c}_{i}, job: noop, after: [c{c}_{i-1}]}}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def timed(cmd, cwd=None, env=None):
    """Wall seconds and peak RSS (KiB) of one command, measured in a fresh child."""
    probe = ("import resource,subprocess,sys,time,json;"
             "t=time.perf_counter();r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,"
             "stderr=subprocess.PIPE);w=time.perf_counter()-t;"
             "m=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
             "print(json.dumps([r.returncode,w,m,r.stderr.decode(errors='replace')[-2000:]]))")
    out = subprocess.run([sys.executable, "-c", probe] + cmd, cwd=cwd, env=env,
                         capture_output=True, text=True, check=True).stdout
    import json
    rc, wall, rss, err = json.loads(out)
    if rc != 0:
        raise RuntimeError(f"{cmd[0]} exited {rc}: {err}")
    return wall, rss


def baton_run(baton, chains, length, workdir, tag=""):
    ws = os.path.join(workdir, f"ws-{chains}x{length}{tag}")
    yaml = os.path.join(workdir, f"bench-{chains}x{length}{tag}.yaml")
    write_project(yaml, chains, length)
    subprocess.run([baton, "--workspace", ws, "import", yaml], check=True,
                   stdout=subprocess.DEVNULL)
    # Without --json: the figure is the engine's, not that of printing 10,000 tasks as JSON.
    wall, rss = timed([baton, "--workspace", ws, "run", "bench/chains", "--parallelism", "2",
                       "--wait"])
    db = sqlite3.connect(os.path.join(ws, "baton.db"))
    state = db.execute("SELECT state FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    if state != "succeeded":
        raise RuntimeError(f"baton run ended {state}")
    rows = db.execute(
        "SELECT a.running_at_us - t.ready_at_us FROM task_attempts a JOIN task_runs t "
        "ON t.id = a.task_run_id WHERE a.running_at_us IS NOT NULL AND t.ready_at_us > 0"
    ).fetchall()
    transitions = db.execute("SELECT count(*) FROM task_attempts").fetchone()[0]
    db.close()
    overhead_ms = sorted(r[0] / 1000.0 for r in rows)
    return wall, rss, overhead_ms, transitions


PG_BIN = os.environ.get("BATON_PG_BIN", "/usr/lib/postgresql/15/bin")
PG_SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support",
                         "pg-server.sh")


class PgServer:
    """A throw-away local PostgreSQL server (pg-server.sh), durable as shipped."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "pg")
        env = dict(os.environ, BATON_PG_FSYNC="on")
        subprocess.run([PG_SERVER, "start", self.dir], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(self.dir, "url")) as f:
            self.url = f.read().strip()
        self.port = self.url.rsplit(":", 1)[1]
        self.count = 0

    def psql(self, db, sql):
        out = subprocess.run([os.path.join(PG_BIN, "psql"), "-h", "127.0.0.1", "-p", self.port,
                              "-U", "postgres", "-d", db, "-At", "-v", "ON_ERROR_STOP=1",
                              "-c", sql], check=True, capture_output=True, text=True).stdout
        return [line.split("|") for line in out.splitlines() if line]

    def new_database(self):
        self.count += 1
        name = f"bench_{os.getpid()}_{self.count}"
        self.psql("postgres", f"CREATE DATABASE {name}")
        return name

    def stop(self):
        subprocess.run([PG_SERVER, "stop", self.dir], stdout=subprocess.DEVNULL)
        shutil.rmtree(os.path.dirname(self.dir), ignore_errors=True)


def baton_run_pg(baton, server, chains, length, workdir, tag=""):
    """As baton_run, on a new database of @server: the run files under workdir (HOME)."""
    db = server.new_database()
    ws = f"{server.url}/{db}"
    yaml = os.path.join(workdir, f"bench-pg-{chains}x{length}{tag}.yaml")
    write_project(yaml, chains, length)
    # A team workspace keeps this machine's run files under ~/.local/share/baton/team: here, on
    # the same file system as the SQLite pass's workspaces.
    env = dict(os.environ, HOME=os.path.join(workdir, "home"))
    subprocess.run([baton, "--workspace", ws, "import", yaml], check=True,
                   stdout=subprocess.DEVNULL, env=env)
    wall, rss = timed([baton, "--workspace", ws, "run", "bench/chains", "--parallelism", "2",
                       "--wait"], env=env)
    state = server.psql(db, "SELECT state FROM baton.runs ORDER BY id DESC LIMIT 1")[0][0]
    if state != "succeeded":
        raise RuntimeError(f"baton run (PostgreSQL) ended {state}")
    rows = server.psql(
        db, "SELECT a.running_at_us - t.ready_at_us FROM baton.task_attempts a "
            "JOIN baton.task_runs t ON t.id = a.task_run_id "
            "WHERE a.running_at_us IS NOT NULL AND t.ready_at_us > 0")
    transitions = int(server.psql(db, "SELECT count(*) FROM baton.task_attempts")[0][0])
    server.psql("postgres", f"DROP DATABASE {db}")
    return wall, rss, sorted(int(r[0]) / 1000.0 for r in rows), transitions


def percentile(values, p):
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def ninja_run(chains, length, workdir):
    d = os.path.join(workdir, "ninja")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "build.ninja"), "w") as f:
        f.write("rule r\n  command = true\n")
        for c in range(chains):
            for i in range(length):
                dep = f" c{c}_{i-1}" if i else ""
                f.write(f"build c{c}_{i}: r{dep}\n")
    return timed(["ninja", "-j2", "-C", d], cwd=d)[0]


def make_run(chains, length, workdir):
    d = os.path.join(workdir, "make")
    os.makedirs(d, exist_ok=True)
    names = [f"c{c}_{length-1}" for c in range(chains)]
    with open(os.path.join(d, "Makefile"), "w") as f:
        all_targets = " ".join(f"c{c}_{i}" for c in range(chains) for i in range(length))
        f.write(f".PHONY: all {all_targets}\nall: {' '.join(names)}\n")
        for c in range(chains):
            for i in range(length):
                dep = f"c{c}_{i-1}" if i else ""
                f.write(f"c{c}_{i}: {dep}\n\t@true\n")
    return timed(["make", "-j2", "-s", "-C", d])[0]


def snakemake_run(chains, length, workdir):
    d = os.path.join(workdir, "snake")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "Snakefile"), "w") as f:
        finals = ", ".join(f"'out/c{c}_{length-1}'" for c in range(chains))
        f.write(f"rule all:\n    input: [{finals}]\n\n")
        f.write("rule first:\n    output: 'out/c{c}_0'\n    shell: 'true; touch {output}'\n\n")
        f.write("rule step:\n    input: lambda w: f'out/c{w.c}_{int(w.i)-1}'\n"
                "    output: 'out/c{c}_{i,[1-9][0-9]*}'\n    shell: 'true; touch {output}'\n")
    return timed(["snakemake", "-j2", "--quiet", "--cores", "2"], cwd=d)[0]


def filesystem_of(path):
    """The type of the file system holding path, from /proc/mounts (longest mount point)."""
    best, kind = "", "?"
    try:
        with open("/proc/mounts") as f:
            for line in f:
                parts = line.split()
                mnt = parts[1].replace("\\040", " ")
                if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) > len(best):
                    best, kind = mnt, parts[2]
    except OSError:
        pass
    return kind, best


FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_TOPDIR_FL = 0x80086601, 0x40086602, 0x00020000


def inode_cost_us(work, name, count=200):
    """Microseconds to create a directory or a file where an attempt could: next to the work
    directory, and in a run directory under a runs/ marked top-of-hierarchy as Baton marks it
    (ext4 then places the run directory in a block group of its choosing); the worse of the
    two. What an attempt pays per inode (its work directory and record, and its log when it
    writes anything), and ninja and make do not. Nothing is deleted here: deleting is what makes
    later creations slow."""
    runs = os.path.join(work, name)
    os.mkdir(runs)
    plain = _create_us(os.path.join(runs, "plain"), count)  # near the work directory itself
    fd = os.open(runs, os.O_RDONLY)
    try:
        import fcntl
        import struct
        flags = struct.unpack("i", fcntl.ioctl(fd, FS_IOC_GETFLAGS, struct.pack("i", 0)))[0]
        fcntl.ioctl(fd, FS_IOC_SETFLAGS, struct.pack("i", flags | FS_TOPDIR_FL))
    except OSError:
        pass  # not ext2/3/4: no such hint
    finally:
        os.close(fd)
    # Named as a workspace's first run directory and holding no directories (Orlov counts them),
    # so that ext4 picks for it the group it will pick for the benchmark's first run.
    return max(plain, _create_us(os.path.join(runs, "1"), count, dirs=False))


def _create_us(d, count, dirs=True):
    os.mkdir(d)
    t = time.perf_counter()
    for i in range(count):
        if dirs:
            os.mkdir(os.path.join(d, f"d{i}"))
        else:
            os.close(os.open(os.path.join(d, f"g{i}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        os.close(os.open(os.path.join(d, f"f{i}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    return (time.perf_counter() - t) / (2 * count) * 1e6


# ~20-35 us per inode on this VM's ext4 when nothing was deleted lately; 44 us (probed after a
# test suite and a benchmark's clean-up) still slowed Baton's runs down by half.
SLOW_US = 36


def settle(work, wait_s):
    """Probes the cost of a new inode; while it is far above normal, waits (up to wait_s) for
    the file system to settle. ext4 without a journal will not reuse an inode freed in the last
    1-5 minutes and skips such inodes one by one on every new file, so after many deletions
    nearby (a test suite, an earlier benchmark's clean-up) each file Baton creates costs up to
    ~1 ms more, which says nothing about Baton or its peers (ninja and make create none)."""
    kind, mnt = filesystem_of(os.path.realpath(work))
    probes = iter(range(1000))

    def probe():  # the worse of two, a moment apart: one can land on a clean spot
        first = inode_cost_us(work, f"fs-probe-{next(probes)}")
        time.sleep(2)
        return max(first, inode_cost_us(work, f"fs-probe-{next(probes)}"))

    cost, waited = probe(), 0
    while cost > SLOW_US and waited < wait_s:
        if waited == 0:
            print(f"  creating a file costs {cost:.0f} us on this {kind} file system right now "
                  f"(recently deleted inodes, see engine_bench.py): waiting up to {wait_s} s for "
                  f"it to settle (--settle 0: measure now)", flush=True)
        time.sleep(20)
        waited += 22
        cost = probe()
    note = f" after waiting {waited} s" if waited else ""
    print(f"  workspaces under {work}: {kind} file system (mounted on {mnt}); creating a file "
          f"or directory there costs {cost:.0f} us{note} (tmpfs: ~5 us)")
    if cost > SLOW_US:
        print("  NOTE: file creation is still slow here: Baton's figures on this file system are "
              "inflated by it (2 inodes per silent task); TMPDIR=/dev/shm measures without it.")
    return kind


def suite(args, n, work, server=None):
    """Baton (SQLite, and on PostgreSQL with @server), ninja, make (and snakemake) on the same
    graph with their files under work. Returns Baton's peak RSS (KiB) over its SQLite runs."""
    runs = {"baton": [], "baton-pg": [], "ninja": [], "make": []}
    overhead, pg_overhead, b_rss, attempts = [], [], 0, 0
    for r in range(args.repeat):
        b_wall, rss, ov, attempts = baton_run(os.path.abspath(args.baton), args.chains,
                                              args.length, work, f"-{r}")
        runs["baton"].append(b_wall)
        b_rss = max(b_rss, rss)
        overhead += ov
        if server:
            pg_wall, _, ov, _ = baton_run_pg(os.path.abspath(args.baton), server, args.chains,
                                             args.length, work, f"-{r}")
            runs["baton-pg"].append(pg_wall)
            pg_overhead += ov
        if shutil.which("ninja"):
            runs["ninja"].append(ninja_run(args.chains, args.length, work))
        if shutil.which("make"):
            runs["make"].append(make_run(args.chains, args.length, work))
    overhead.sort()
    pg_overhead.sort()
    walls = {tool: statistics.median(w) for tool, w in runs.items() if w}
    if shutil.which("snakemake"):
        try:
            walls["snakemake"] = snakemake_run(args.chains, args.length, work)
        except Exception as e:  # report, don't hide
            print(f"  snakemake failed: {e}")
    else:
        print("  snakemake: not installed (apt-get install snakemake), skipped")
    print(f"\n  medians of {args.repeat} runs (snakemake: 1); each tool's runs, in seconds:")
    for tool, w in runs.items():
        if w:
            print(f"    {tool:<8} " + " ".join(f"{x:.3f}" for x in w))
    print(f"\n  {'tool':<10} {'wall (s)':>9} {'baton / tool':>13}"
          + (f" {'baton-pg / tool':>16}" if "baton-pg" in walls else ""))
    for tool, wall in walls.items():
        print(f"  {tool:<10} {wall:9.3f} {walls['baton'] / wall:13.2f}x"
              + (f" {walls['baton-pg'] / wall:15.2f}x" if "baton-pg" in walls else ""))
    print(f"\n  baton: {attempts} attempts per run, every transition persisted")
    print(f"  overhead (dependencies met -> process running): "
          f"p50 {percentile(overhead, 50):.2f} ms, p99 {percentile(overhead, 99):.2f} ms "
          f"(target p50 <= 2 ms, p99 <= 10 ms)")
    if "ninja" in walls:
        r = walls["baton"] / walls["ninja"]
        print(f"  wall vs ninja: {r:.2f}x (target <= 1.5x) -> {'OK' if r <= 1.5 else 'MISSED'}")
    if "baton-pg" in walls:
        print(f"  PostgreSQL (a local server, fsync and synchronous_commit on as shipped): "
              f"overhead p50 {percentile(pg_overhead, 50):.2f} ms, "
              f"p99 {percentile(pg_overhead, 99):.2f} ms")
        if "ninja" in walls:
            r = walls["baton-pg"] / walls["ninja"]
            print(f"  PostgreSQL wall vs ninja: {r:.2f}x (target <= 2x) -> "
                  f"{'OK' if r <= 2 else 'MISSED'}")
    if "snakemake" in walls:
        r = walls["snakemake"] / walls["baton"]
        print(f"  snakemake / baton: {r:.1f}x (target >= 10x) -> {'OK' if r >= 10 else 'MISSED'}")
    return b_rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("baton")
    ap.add_argument("--chains", type=int, default=100)
    ap.add_argument("--length", type=int, default=10)
    ap.add_argument("--large-chains", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--settle", type=int, default=420,
                    help="seconds to wait at most for file creation to get back to normal")
    ap.add_argument("--only-tmpdir", action="store_true",
                    help="measure with the files under $TMPDIR only, not also on /dev/shm")
    ap.add_argument("--no-postgresql", action="store_true",
                    help="skip the pass on a local PostgreSQL server")
    args = ap.parse_args()
    n = args.chains * args.length
    print(f"engine benchmark: {args.chains} chains x {args.length} = {n} tasks of `true`, "
          f"parallelism 2, on {os.cpu_count()} cores")
    # Where the files go matters (each Baton attempt creates files, ninja and make create none):
    # $TMPDIR (by default /tmp: on Debian the root file system, a disk), then RAM (/dev/shm).
    places = [tempfile.gettempdir()]
    if not args.only_tmpdir and os.path.isdir("/dev/shm") and \
            filesystem_of(os.path.realpath(places[0]))[0] != "tmpfs":
        places.append("/dev/shm")
    b_rss = 0
    server = None
    if args.no_postgresql:
        pass
    elif not os.access(os.path.join(PG_BIN, "pg_ctl"), os.X_OK):
        print(f"  PostgreSQL pass: no server in {PG_BIN} (apt-get install postgresql), skipped")
    else:
        server = PgServer(tempfile.mkdtemp(prefix="baton-bench-pg-"))
        print(f"  PostgreSQL pass: a local server at {server.url} (its data under /tmp)")
    try:
        for i, place in enumerate(places):
            b_rss = measure_at(args, n, i, place, server, b_rss)
    finally:
        if server:
            server.stop()


def measure_at(args, n, i, place, server, b_rss):
    """The suite with the files under @place (the first place also measures memory)."""
    work = tempfile.mkdtemp(prefix="baton-bench-", dir=place)
    fs_kind = "?"
    try:
        print(f"\n== files under {place}")
        fs_kind = settle(work, args.settle)
        rss = suite(args, n, work, server)
        if i == 0:
            b_rss = rss
            big_n = args.large_chains * args.length
            _, big_rss, _, _ = baton_run(os.path.abspath(args.baton), args.large_chains,
                                         args.length, work)
            per_task = (big_rss - b_rss) * 1024 / max(1, big_n - n)
            print(f"\n  peak engine memory (RSS): {n} tasks {b_rss / 1024:.1f} MiB, "
                  f"{big_n} tasks {big_rss / 1024:.1f} MiB (ratio {big_rss / b_rss:.2f}; "
                  f"+{per_task:.0f} bytes per task of the pipeline: its graph and SQLite's "
                  f"bounded page cache, not its output)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if fs_kind.startswith("ext"):
            print("  (deleted the benchmark's files: on ext4 without a journal, creating files "
                  "near them stays slower for a few minutes; a second run soon after waits "
                  "for that)")
    return b_rss


if __name__ == "__main__":
    main()
