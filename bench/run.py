"""Serve the LMS with gunicorn on loopback and load it with wrk.

    python bench/run.py [--quick] [--backends sqlite,postgres] [--profile]

For each database (a fresh temp SQLite file with the shipped WAL + IMMEDIATE
configuration; a fresh PostgreSQL database, dropped afterwards) it migrates,
seeds (``bench/seed.py``), counts queries in-process (``bench/inproc.py``),
starts gunicorn (production settings via ``bench/settings.py``; gthread,
2 workers x 4 threads) on 127.0.0.1 and runs wrk (1 thread, 16 connections):

* pages: the lesson page for an enrolled learner against a bare StandardPage
  with the same body at the same depth, requested with the same learner's
  cookies, run after run (interleaved, so noise hits both); plus the bare page
  anonymously for reference;
* writes: POST /learning/items/<id>/complete/ for distinct (learner, lesson)
  pairs, each learner logged in with its own session and CSRF token.

SQLite runs the embedded configuration (local-memory cache); PostgreSQL the
scale-out one (``DATABASE_URL`` plus ``REDIS_URL`` when Redis answers on
127.0.0.1:6379, under a key prefix of its own; ``--no-redis`` to leave it out).

CPU per request is the growth of the gunicorn workers' utime+stime (from
/proc) divided by the requests served; PostgreSQL backend CPU likewise. Each
figure is the median of the runs after a warm-up. Prints a table and writes
``bench/results/latest.json``. Every load loop is bounded by wrk's ``-d``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_PY = ROOT / ".venv" / "bin" / "python"
RESULTS = BENCH / "results" / "latest.json"
HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
GUNICORN = {"worker_class": "gthread", "workers": 2, "threads": 4}
WRK = {"threads": 1, "connections": 16}
PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
GOAL_RATIO = 0.8


# --- small helpers -------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process (all its threads), in clock ticks."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def children_of(ppid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rfind(")") + 2 :].split()[1]) == ppid:
            pids.append(int(entry.name))
    return pids


def system_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def median_range(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }


def run(cmd: list[str], env: dict, timeout: float, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, env=env, cwd=ROOT, timeout=timeout, check=True, text=True, **kw
    )


def versions() -> dict:
    out = {"python": platform.python_version(), "kernel": platform.release()}
    code = (
        "import django, wagtail, gunicorn; "
        "print(django.__version__, wagtail.__version__, gunicorn.__version__)"
    )
    dj, wt, gu = subprocess.check_output(
        [sys.executable, "-c", code], text=True
    ).split()
    out |= {"django": dj, "wagtail": wt, "gunicorn": gu}
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    out["wrk"] = (wrk.stdout or wrk.stderr).split("\n")[0].split(" [")[0]
    cpu = [
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    ]
    out["cpu"] = f"{len(cpu)} x {cpu[0]}" if cpu else platform.processor()
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    out["memory_gib"] = round(mem_kb / 1024 / 1024, 1)
    return out


# --- PostgreSQL ----------------------------------------------------------------


class Postgres:
    """A throwaway database on the local server, and its backends' CPU."""

    def __init__(self, name: str):
        import psycopg

        self.name = name
        self.admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
        self.version = self.admin.execute("SHOW server_version").fetchone()[0]
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        self.admin.execute(f'CREATE DATABASE "{name}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        self.url = f"{base}/{name}"

    def backend_pids(self) -> list[int]:
        rows = self.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.name]
        ).fetchall()
        return [r[0] for r in rows]

    def drop(self) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.close()


def pg_available() -> str | None:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception as exc:  # any failure means "skip the leg"
        return str(exc).strip().split("\n")[0]
    return None


