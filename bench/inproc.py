"""In-process figures: SQL queries and CPU per request, and optional profiles.

Run by ``bench/run.py`` as ``python -m bench.inproc SEED.json OUT.json
[--requests N] [--profile] [--probe-offset K]`` against the database that
``bench.seed`` filled. The Django test client sends the same cookies as the
load generator, so the queries counted here are the ones gunicorn runs for the
same request. The write probe POSTs "mark complete" for the seed's probe
learners (``probe_pairs``, from ``--probe-offset`` on), CSRF checks enforced.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import time
from collections.abc import Callable

import django

HOST = "127.0.0.1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Framework entry points worth naming next to the project's own functions.
LANDMARKS = {
    ("wagtail/models/pages.py", "route_for_request"): "Wagtail routing",
    ("wagtail/models/sites.py", "find_for_request"): "Site.find_for_request",
    ("django/template/response.py", "rendered_content"): "template rendering",
    ("django/contrib/auth/__init__.py", "get_user"): "session + user load",
    ("django/db/models/query.py", "_fetch_all"): "ORM queries (all)",
    ("wagtail/log_actions.py", "log"): "audit log entry",
    ("wagtail/tasks.py", "update_reference_index_task"): "reference index update",
    ("django/db/transaction.py", "__exit__"): "transaction commit/exit",
}


def _client(cookies: dict[str, str]):
    from django.test import Client

    client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="uk,en;q=0.8")
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def _get(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def _count_queries(fn: Callable[[], object]) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries), [q["sql"][:160] for q in ctx.captured_queries]


def _cpu_ms(fn: Callable[[int], object], n: int) -> float:
    start = time.process_time()
    for i in range(n):
        fn(i)
    return 1000 * (time.process_time() - start) / n


def _profile(fn: Callable[[int], object], n: int) -> dict:
    """cProfile ``n`` calls; name the project's functions and a few landmarks.

    Times are profiled time (cProfile roughly doubles CPU cost); read them as
    shares of the request, not as absolute costs.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(n):
        fn(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = []
    for (path, line, name), (_cc, calls, _tt, cum, _callers) in stats.stats.items():
        label = None
        if path.startswith(ROOT) and "/.venv/" not in path and "/bench/" not in path:
            label = f"{os.path.relpath(path, ROOT)}:{line}({name})"
        else:
            for (suffix, func), what in LANDMARKS.items():
                if path.endswith(suffix) and name == func:
                    label = f"[{what}] {suffix}:{line}({name})"
        if label:
            rows.append(
                {
                    "function": label,
                    "calls_per_request": round(calls / n, 1),
                    "ms_per_request_profiled": round(1000 * cum / n, 2),
                    "share_pct": round(100 * cum / total, 1),
                }
            )
    rows.sort(key=lambda r: -r["share_pct"])
    return {"profiled_ms_per_request": round(1000 * total / n, 2), "top": rows[:25]}


class WriteProbe:
    """POST "mark complete" as a browser form does, CSRF checks enforced.

    One client (one WSGI handler, as in a worker) with each learner's cookies.
    """

    def __init__(self, pairs: list[dict]):
        from django.test import Client

        self.pairs = iter(pairs)
        self.client = Client(
            HTTP_HOST=HOST, enforce_csrf_checks=True, HTTP_ORIGIN=f"http://{HOST}"
        )

    def post(self, pair: dict | None = None) -> dict:
        pair = pair or next(self.pairs)
        self.client.cookies.clear()
        self.client.cookies["sessionid"] = pair["session"]
        self.client.cookies["csrftoken"] = pair["csrf"]
        response = self.client.post(
            f"/learning/items/{pair['item']}/complete/",
            {"csrfmiddlewaretoken": pair["csrf"]},
        )
        assert response.status_code == 302, response.status_code
        assert "/accounts/login/" not in response["Location"], response["Location"]
        return pair


def measure_pages(seed: dict, requests: int, profile: bool) -> dict:
    cookie = seed["page_sessions"][0]
    cookies = {"sessionid": cookie["session"], "csrftoken": cookie["csrf"]}
    cases = {
        "lesson": (cookies, [x["url"] for x in seed["lessons"]]),
        "bare": (cookies, [x["url"] for x in seed["bare"]]),
        "bare_anon": ({}, [x["url"] for x in seed["bare"]]),
        "bare_flat": (cookies, [x["url"] for x in seed["bare_flat"]]),
    }
    if not seed["bare_flat"]:
        del cases["bare_flat"]
    result: dict = {}
    for name, (jar, urls) in cases.items():
        client = _client(jar)

        def get(i: int, client=client, urls=urls) -> None:
            _get(client, urls[i % len(urls)])

        first, _ = _count_queries(lambda: get(0))
        steady, sql = _count_queries(lambda: get(1))
        # Queries must not grow with the position of the lesson in the course.
        last, _ = _count_queries(lambda: get(-1))
        _cpu_ms(get, max(5, requests // 5))  # warm-up
        samples = [_cpu_ms(get, requests) for _ in range(3)]
        result[name] = {
            "queries_first": first,
            "queries": steady,
            "queries_last_item": last,
            "sql": sql,
            "inproc_cpu_ms": sorted(samples)[1],
            "inproc_cpu_ms_runs": samples,
        }
        if profile and name in ("lesson", "bare"):
            result[name]["profile"] = _profile(get, requests)
    return result


def measure_writes(seed: dict, requests: int, profile: bool, offset: int) -> dict:
    probe = WriteProbe(seed["probe_pairs"][offset:])
    probe.post()  # first write of the process
    fresh, sql = _count_queries(probe.post)
    done = probe.post()
    repeat, _ = _count_queries(lambda: probe.post(done))  # the idempotent path
    _cpu_ms(lambda i: probe.post(), max(5, requests // 5))  # warm-up
    samples = [_cpu_ms(lambda i: probe.post(), requests) for _ in range(3)]
    out = {
        "queries": fresh,
        "queries_repeat": repeat,
        "sql": sql,
        "inproc_cpu_ms": sorted(samples)[1],
        "inproc_cpu_ms_runs": samples,
    }
    if profile:
        out["profile"] = _profile(lambda i: probe.post(), requests)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("seed")
    parser.add_argument("out")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--probe-offset", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    with open(args.seed, encoding="utf-8") as fh:
        seed = json.load(fh)
    result = measure_pages(seed, args.requests, args.profile)
    result["write"] = measure_writes(
        seed, args.requests, args.profile, args.probe_offset
    )
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
