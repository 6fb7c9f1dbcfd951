"""A harness for parallel-request tests: N threads, released at once.

Each thread has its own test client (logged in before the barrier) and its
own database connection, closed at the end, so the requests race for real on
SQLite (WAL + IMMEDIATE) and on PostgreSQL.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client

THREADS = 20
ROUNDS = 3
BARRIER_TIMEOUT = 60


@dataclass
class Outcome:
    statuses: list[int] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_in_parallel(user, urls: list[str], **extra) -> Outcome:
    """POST ``urls[i]`` from thread ``i``, all released at once."""
    outcome = Outcome()
    barrier = threading.Barrier(len(urls))

    def worker(url: str) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=BARRIER_TIMEOUT)
            response = client.post(url, **extra)
            with outcome.lock:
                outcome.statuses.append(response.status_code)
                outcome.locations.append(response.headers.get("Location", ""))
        except BaseException as exc:
            barrier.abort()
            with outcome.lock:
                outcome.errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BARRIER_TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a request thread hung"
    return outcome