def redis_available() -> bool:
    try:
        with socket.create_connection((HOST, 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# --- database checks without Django ------------------------------------------


def db_query(backend: str, target: str, sql: str) -> int:
    if backend == "sqlite":
        import sqlite3

        conn = sqlite3.connect(target, timeout=30)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(target) as conn:
        return conn.execute(sql).fetchone()[0]


COMPLETIONS_SQL = "SELECT count(*) FROM courses_itemcompletion"
MISCOUNTED_SQL = """
SELECT count(*) FROM courses_enrolment e
WHERE e.completed_count <> (
    SELECT count(*) FROM courses_itemcompletion c
    WHERE c.user_id = e.user_id AND c.programme_id = e.programme_id)
"""


# --- gunicorn ------------------------------------------------------------------


class Server:
    def __init__(self, env: dict, workdir: Path):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.errlog = workdir / f"gunicorn-{self.port}.log"
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--worker-class",
            GUNICORN["worker_class"],
            "--workers",
            str(GUNICORN["workers"]),
            "--threads",
            str(GUNICORN["threads"]),
            "--timeout",
            "60",
            "--no-control-socket",
        ]
        # The app logs one INFO line per completion to stderr: keep it in the log.
        with self.errlog.open("ab") as sink:
            self.proc = subprocess.Popen(
                cmd, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as r:
                    if r.status == 200 and len(self.workers()) == GUNICORN["workers"]:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.errlog}")

    def workers(self) -> list[int]:
        return children_of(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def fetch(url: str, cookie: str = "", data: bytes | None = None, origin: str = ""):
    """One request without following redirects: (status, location, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    headers = {"Cookie": cookie} if cookie else {}
    if origin:
        headers["Origin"] = origin
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.headers.get("Location", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.read()


# --- wrk -------------------------------------------------------------------------


def wrk(
    server: Server,
    script: str,
    args: list[str],
    duration: float,
    pg: Postgres | None = None,
) -> dict:
    """One bounded wrk run with CPU accounting for workers and PG backends."""
    workers = server.workers()
    pg_pids = pg.backend_pids() if pg else []
    w0 = {p: cpu_ticks(p) for p in workers}
    p0 = {p: cpu_ticks(p) for p in pg_pids}
    busy0, total0 = system_busy()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    l1 = load1()
    cmd = [
        "wrk",
        f"-t{WRK['threads']}",
        f"-c{WRK['connections']}",
        f"-d{duration:g}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "lua" / script),
        server.base + "/",
        "--",
        *args,
    ]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, total1 = system_busy()
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    res = json.loads(line.split(" ", 1)[1])
    n = max(res["requests"], 1)
    workers_after = server.workers()
    w_ms = sum(
        (cpu_ticks(p) or w0[p]) - w0[p] for p in workers if w0.get(p) is not None
    )
    pg_ms = None
    if pg:
        pg_after = pg.backend_pids()
        ticks = 0
        for pid in set(pg_pids) | set(pg_after):
            now = cpu_ticks(pid)
            if now is not None:  # a backend that ended mid-run is not counted
                ticks += now - (p0.get(pid) or 0)
        pg_ms = 1000 * ticks / CLK_TCK / n
    wrk_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    seconds = res["duration_us"] / 1e6
    lat = res["latency_us"]
    return {
        "requests": res["requests"],
        "issued": res["issued"],
        "seconds": round(seconds, 2),
        "rps": res["requests"] / seconds,
        "p50_ms": lat["p50"] / 1000,
        "p95_ms": lat["p95"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "max_ms": lat["max"] / 1000,
        "non_2xx_3xx": res["errors"]["status"],
        "socket_errors": sum(
            res["errors"][k] for k in ("connect", "read", "write", "timeout")
        ),
        "statuses": res["statuses"],
        "kb_per_response": res["bytes"] / n / 1024,
        "app_cpu_ms": 1000 * w_ms / CLK_TCK / n,
        "pg_cpu_ms": pg_ms,
        "wrk_cpu_ms": 1000 * wrk_cpu / n,
        "machine_busy_pct": 100 * (busy1 - busy0) / max(total1 - total0, 1),
        "load1": l1,
        "workers_restarted": sorted(workers) != sorted(workers_after),
    }


def summarise(runs: list[dict]) -> dict:
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "app_cpu_ms", "pg_cpu_ms")
    out = {k: median_range([r[k] for r in runs]) for k in keys}
    out |= {k: median_range([r[k] for r in runs]) for k in ("load1", "kb_per_response")}
    out["requests"] = sum(r["requests"] for r in runs)
    out["non_2xx_3xx"] = sum(r["non_2xx_3xx"] for r in runs)
    out["socket_errors"] = sum(r["socket_errors"] for r in runs)
    statuses: dict[str, int] = {}
    for r in runs:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    out["statuses"] = statuses
    out["runs"] = runs
    return out


# --- one database leg --------------------------------------------------------------


def write_lines(path: Path, rows: list[str]) -> str:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def sanity(server: Server, seed: dict) -> None:
    s = seed["page_sessions"][0]
    cookie = f"sessionid={s['session']}; csrftoken={s['csrf']}"
    name = s["username"].encode()
    # Both pages must be served to the logged-in learner (the header shows the
    # username), and the lesson with the enrolled learner's "complete" box.
    status, loc, body = fetch(server.base + seed["lessons"][0]["url"], cookie)
    assert status == 200 and b"complete-box" in body and name in body, (
        "lesson page",
        status,
        loc,
    )
    status, loc, body = fetch(server.base + seed["bare"][0]["url"], cookie)
    assert status == 200 and name in body, ("bare page", status, loc)
    status, loc, _ = fetch(server.base + seed["bare"][0]["url"])
    assert status == 200, ("bare anonymous", status, loc)
    status, loc, _ = fetch(server.base + seed["lessons"][0]["url"])
    assert status == 302 and "/accounts/login/" in loc, ("anonymous lesson", status)


def leg(backend: str, opts, workdir: Path, base_env: dict, out: dict) -> None:
    env = dict(base_env)
    pg = None
    if backend == "sqlite":
        target = str(workdir / "bench.sqlite3")
        env["LMS_SQLITE_PATH"] = target
        env.pop("DATABASE_URL", None)
    else:
        pg = Postgres(f"lms_bench_{os.getpid()}")
        target = pg.url
        env["DATABASE_URL"] = pg.url
        if opts.redis and redis_available():
            env["REDIS_URL"] = REDIS_URL
            env["LMS_BENCH_CACHE_PREFIX"] = f"lms-bench-{os.getpid()}"
    result: dict = {
        "database": "postgresql " + pg.version if pg else "sqlite (WAL, IMMEDIATE)",
        "cache": "redis" if "REDIS_URL" in env else "locmem",
    }
    out[backend] = result
    server = None
    try:
        log(f"{backend}: migrate + seed")
        t0 = time.monotonic()
        run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            env,
            300,
            stdout=subprocess.DEVNULL,
        )
        seed_path = workdir / f"seed-{backend}.json"
        env_seed = env | {
            "BENCH_WRITE_LEARNERS": str(opts.write_learners),
            "BENCH_FLAT": "0" if opts.quick else "1",
        }
        run([sys.executable, "-m", "bench.seed", str(seed_path)], env_seed, 300)
        seed = json.loads(seed_path.read_text())
        result["setup_seconds"] = round(time.monotonic() - t0, 1)
        result["lesson_body_bytes"] = median_range(seed["body_bytes"])
        result["lessons"] = len(seed["lessons"])

        if backend in opts.page_backends:
            log(f"{backend}: in-process query counts and CPU")
            inproc_path = workdir / f"inproc-{backend}.json"
            cmd = [
                sys.executable,
                "-m",
                "bench.inproc",
                str(seed_path),
                str(inproc_path),
                "--requests",
                str(opts.inproc_requests),
            ]
            run(cmd, env, 600)
            result["inproc"] = json.loads(inproc_path.read_text())

        server = Server(env, workdir)
        sanity(server, seed)
        cookies = [
            f"sessionid={s['session']}; csrftoken={s['csrf']}"
            for s in seed["page_sessions"]
        ]
        if backend in opts.page_backends:
            files = {
                "lesson": write_lines(
                    workdir / "lesson.txt",
                    [f"{x['url']}\t{c}" for x in seed["lessons"] for c in cookies],
                ),
                "bare": write_lines(
                    workdir / "bare.txt",
                    [f"{x['url']}\t{c}" for x in seed["bare"] for c in cookies],
                ),
                "bare_anon": write_lines(
                    workdir / "bare_anon.txt", [x["url"] for x in seed["bare"]]
                ),
            }
            for name, path in files.items():
                log(f"{backend}: warm-up {name} ({opts.warmup:g}s)")
                wrk(server, "pages.lua", [path, "7"], opts.warmup, pg)
            page_runs: dict[str, list] = {k: [] for k in files}
            for i in range(opts.runs):
                order = ["lesson", "bare"] if i % 2 == 0 else ["bare", "lesson"]
                for name in [*order, "bare_anon"]:
                    r = wrk(
                        server,
                        "pages.lua",
                        [files[name], str(i + 1)],
                        opts.duration,
                        pg,
                    )
                    page_runs[name].append(r)
                    log(
                        f"{backend}: {name:9s} run {i + 1}: {r['rps']:6.1f} req/s "
                        f"p95 {r['p95_ms']:6.1f} ms, {r['app_cpu_ms']:5.1f} ms CPU, "
                        f"load1 {r['load1']:.1f}"
                    )
            result["pages"] = {k: summarise(v) for k, v in page_runs.items()}
            ratios = [
                lesson["rps"] / bare["rps"]
                for lesson, bare in zip(
                    page_runs["lesson"], page_runs["bare"], strict=True
                )
            ]
            cpu_ratios = [
                bare["app_cpu_ms"] / lesson["app_cpu_ms"]
                for lesson, bare in zip(
                    page_runs["lesson"], page_runs["bare"], strict=True
                )
            ]
            result["ratio"] = {
                "throughput": median_range(ratios),
                "cpu": median_range(cpu_ratios),
                "goal": GOAL_RATIO,
                "met": statistics.median(ratios) >= GOAL_RATIO,
                "met_cpu": statistics.median(cpu_ratios) >= GOAL_RATIO,
            }

        # Writes: distinct (learner, lesson) pairs, a fresh slice per run.
        pairs = seed["write_pairs"]
        slices = opts.runs + 1
        size = len(pairs) // slices
        origin = server.base
        before_total = db_query(backend, target, COMPLETIONS_SQL)
        write_runs = []
        for i in range(slices):
            chunk = pairs[i * size : (i + 1) * size]
            path = write_lines(
                workdir / f"writes-{i}.txt",
                [f"{p['item']}\t{p['session']}\t{p['csrf']}" for p in chunk],
            )
            before = db_query(backend, target, COMPLETIONS_SQL)
            duration = opts.warmup if i == 0 else opts.duration
            r = wrk(server, "writes.lua", [path, origin], duration, pg)
            time.sleep(0.5)  # let in-flight requests commit before counting
            r["new_completions"] = db_query(backend, target, COMPLETIONS_SQL) - before
            r["pairs_in_slice"] = len(chunk)
            r["wrapped"] = r["issued"] > len(chunk)
            if i == 0:
                log(f"{backend}: write warm-up {r['rps']:.0f} req/s")
                continue
            write_runs.append(r)
            log(
                f"{backend}: writes run {i}: {r['rps']:6.1f} req/s "
                f"p95 {r['p95_ms']:6.1f} ms, {r['app_cpu_ms']:5.1f} ms CPU, "
                f"non-2xx/3xx {r['non_2xx_3xx']}, load1 {r['load1']:.1f}"
            )
        result["writes"] = summarise(write_runs)
        result["writes"]["new_completions"] = sum(
            r["new_completions"] for r in write_runs
        )
        result["writes"]["completions_total_added"] = (
            db_query(backend, target, COMPLETIONS_SQL) - before_total
        )
        result["writes"]["miscounted_enrolments"] = db_query(
            backend, target, MISCOUNTED_SQL
        )
        below_goal = "ratio" in result and not (
            result["ratio"]["met"] and result["ratio"]["met_cpu"]
        )
        if opts.profile or (below_goal and not opts.quick):
            log(f"{backend}: cProfile in-process (lesson, bare, write)")
            prof_path = workdir / f"profile-{backend}.json"
            cmd = [
                sys.executable,
                "-m",
                "bench.inproc",
                str(seed_path),
                str(prof_path),
                "--requests",
                "100",
                "--profile",
                "--probe-offset",
                "1000",
            ]
            run(cmd, env, 600)
            prof = json.loads(prof_path.read_text())
            result["profile"] = {
                k: prof[k]["profile"] for k in ("lesson", "bare", "write")
            }
        result["errors_in_log"] = [
            line
            for line in server.errlog.read_text(errors="replace").splitlines()
            if "locked" in line or "Traceback" in line or "ERROR" in line
        ][:20]
    finally:
        if server:
            server.stop()
        if pg:
            pg.drop()


# --- report -------------------------------------------------------------------------


def fmt(stat: dict, digits: int = 1) -> str:
    if stat["median"] is None:
        return "–"
    m, lo, hi = (round(stat[k], digits) for k in ("median", "min", "max"))
    return f"{m:g} ({lo:g}–{hi:g})"


def report(out: dict) -> str:
    lines = [
        "Load (wrk on 127.0.0.1, median (min–max) of the runs):",
        "| DB | test | req/s | p50 ms | p95 ms | app CPU ms/req | PG CPU ms/req "
        "| non-2xx/3xx / requests | KB/resp | load1 |",
        "|" + "---|" * 10,
    ]
    for backend in ("sqlite", "postgres"):
        res = out["legs"].get(backend)
        if not res:
            continue
        tests = [(f"page: {k}", v) for k, v in res.get("pages", {}).items()]
        if "writes" in res:
            tests.append(("write: mark complete", res["writes"]))
        for name, s in tests:
            lines.append(
                f"| {backend} | {name} | {fmt(s['rps'], 0)} | {fmt(s['p50_ms'], 0)} "
                f"| {fmt(s['p95_ms'], 0)} | {fmt(s['app_cpu_ms'])} "
                f"| {fmt(s['pg_cpu_ms'])} | {s['non_2xx_3xx']} / {s['requests']} "
                f"| {fmt(s['kb_per_response'])} | {fmt(s['load1'])} |"
            )
    lines += [
        "",
        "In-process (Django test client, same cookies; CPU = median of 3 x N):",
        "| DB | request | queries | first hit | last lesson | CPU ms |",
        "|" + "---|" * 6,
    ]
    names = {
        "lesson": "lesson page, enrolled learner",
        "bare": "bare page, same depth, same learner",
        "bare_anon": "bare page, same depth, anonymous",
        "bare_flat": "bare page under home, same learner",
    }
    for backend, res in out["legs"].items():
        q = res.get("inproc", {})
        for key, label in names.items():
            if key in q:
                r = q[key]
                lines.append(
                    f"| {backend} | {label} | {r['queries']} | {r['queries_first']} "
                    f"| {r['queries_last_item']} | {r['inproc_cpu_ms']:.1f} |"
                )
        if "write" in q:
            w = q["write"]
            lines.append(
                f"| {backend} | POST mark complete (new / repeat) | {w['queries']} "
                f"/ {w['queries_repeat']} | – | – | {w['inproc_cpu_ms']:.1f} |"
            )
    lines.append("")
    for backend, res in out["legs"].items():
        if "ratio" in res:
            r = res["ratio"]
            q = res["inproc"]
            inproc = q["bare"]["inproc_cpu_ms"] / q["lesson"]["inproc_cpu_ms"]
            lines.append(
                f"{backend}: lesson/bare throughput {fmt(r['throughput'], 2)}; "
                f"CPU ratio bare/lesson via gunicorn {fmt(r['cpu'], 2)}, "
                f"in-process {inproc:.2f}; goal >= {r['goal']}: by throughput "
                f"{'MET' if r['met'] else 'NOT MET'}, by CPU "
                f"{'MET' if r['met_cpu'] else 'NOT MET'}"
            )
        if "writes" in res:
            w = res["writes"]
            lines.append(
                f"{backend}: writes: statuses {w['statuses']}, socket errors "
                f"{w['socket_errors']}, completions recorded {w['new_completions']}, "
                f"enrolments with a wrong count {w['miscounted_enrolments']}, "
                f"'database is locked'/errors in the server log "
                f"{len(res.get('errors_in_log', []))}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (~2 min)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--duration", type=float, help="seconds per wrk run")
    parser.add_argument("--profile", action="store_true", help="cProfile in-process")
    parser.add_argument("--no-redis", dest="redis", action="store_false")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    parser.add_argument("--output", default=str(RESULTS))
    opts = parser.parse_args()
    opts.runs = opts.runs or 3
    opts.duration = opts.duration or (4.0 if opts.quick else 10.0)
    opts.warmup = 2.0 if opts.quick else 3.0
    opts.inproc_requests = 20 if opts.quick else 100
    opts.write_learners = 1500
    backends = [b.strip() for b in opts.backends.split(",") if b.strip()]
    # Pages and in-process figures on both databases in a full run; on SQLite
    # only in --quick (PostgreSQL then gets the write load only).
    opts.page_backends = {"sqlite"} if opts.quick else set(backends)

    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `apt-get install -y wrk` (or `make bench`).")
    if "postgres" in backends and (why := pg_available()):
        log(f"PostgreSQL leg skipped: {why}")
        backends.remove("postgres")

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "LMS_SQLITE_PATH")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),  # throwaway, this run only
        "DJANGO_ALLOWED_HOSTS": HOST,
        "LMS_DATA_DIR": str(workdir),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    out: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if opts.quick else "full",
        "machine": versions(),
        "load1_start": load1(),
        "method": {
            "gunicorn": GUNICORN,
            "wrk": WRK,
            "runs": opts.runs,
            "seconds_per_run": opts.duration,
            "warmup_seconds": opts.warmup,
            "settings": "bench.settings (lms.settings.production, plain http)",
        },
        "legs": {},
    }
    try:
        log(f"collectstatic into {workdir}")
        run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            env,
            300,
            stdout=subprocess.DEVNULL,
        )
        for backend in backends:
            try:
                leg(backend, opts, workdir, env, out["legs"])
            except Exception as exc:  # record it, go on with the other database
                log(f"{backend}: FAILED: {exc!r}")
                out["legs"].setdefault(backend, {})["error"] = repr(exc)
    finally:
        if not opts.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    out["load1_end"] = load1()
    out["wall_seconds"] = round(time.monotonic() - started)
    text = report(out)
    out["table"] = text
    Path(opts.output).parent.mkdir(parents=True, exist_ok=True)
    Path(opts.output).write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print()
    for backend, res in out["legs"].items():
        for what, prof in res.get("profile", {}).items():
            print(
                f"--- {backend} {what}: cProfile, {prof['profiled_ms_per_request']}"
                " profiled ms/request; share of the request, cumulative"
            )
            for row in prof["top"][:18]:
                print(
                    f"  {row['share_pct']:5.1f} %  {row['calls_per_request']:6.1f}"
                    f" calls  {row['function']}"
                )
    print(text)
    print(f"\nwall time {out['wall_seconds']} s; results in {opts.output}")
    failed = [b for b, res in out["legs"].items() if "error" in res]
    if failed:
        sys.exit(f"failed: {', '.join(failed)} (see the log above)")


if __name__ == "__main__":
    if (
        VENV_PY.exists()
        and Path(sys.prefix).resolve() != VENV_PY.parent.parent.resolve()
    ):
        os.execv(str(VENV_PY), [str(VENV_PY), *sys.argv])  # noqa: S606 - into the venv
    main()
