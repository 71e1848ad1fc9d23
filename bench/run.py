#!/usr/bin/env python3
"""Infitah benchmark: public pages as a ratio of a bare Django view (``make bench``).

What it does, in order (see bench/README.md):

1. Builds its own database, never the user's: a fresh SQLite file in a temporary
   directory (or, with ``--postgres``, a dedicated PostgreSQL database whose name starts
   with ``infitah_bench``, dropped and re-created), and its own ``INFITAH_VAR_DIR``.
2. Migrates, loads the real reference data (``load_reference_data``), makes every
   collectivity a member (bulk insert, then bumps the public-content version), writes
   the synthetic data of ``--scale`` (``bench/scale.py``: information requests,
   meetings, action plans, library documents and their search index) and collects the
   static files.
3. Counts the SQL queries of each page in-process (Django test client), and times the
   pages in-process to show where the time goes (the first request after a change,
   later requests, SQL versus the rest, cache hits).
4. Serves the site with gunicorn (2 workers, ``INFITAH_BENCH=true`` routes
   ``/bench/bare``) and measures each URL with wrk (2 threads, 8 connections, a warm-up,
   a wait until the server is idle, then a measured run): first with the public-page
   cache on (the default), then with ``PUBLIC_PAGE_CACHE_SECONDS=0``. Each page is
   reported as a ratio to the bare view's requests per second measured by the same
   server in the same run.
5. Prints a table, writes ``bench/results/latest.json`` and ``latest.md``.

Exit status: 0 when the measurements ran (even if targets are MISSED), 1 when the set-up
failed or a page answered errors, 2 when wrk is missing, 3 when gunicorn did not start.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_DIR / "bench"
RESULTS_DIR = BENCH_DIR / "results"
LUA_REPORT = BENCH_DIR / "wrk_report.lua"
STATIC_CACHE_DIR = RESULTS_DIR / "static-cache"
CACHE_COMPLETE_MARK = ".bench-complete"
SRC_DIR = PROJECT_DIR / "src"

# Targets of issue 2 ("Quality bars").
TARGET_CACHED_RATIO = 0.40
TARGET_UNCACHED_RATIO = 0.10
TARGET_P95_MS = 50.0

#: wrk's request timeout (seconds); slower requests count as errors, not in percentiles.
WRK_TIMEOUT_S = 10

# Reference data loaded by load_reference_data (plans/data/beni_mellal_2023.json).
PLAN_SLUG = "05-091-01-01-2023"
MEETING_SLUG = "beni-mellal-2023-07-11-co-creation-workshop-2"

POSTGRES_DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/infitah_bench"
POSTGRES_URL_PATTERN = r"^postgres(?:ql)?://(?P<server>[^/]*)/(?P<name>[A-Za-z0-9_]+)$"

EXIT_SETUP_FAILED = 1
EXIT_NO_WRK = 2
EXIT_GUNICORN_FAILED = 3


@dataclass
class Target:
    """One URL to measure: ``key`` names it in reports, ``is_reference`` marks the bare view."""

    key: str
    label: str
    path: str
    is_reference: bool = False


@dataclass
class Measurement:
    """wrk's figures for one URL under one cache mode (times in milliseconds)."""

    mode: str
    key: str
    label: str
    path: str
    requests: int = 0
    requests_per_s: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    mean_ms: float = 0.0
    max_ms: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    settle_s: float = 0.0
    ratio: float | None = None
    queries: int | None = None
    verdict: str = ""
    missed: list[str] = field(default_factory=list)


class BenchError(Exception):
    """A failure that stops the benchmark; ``exit_code`` is the process status to use."""

    def __init__(self, message: str, exit_code: int = EXIT_SETUP_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def log(message: str) -> None:
    """Print a progress line, flushed at once (make shows it live)."""
    print(f"[bench] {message}", flush=True)


# --- Environment and database -------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_postgres(url: str) -> None:
    """Drop and re-create the benchmark's own PostgreSQL database named in ``url``.

    Raises BenchError unless the database name starts with ``infitah_bench`` (so a
    user's database can never be dropped by mistake).
    """
    import psycopg
    from psycopg import sql

    match = re.match(POSTGRES_URL_PATTERN, url)
    if not match or not match["name"].startswith("infitah_bench"):
        raise BenchError(
            f"--postgres URL must name a database starting with 'infitah_bench': {url}"
        )
    admin_url = f"postgresql://{match['server']}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(match["name"]))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(match["name"])))


def drop_postgres(url: str) -> None:
    """Drop the benchmark's PostgreSQL database (best effort; failures are printed)."""
    import psycopg
    from psycopg import sql

    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()
    match = re.match(POSTGRES_URL_PATTERN, url)
    if not match or not match["name"].startswith("infitah_bench"):
        return
    try:
        with psycopg.connect(f"postgresql://{match['server']}/postgres", autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(match["name"])
                )
            )
    except psycopg.Error as exc:
        log(f"could not drop {match['name']}: {exc}")


def bench_environment(database_url: str, var_dir: Path) -> dict[str, str]:
    """Return the environment shared by the set-up and the server (never the user's DB)."""
    env = dict(os.environ)
    for name in ("PUBLIC_PAGE_CACHE_SECONDS", "INFITAH_TESTING", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        {
            "DATABASE_URL": database_url,
            "INFITAH_VAR_DIR": str(var_dir),
            "INFITAH_BENCH": "true",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECURE": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # Local-memory cache unless BENCH_CACHE_URL says otherwise (e.g. Redis).
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", ""),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "infitah.settings",
        }
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure this process with the benchmark's environment and start Django."""
    os.environ.clear()
    os.environ.update(env)
    if str(SRC_DIR) not in sys.path:
        sys.path.insert(0, str(SRC_DIR))
    import django

    django.setup()


def static_fingerprint() -> str:
    """Hash of every static source file's path, size and modification time (16 hex)."""
    from django.contrib.staticfiles.finders import get_finders

    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    digest = hashlib.sha256("\n".join(sorted(entries)).encode())
    digest.update(settings_static_backend().encode())
    return digest.hexdigest()[:16]


def settings_static_backend() -> str:
    from django.conf import settings

    return str(settings.STORAGES["staticfiles"]["BACKEND"])


def link_static_cache(fresh: bool) -> bool:
    """Point STATIC_ROOT at ``bench/results/static-cache/<fingerprint>``.

    collectstatic with compression takes 30-90 s here; its output only depends on the
    static sources, so it is kept between runs. Returns True when the cached copy is
    complete (collectstatic can be skipped). Older fingerprints are deleted.
    """
    from django.conf import settings

    fingerprint = static_fingerprint()
    STATIC_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in STATIC_CACHE_DIR.iterdir():
        if old.name != fingerprint:
            shutil.rmtree(old, ignore_errors=True)
    target = STATIC_CACHE_DIR / fingerprint
    if fresh:
        shutil.rmtree(target, ignore_errors=True)
    target.mkdir(exist_ok=True)
    static_root = Path(settings.STATIC_ROOT)
    if static_root.is_symlink() or static_root.is_file():
        static_root.unlink()
    elif static_root.exists():
        shutil.rmtree(static_root)
    static_root.parent.mkdir(parents=True, exist_ok=True)
    static_root.symlink_to(target, target_is_directory=True)
    return (target / CACHE_COMPLETE_MARK).exists()


def build_database(
    static_is_cached: bool, scale_name: str = "full", analyze: bool = True
) -> dict[str, Any]:
    """Migrate, load the reference data, make every collectivity a member, generate the
    synthetic data of ``scale_name`` (bench/scale.py), collect static.

    Returns the row counts ``{"collectivities", "members", "by_kind", …, "scale"}`` and
    step timings (the generation's steps prefixed with ``scale: ``). Raises BenchError
    when a step fails.
    """
    import scale
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from infitah.core.cache import bump_content_version
    from infitah.network.models import Membership, Network
    from infitah.territories.models import Collectivity

    timings: dict[str, float] = {}

    def step(name: str, *args: str, **options: Any) -> None:
        log(f"{name} …")
        started = time.monotonic()
        try:
            call_command(*args, **options)
        except Exception as exc:
            raise BenchError(f"{name} failed: {exc!r}") from exc
        timings[name] = round(time.monotonic() - started, 1)
        log(f"{name}: {timings[name]} s")

    step("migrate", "migrate", interactive=False, verbosity=0)
    step("load_reference_data", "load_reference_data", verbosity=1)

    started = time.monotonic()
    network = Network.objects.order_by("pk").first()
    if network is None:
        raise BenchError("load_reference_data created no network")
    already = set(
        Membership.objects.filter(network=network).values_list("collectivity_id", flat=True)
    )
    new = [
        Membership(
            network=network,
            collectivity_id=pk,
            status=Membership.Status.ACTIVE,
            cohort="bench",
            source="bench/run.py (synthetic: every collectivity is a member)",
        )
        for pk in Collectivity.objects.exclude(pk__in=already).values_list("pk", flat=True)
    ]
    Membership.objects.bulk_create(new, batch_size=500)
    bump_content_version()
    timings["make_every_collectivity_a_member"] = round(time.monotonic() - started, 1)
    log(f"made {len(new)} more collectivities members ({len(already)} already were)")

    log(f"generating synthetic data at scale {scale_name!r} (bench/scale.py) …")
    started = time.monotonic()
    try:
        generated = scale.generate(scale.SCALES[scale_name], log=log, analyze=analyze)
    except Exception as exc:
        raise BenchError(f"synthetic data ({scale_name}) failed: {exc!r}") from exc
    timings["scale (total)"] = round(time.monotonic() - started, 1)
    for name, seconds in generated["timings_s"].items():
        timings[f"scale: {name}"] = seconds

    if static_is_cached:
        log("collectstatic: reusing bench/results/static-cache (static sources unchanged)")
        timings["collectstatic"] = 0.0
    else:
        step("collectstatic", "collectstatic", interactive=False, verbosity=0)
        (Path(settings.STATIC_ROOT) / CACHE_COMPLETE_MARK).write_text("ok\n", encoding="utf-8")
    counts = {
        "collectivities": Collectivity.objects.count(),
        "members": Membership.objects.filter(network=network).count(),
        "by_kind": dict(
            Collectivity.objects.values_list("kind").annotate(n=Count("pk")).order_by("kind")
        ),
        "database_vendor": connection.vendor,
        "scale": scale_name,
        **generated["counts"],
    }
    if scale_name != "none":
        counts["register_query_matches"] = scale.register_query_matches()
        counts["library_query_matches"] = scale.library_query_matches()
    connection.close()
    return {"counts": counts, "timings_s": timings}


def choose_targets() -> list[Target]:
    """Return the URLs to measure (all in Arabic).

    The foundation's pages (issue 2): home, members directory, Béni Mellal's collectivity
    page, API list. Then the Béni Mellal action plan and its 11 July 2023 workshop
    (issue 3, loaded by ``load_reference_data``), the access-to-information register,
    a register search, the network's and Béni Mellal's statistics (issue 7), the
    library and a library search (issue 8). Raises BenchError when the reference data
    lacks the plan, the meeting or the commune.
    """
    from urllib.parse import urlencode

    import scale
    from django.urls import reverse
    from django.utils import translation

    from infitah.meetings.models import Meeting
    from infitah.plans.models import ActionPlan
    from infitah.territories.models import Collectivity

    communes = Collectivity.objects.filter(kind=Collectivity.Kind.COMMUNE)
    commune = communes.search("Beni Mellal").order_by("code").first() or communes.first()
    if commune is None:
        raise BenchError("no commune in the database: load_reference_data loaded nothing?")
    for model, slug in ((ActionPlan, PLAN_SLUG), (Meeting, MEETING_SLUG)):
        if not model.objects.filter(slug=slug).exists():
            raise BenchError(f"load_reference_data did not load {model.__name__} {slug!r}")
    with translation.override("fr"):
        label = f"collectivity page ({commune})"
        stats_label = f"information statistics ({commune})"
    with translation.override("ar"):
        home = reverse("core:home")
        collectivity = commune.get_absolute_url()
        members = reverse("members:directory")
        plan = reverse("plans:detail", kwargs={"slug": PLAN_SLUG})
        meeting = reverse("meetings:detail", kwargs={"slug": MEETING_SLUG})
        register = reverse("access_info:register")
        stats = reverse("access_info:stats")
        stats_collectivity = reverse(
            "access_info:stats-collectivity", kwargs={"slug": commune.slug}
        )
        library = reverse("library:list")
    register_search = f"{register}?{urlencode({'q': scale.REGISTER_QUERY})}"
    library_search = f"{library}?{urlencode({'q': scale.LIBRARY_QUERY})}"
    return [
        Target("bare", "bare Django view", "/bench/bare", is_reference=True),
        Target("home", "home page", home),
        Target("members", "members directory", members),
        Target("collectivity", label, collectivity),
        Target("api", "API list", "/api/v1/collectivities/"),
        Target("plan", "action plan (Béni Mellal 2023)", plan),
        Target("meeting", "meeting (11 July 2023 workshop)", meeting),
        Target("register", "information register", register),
        Target("register_search", "information register search", register_search),
        Target("stats", "information statistics (network)", stats),
        Target("stats_collectivity", stats_label, stats_collectivity),
        Target("library", "library list", library),
        Target("library_search", "library search", library_search),
    ]


# --- In-process analysis --------------------------------------------------------------


class _SqlTimer:
    """Database execute wrapper adding up the wall time spent in ``cursor.execute``."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def analyse_in_process(targets: list[Target], repeat: int) -> dict[str, dict[str, Any]]:
    """Count queries and time each page in-process with Django's test client.

    Returns ``{key: {"status", "bytes", "queries_uncached", "queries_uncached_warm",
    "queries_cached", "ms_cold", "ms_uncached", "sql_ms_uncached", "ms_cached",
    "queries", "slowest_queries"}}``.

    Each page is requested once first (templates load), then the cache is cleared and
    the page requested with the page cache off: that *cold* request (``ms_cold``,
    ``queries_uncached``) also computes the aggregates the selectors cache per content
    version — what the first visitor after any change waits. The next requests
    (``queries_uncached_warm``; ``ms_uncached`` averaged over ``repeat``) find those
    aggregates cached: that is what wrk's uncached run measures. ``sql_ms_uncached``
    is the time inside ``cursor.execute`` of those (with SQLite, rows fetched after it
    are not included). ``queries`` lists the cold request's SQL, truncated, and
    ``slowest_queries`` its three slowest. Times are milliseconds.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    report: dict[str, dict[str, Any]] = {}
    for target in targets:
        timer = _SqlTimer()
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
            client.get(target.path)  # loads the templates (their first use is not timed)
            cache.clear()  # … then the cached aggregates are computed by the timed request
            # captured_queries is read lazily: copy it before the next request resets it.
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as capture:
                response = client.get(target.path)
            cold_ms = (time.perf_counter() - started) * 1000
            uncached = list(capture.captured_queries)
            with CaptureQueriesContext(connection) as capture:
                client.get(target.path)
            warm = list(capture.captured_queries)
            started = time.perf_counter()
            with connection.execute_wrapper(timer):
                for _ in range(repeat):
                    client.get(target.path)
            uncached_ms = (time.perf_counter() - started) * 1000 / repeat
        client.get(target.path)  # fills the cache (default PUBLIC_PAGE_CACHE_SECONDS)
        with CaptureQueriesContext(connection) as capture:
            client.get(target.path)
        cached = list(capture.captured_queries)
        started = time.perf_counter()
        for _ in range(repeat):
            client.get(target.path)
        cached_ms = (time.perf_counter() - started) * 1000 / repeat
        slowest = sorted(uncached, key=lambda q: float(q["time"]), reverse=True)
        report[target.key] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries_uncached": len(uncached),
            "queries_uncached_warm": len(warm),
            "queries_cached": len(cached),
            "ms_uncached": round(uncached_ms, 2),
            "sql_ms_uncached": round(timer.seconds * 1000 / repeat, 2),
            "ms_cached": round(cached_ms, 2),
            "ms_cold": round(cold_ms, 2),
            "queries": [q["sql"][:300] for q in uncached],
            "slowest_queries": [
                {"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:300]}
                for q in slowest[:3]
            ],
        }
    cache.clear()
    connection.close()
    return report


PROFILE_FOCUS = (
    r"src/infitah/|django/template/(base|loader_tags|defaulttags|defaultfilters)\.py"
    r"|django/db/models/sql/compiler\.py:\d+\(execute_sql|django/urls/base\.py"
    r"|django/utils/translation/trans_real\.py|django/utils/formats\.py"
    r"|rest_framework/(serializers|fields|relations|renderers)\.py"
)


def profile_in_process(path: str, limit: int = 25) -> str:
    """Return where 20 uncached requests of ``path`` spend their time (cProfile).

    Two listings: functions with the most time of their own (``tottime``), then the
    project's views, selectors and template tags, template rendering, SQL execution,
    URL reversing, translation and DRF serialisation by cumulative time.
    """
    import cProfile
    import io
    import pstats

    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    profiler = cProfile.Profile()
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0):
        client.get(path)
        profiler.enable()
        for _ in range(20):
            client.get(path)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(PROFILE_FOCUS, limit)
    return out.getvalue()


# --- Server and load generator -------------------------------------------------------


def gunicorn_executable() -> str:
    """Path of gunicorn in this virtual environment (or on PATH)."""
    candidate = Path(sys.executable).parent / "gunicorn"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("gunicorn")
    if not found:
        raise BenchError("gunicorn not found (make install)", EXIT_GUNICORN_FAILED)
    return found


@dataclass(frozen=True)
class Server:
    """A running gunicorn: its base URL and process group (master and workers)."""

    base: str
    pgid: int


def _group_cpu_ticks(pgid: int) -> int:
    """CPU time (clock ticks, user + system) of every process in process group ``pgid``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # After "pid (comm) ": state ppid pgrp session … utime (12th) stime (13th).
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total


def wait_until_idle(server: Server, timeout: float = 180.0) -> float:
    """Wait until gunicorn's processes stop using CPU; returns the seconds waited.

    A warm-up that ends while workers are still busy (a slow page, a cached aggregate
    being computed) leaves requests in the listen queue that gunicorn still serves:
    measuring then would charge them to the next run. Idle means no CPU time used by
    the process group during two consecutive 0.2 s samples. On a machine without
    ``/proc``, returns 0 at once. Gives up (with a warning) after ``timeout`` seconds.
    """
    if not Path("/proc/self/stat").exists():
        return 0.0
    started = time.monotonic()
    previous = _group_cpu_ticks(server.pgid)
    quiet = 0
    while time.monotonic() - started < timeout:
        time.sleep(0.2)
        current = _group_cpu_ticks(server.pgid)
        quiet = quiet + 1 if current == previous else 0
        if quiet >= 2:
            return round(time.monotonic() - started, 1)
        previous = current
    log(f"WARNING: gunicorn still busy after {timeout:g} s; measuring anyway")
    return round(time.monotonic() - started, 1)


@contextlib.contextmanager
def gunicorn_server(
    env: dict[str, str], workers: int, log_path: Path, mode: str
) -> Iterator[Server]:
    """Run gunicorn for the duration of the block; yields its :class:`Server`.

    The server runs in its own process group, which is terminated (then killed) on exit,
    whatever happens. Raises BenchError(exit 3) when it does not answer within 60 s.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        gunicorn_executable(),
        "infitah.wsgi",
        "--chdir",
        str(SRC_DIR),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    log(f"starting gunicorn ({mode}, {workers} workers) on {base}")
    with log_path.open("ab") as log_file:
        log_file.write(f"\n=== {mode}: {' '.join(command)}\n".encode())
        log_file.flush()
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(process, f"{base}/bench/bare", log_path)
        yield Server(base=base, pgid=process.pid)
    finally:
        stop_process_group(process)


def wait_until_ready(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    """Poll ``url`` until it answers 200; BenchError(exit 3) if the server dies or hangs."""
    deadline = time.monotonic() + 60
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise BenchError(
                f"gunicorn exited with status {process.returncode}:\n{tail}", EXIT_GUNICORN_FAILED
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"status {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.25)
    tail = log_path.read_text(errors="replace")[-3000:]
    raise BenchError(
        f"gunicorn did not answer {url} within 60 s ({last_error}):\n{tail}",
        EXIT_GUNICORN_FAILED,
    )


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Terminate the process group we started (gunicorn master and workers)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def run_wrk(url: str, seconds: int, threads: int, connections: int) -> dict[str, Any]:
    """Run wrk against ``url`` and return the figures of bench/wrk_report.lua."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        f"{WRK_TIMEOUT_S}s",
        "-s",
        str(LUA_REPORT),
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return dict(json.loads(line.removeprefix("BENCH_RESULT ")))
    raise BenchError(f"wrk gave no result for {url}:\n{result.stdout}\n{result.stderr}")


def measure(server: Server, target: Target, mode: str, args: argparse.Namespace) -> Measurement:
    """Warm up, wait until the server is idle, then measure one URL.

    Returns its Measurement (ratio filled in later); ``settle_s`` is how long the
    server stayed busy after the warm-up (see :func:`wait_until_idle`).
    """
    url = server.base + target.path
    if args.warmup > 0:
        run_wrk(url, args.warmup, args.threads, args.connections)
    settle = wait_until_idle(server)
    raw = run_wrk(url, args.duration, args.threads, args.connections)
    seconds = raw["duration_us"] / 1e6
    errors = {
        name.removesuffix("_errors"): int(raw[name])
        for name in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
        if raw[name]
    }
    return Measurement(
        mode=mode,
        key=target.key,
        label=target.label,
        path=target.path,
        requests=int(raw["requests"]),
        requests_per_s=round(raw["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(raw["p50_us"] / 1000, 2),
        p95_ms=round(raw["p95_us"] / 1000, 2),
        p99_ms=round(raw["p99_us"] / 1000, 2),
        mean_ms=round(raw["mean_us"] / 1000, 2),
        max_ms=round(raw["max_us"] / 1000, 2),
        errors=errors,
        settle_s=settle,
    )


def judge(rows: list[Measurement], mode: str) -> float:
    """Fill ratio and verdict of each row against the bare view of the same server run.

    The bare view is measured first and last; the reference is the mean of the two
    (so a machine that gets busier during the run biases no page). A page misses
    when its ratio is below the mode's target, its p95 above :data:`TARGET_P95_MS`,
    or when wrk gave up on some of its requests (slower than :data:`WRK_TIMEOUT_S`,
    which its percentiles leave out). Returns how far apart the two bare
    measurements are (0.1 = 10 %).
    """
    bares = [r for r in rows if r.key == "bare"]
    reference = sum(r.requests_per_s for r in bares) / len(bares)
    drift = (
        abs(bares[0].requests_per_s - bares[-1].requests_per_s) / reference if reference else 0.0
    )
    target_ratio = TARGET_CACHED_RATIO if mode == "cached" else TARGET_UNCACHED_RATIO
    for row in rows:
        row.ratio = round(row.requests_per_s / reference, 4) if reference else None
        if row.errors.get("status") or row.errors.get("connect") or row.requests == 0:
            row.verdict = "ERROR"
            row.missed.append(f"errors {row.errors}")
            continue
        if row.key == "bare":
            row.verdict = "reference"
            continue
        if row.ratio is None or row.ratio < target_ratio:
            row.missed.append(f"ratio < {target_ratio:.0%}")
        if row.p95_ms > TARGET_P95_MS:
            row.missed.append(f"p95 > {TARGET_P95_MS:g} ms")
        if row.errors.get("timeouts"):
            # wrk leaves requests slower than its --timeout out of the percentiles.
            row.missed.append(f"{row.errors['timeouts']} requests > {WRK_TIMEOUT_S} s")
        row.verdict = "MISSED: " + ", ".join(row.missed) if row.missed else "ok"
    return round(drift, 3)


# --- Reports ----------------------------------------------------------------------------


def format_table(rows: list[Measurement]) -> list[str]:
    """Return a Markdown table of the measurements (also readable in a terminal)."""
    lines = [
        "| mode | page | URL | req/s | ratio to bare | p50 ms | p95 ms | p99 ms | queries "
        "| busy after warm-up (s) | target | result |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        if row.key == "bare":
            target = "reference"
        else:
            ratio = TARGET_CACHED_RATIO if row.mode == "cached" else TARGET_UNCACHED_RATIO
            target = f"≥ {ratio:.0%}, p95 ≤ {TARGET_P95_MS:g} ms"
        ratio_text = f"{row.ratio:.1%}" if row.ratio is not None else "–"
        queries = "–" if row.queries is None else str(row.queries)
        lines.append(
            f"| {row.mode} | {row.label} | `{row.path}` | {row.requests_per_s:,.1f} "
            f"| {ratio_text} | {row.p50_ms:.1f} | {row.p95_ms:.1f} | {row.p99_ms:.1f} "
            f"| {queries} | {row.settle_s:g} | {target} | {row.verdict} |"
        )
    return lines


def format_analysis(analysis: dict[str, dict[str, Any]], targets: list[Target]) -> list[str]:
    """Return a Markdown table of the in-process query counts and timings."""
    lines = [
        "| page | status | KiB | queries cold | queries uncached | queries cache hit "
        "| ms cold | ms/request uncached | of which SQL | ms/request cached |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for target in targets:
        a = analysis[target.key]
        share = a["sql_ms_uncached"] / a["ms_uncached"] if a["ms_uncached"] else 0
        lines.append(
            f"| {target.label} | {a['status']} | {a['bytes'] / 1024:.1f} "
            f"| {a['queries_uncached']} | {a['queries_uncached_warm']} | {a['queries_cached']} "
            f"| {a['ms_cold']:.1f} "
            f"| {a['ms_uncached']:.2f} "
            f"| {a['sql_ms_uncached']:.2f} ({share:.0%}) | {a['ms_cached']:.2f} |"
        )
    return lines


def scale_summary(counts: dict[str, Any]) -> str:
    """One line of the synthetic data's row counts (``"–"`` without any)."""
    names = (
        ("total_information_requests", "information requests"),
        ("total_complaints", "complaints"),
        ("total_action_plans", "action plans"),
        ("total_meetings", "meetings"),
        ("total_agenda_items", "agenda items"),
        ("total_documents", "library documents"),
        ("total_search_entries", "search entries"),
        ("register_query_matches", "requests matching the register query"),
        ("library_query_matches", "documents matching the library query"),
    )
    parts = [f"{counts[key]:,} {label}" for key, label in names if key in counts]
    return ", ".join(parts) or "–"


def setup_summary(timings: dict[str, float]) -> str:
    """One line of the set-up steps' durations."""
    return ", ".join(f"{name} {seconds:g}" for name, seconds in timings.items())


def write_reports(
    payload: dict[str, Any], rows: list[Measurement], analysis_lines: list[str]
) -> None:
    """Write bench/results/latest.json and latest.md."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "latest.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    meta = payload["meta"]
    drift_text = ", ".join(f"{k} {v:.0%}" for k, v in meta["bare_view_drift"].items())
    md = [
        f"# Infitah benchmark — {meta['finished_at']}",
        "",
        f"- Database: {meta['database']} ({meta['counts']['collectivities']} collectivities, "
        f"{meta['counts']['members']} members); synthetic data: scale "
        f"`{meta['counts'].get('scale', 'none')}` ({scale_summary(meta['counts'])})",
        f"- Set-up times (s): {setup_summary(meta['setup_timings_s'])}",
        f"- Server: gunicorn, {meta['workers']} sync workers; load: wrk, {meta['threads']} "
        f"threads × {meta['connections']} connections, {meta['duration_s']} s per URL after "
        f"a {meta['warmup_s']} s warm-up",
        f"- Machine: {meta['machine']}; load average {meta['load_average_before']} before, "
        f"{meta['load_average_after']} after; commit {meta['git_commit']}",
        "- The bare view is measured first and last in each server run; ratios use the mean "
        f"(change between the two: {drift_text})",
        f"- Targets: cached ≥ {TARGET_CACHED_RATIO:.0%} of the bare view, uncached ≥ "
        f"{TARGET_UNCACHED_RATIO:.0%}, p95 ≤ {TARGET_P95_MS:g} ms",
        "",
        "## Throughput and latency",
        "",
        *format_table(rows),
        "",
        "## In-process analysis (Django test client, no HTTP)",
        "",
        *analysis_lines,
        "",
        f"Targets missed: {payload['missed']}; errors: {payload['errors']}.",
        "",
    ]
    (RESULTS_DIR / "latest.md").write_text("\n".join(md), encoding="utf-8")


def git_commit() -> str:
    """Short commit of the working tree (``+dirty`` when it has changes), or ``unknown``."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=PROJECT_DIR, capture_output=True, text=True
        ).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --- Main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per URL")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=POSTGRES_DEFAULT_URL,
        metavar="URL",
        help="benchmark on PostgreSQL: a dedicated database whose name starts with "
        f"infitah_bench, dropped and re-created (default {POSTGRES_DEFAULT_URL})",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top functions per page"
    )
    parser.add_argument(
        "--scale",
        choices=("none", "small", "full"),
        default="full",
        help="synthetic data generated by bench/scale.py: full (100,000 information "
        "requests, 20,000 meetings, a plan per commune, 10,000 documents; the default), "
        "small (about a twentieth, for a quick check) or none",
    )
    parser.add_argument(
        "--pages",
        metavar="KEY,…",
        help="measure only these pages (keys of the results, e.g. plan,stats); the bare "
        "view is always measured",
    )
    parser.add_argument(
        "--no-wrk",
        action="store_true",
        help="stop after the in-process analysis (no gunicorn, no wrk): a quick check",
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="do not refresh the planner statistics (ANALYZE) after generating the data",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--fresh-static",
        action="store_true",
        help="run collectstatic even when bench/results/static-cache is up to date",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the exit status described in the module docstring."""
    args = parse_args(argv)
    started = time.monotonic()
    if shutil.which("wrk") is None:
        print("wrk not found: install it with `make bench-deps` (Debian package wrk).")
        return EXIT_NO_WRK
    # SIGTERM (e.g. from make) must run the finally blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="infitah-bench-"))
    log_path = RESULTS_DIR / "gunicorn.log"
    log_path.write_text("", encoding="utf-8")
    try:
        if args.postgres:
            prepare_postgres(args.postgres)
            database_url = args.postgres
        else:
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        log(f"own database: {database_url} (work directory {workdir})")
        env = bench_environment(database_url, workdir / "var")
        setup_django(env)
        built = build_database(
            static_is_cached=link_static_cache(fresh=args.fresh_static),
            scale_name=args.scale,
            analyze=not args.no_analyze,
        )
        targets = choose_targets()
        if args.pages:
            wanted = {key.strip() for key in args.pages.split(",") if key.strip()}
            unknown = wanted - {t.key for t in targets}
            if unknown:
                raise BenchError(
                    f"--pages: unknown page(s) {sorted(unknown)}; known: "
                    + ", ".join(t.key for t in targets)
                )
            targets = [t for t in targets if t.is_reference or t.key in wanted]
        log("counting queries and timing the pages in-process …")
        analysis = analyse_in_process(targets, repeat=20)
        analysis_lines = format_analysis(analysis, targets)
        print("\n".join(analysis_lines), flush=True)
        broken = [t.path for t in targets if analysis[t.key]["status"] != 200]
        if broken:
            log(f"WARNING: these URLs do not answer 200 in-process: {broken}")
        if args.profile:
            for target in targets[1:]:
                print(f"\n--- cProfile, 20 uncached requests of {target.path}")
                print(profile_in_process(target.path), flush=True)
        if args.no_wrk:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            (RESULTS_DIR / "latest-analysis.json").write_text(
                json.dumps({"setup": built, "in_process": analysis}, indent=2, ensure_ascii=False)
                + "\n",
                encoding="utf-8",
            )
            log(f"--no-wrk: wrote {RESULTS_DIR / 'latest-analysis.json'}; no load test")
            return EXIT_SETUP_FAILED if broken else 0

        load_before = os.getloadavg()[0]
        if load_before > (os.cpu_count() or 1):
            log(
                f"WARNING: the machine is busy (load average {load_before:.1f} on "
                f"{os.cpu_count()} CPUs): absolute figures will be low and ratios noisy"
            )
        rows: list[Measurement] = []
        drift: dict[str, float] = {}
        for mode, extra in (("cached", {}), ("uncached", {"PUBLIC_PAGE_CACHE_SECONDS": "0"})):
            with gunicorn_server({**env, **extra}, args.workers, log_path, mode) as server:
                mode_rows = []
                # The bare view first and last: its mean is the reference.
                for target in [*targets, targets[0]]:
                    log(f"{mode}: {target.path} ({args.warmup} s warm-up + {args.duration} s)")
                    row = measure(server, target, mode, args)
                    key = "queries_cached" if mode == "cached" else "queries_uncached_warm"
                    row.queries = analysis[target.key][key]
                    mode_rows.append(row)
                mode_rows[-1].label += " (again, at the end)"
                drift[mode] = judge(mode_rows, mode)
                if drift[mode] > 0.2:
                    log(
                        f"WARNING: the bare view's throughput changed by {drift[mode]:.0%} "
                        "during the run: the machine's load changed, ratios are unreliable"
                    )
                rows.extend(mode_rows)

        missed = sum(1 for r in rows if r.verdict.startswith("MISSED"))
        errors = sum(1 for r in rows if r.verdict == "ERROR")
        meta = {
            "finished_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "elapsed_s": round(time.monotonic() - started, 1),
            "database": built["counts"]["database_vendor"],
            "counts": built["counts"],
            "setup_timings_s": built["timings_s"],
            "workers": args.workers,
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "cache_backend": env["CACHE_URL"] or "locmem (per gunicorn worker)",
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}",
            "git_commit": git_commit(),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
            "bare_view_drift": drift,
        }
        payload = {
            "meta": meta,
            "targets": {
                "cached_ratio": TARGET_CACHED_RATIO,
                "uncached_ratio": TARGET_UNCACHED_RATIO,
                "p95_ms": TARGET_P95_MS,
            },
            "results": [asdict(r) for r in rows],
            "in_process": analysis,
            "missed": missed,
            "errors": errors,
        }
        write_reports(payload, rows, analysis_lines)
        print()
        print("\n".join(format_table(rows)))
        print()
        if errors:
            print(f"ERROR: {errors} measurement(s) got failed requests (see the table).")
        if missed:
            print(f"MISSED: {missed} measurement(s) missed their target (see the table).")
        else:
            print("All targets met.")
        print(f"Wrote {RESULTS_DIR / 'latest.md'} and latest.json in {meta['elapsed_s']} s.")
        return EXIT_SETUP_FAILED if errors else 0
    except BenchError as exc:
        print(f"[bench] FAILED: {exc}", file=sys.stderr)
        return exc.exit_code
    finally:
        if args.keep:
            log(f"kept {workdir}" + (f" and {args.postgres}" if args.postgres else ""))
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if args.postgres:
                drop_postgres(args.postgres)


if __name__ == "__main__":
    sys.exit(main())
