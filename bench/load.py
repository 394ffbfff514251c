"""Throughput under load: gunicorn (deploy/gunicorn.conf.py) with 2 workers on 127.0.0.1,
driven by wrk.

    .venv/bin/python bench/load.py                        # PostgreSQL, 50,000 resources
    .venv/bin/python bench/load.py --database sqlite --reuse --duration 5

Builds the site of bench/build_site.py on a fresh database (50,000 resources, 2,000
recordings, 500 news, 5,000 activities) unless --reuse, collects the static files, then
for each page (home, the resource list unfiltered and with two filters, a resource, a recording, the search
page, 成效, and a hello-world Django view as the ceiling) prints requests per second and
p50/p99 latency, first with the page cache off, then on (Redis). Last, the home page's weight
as a browser downloads it: the HTML and every stylesheet, script and image it names, gzipped
where the server or the reverse proxy would gzip them.

wrk (Debian's package) is installed when missing.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from relevance import fresh_database  # noqa: E402

OUT = ROOT / "bench" / "out"
DATABASES = {
    "sqlite": "sqlite:///" + str(OUT / "load.sqlite3"),
    "postgres": os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hongsibu_bench_load"
    ),
}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_PORT", "8199"))
TARGETS = {"uncached_rps": 150, "cached_share_of_hello": 0.30, "home_kb": 300}


def env_for(database, page_cache=None, cold=False):
    env = dict(
        os.environ,
        DATABASE_URL=DATABASES[database],
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_MEDIA_ROOT=str(OUT / f"media-{database}"),
        REDIS_URL=REDIS_URL,
        DATABASE_CONN_MAX_AGE="60",  # persistent connections, as deploy/ sets them
        PYTHONPATH=str(ROOT),
    )
    if page_cache is not None:
        env["BENCH_PAGE_CACHE"] = "1" if page_cache else "0"
    if cold:
        env["BENCH_COLD"] = "1" if cold is True else cold
    return env


def python(args, env):
    subprocess.run([sys.executable, *args], env=env, cwd=ROOT, check=True)


def build(database, resources):
    fresh_database(DATABASES[database])
    shutil.rmtree(OUT / f"media-{database}", ignore_errors=True)
    started = time.perf_counter()
    python(["bench/build_site.py", "--resources", str(resources)], env_for(database))
    print(f"== {database}: site built in {time.perf_counter() - started:.0f} s")


def pick_urls(database):
    """The pages to load, found in the database the way a visitor would reach them."""
    script = r"""
import json, django
django.setup()
from content.models import RecordingPage, ResourceIndexPage, ResourcePage
resources = ResourcePage.objects.live().public().select_related("subject", "school").order_by("pk")
resource = resources[resources.count() // 2]
recordings = RecordingPage.objects.live().public().order_by("pk")
recording = recordings[recordings.count() // 2]
index = ResourceIndexPage.objects.get()
print(json.dumps({
    "home": "/",
    "resource list": index.url,
    "resource list, 2 filters": f"{index.url}?subject={resource.subject.slug}&school={resource.school.slug}",
    "resource page": resource.url,
    "recording page": recording.url,
    "search page": "/search/?q=" + __import__("urllib.parse").parse.quote("函数 单调性"),
    "成效 page": "/results/",
    "hello-world view": "/bench/hello/",
}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env_for(database),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


class Server:
    def __init__(self, database, page_cache, cold=False):
        self.env = env_for(database, page_cache, cold)
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            # The production configuration, with 2 workers and no access log.
            env={
                **self.env,
                "GUNICORN_WORKERS": "2",
                "GUNICORN_BIND": f"127.0.0.1:{PORT}",
                "GUNICORN_ACCESS_LOG": "/dev/null",
                "GUNICORN_LOG_LEVEL": "warning",
            },
            cwd=ROOT,
        )
        for _ in range(600):  # two minutes: the master warms up first (portal/warmup.py)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/hello/", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def fetch(path, headers=None):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def ensure_wrk():
    if shutil.which("wrk"):
        return
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", "wrk"],
        check=True,
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
    )


def wrk(path, duration, connections):
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.urls.append(attrs.get("href"))
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") == "icon":
            self.urls.append(attrs.get("href"))


def home_weight():
    """Bytes a first visit to the home page downloads. HTML is gzipped as the reverse proxy
    does (deploy/); static files as WhiteNoise serves them to a browser asking for gzip."""
    _status, _headers, html = fetch("/")
    parts = {"HTML (gzip)": len(gzip.compress(html, 6)), "HTML (raw)": len(html)}
    parser = Assets()
    parser.feed(html.decode("utf-8"))
    assets = 0
    for url in dict.fromkeys(u for u in parser.urls if u and u.startswith("/")):
        _status, _headers, body = fetch(url, {"Accept-Encoding": "gzip"})
        assets += len(body)
    parts["assets"] = assets
    parts["total"] = parts["HTML (gzip)"] + assets
    parts["assets_count"] = len(parser.urls)
    return parts


def run(database, duration, connections, modes=("off", "on"), cold_after=()):
    urls = pick_urls(database)
    results = {}
    weight = None
    runs = [(mode, mode == "cold") for mode in modes]
    runs += [(f"cold:{scope}", scope) for scope in cold_after]
    for mode, cold in runs:
        cached = mode == "on"
        flush_redis()
        with Server(database, page_cache=cached, cold=cold):
            for name, path in urls.items():
                status, headers, _body = fetch(path)
                if status != 200:
                    raise SystemExit(f"{name} {path} answered {status}")
                for _ in range(3):  # warm: templates, connections, and the page cache
                    fetch(path)
                results[(mode, name)] = {
                    **wrk(path, duration, connections),
                    "cache": headers.get("X-Page-Cache", "-"),
                }
            if cached:
                weight = home_weight()
    print(
        f"\n== {database}: gunicorn 2 workers, wrk 1 thread {connections} connections "
        f"{duration} s per page"
    )
    print(f"{'page':28} {'cache':14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  errors")
    for (mode, name), r in results.items():
        print(
            f"{name:28} {mode:14} {r['rps']:8.1f} {r['p50_ms']:8.1f} "
            f"{r['p99_ms']:8.1f}  {r['non_2xx'] or ''} {r['socket_errors']}"
        )
    pages = [n for n in urls if n != "hello-world view"]
    if weight is None or "off" not in modes or "on" not in modes:
        return
    hello = results[("on", "hello-world view")]["rps"]
    slowest_uncached = min(results[("off", n)]["rps"] for n in pages)
    slowest_cached = min(results[("on", n)]["rps"] for n in pages)
    print(
        f"\nhome page: {weight['total'] / 1024:.1f} KB transferred "
        f"(HTML {weight['HTML (gzip)'] / 1024:.1f} KB gzipped, {weight['HTML (raw)'] / 1024:.1f} KB raw; "
        f"{weight['assets_count']} assets {weight['assets'] / 1024:.1f} KB)"
    )
    print(
        f"targets: uncached ≥ {TARGETS['uncached_rps']} req/s: slowest page {slowest_uncached:.0f}; "
        f"cached ≥ {TARGETS['cached_share_of_hello']:.0%} of hello ({hello:.0f}): slowest "
        f"{slowest_cached:.0f} = {slowest_cached / hello:.0%}; "
        f"home ≤ {TARGETS['home_kb']} KB: {weight['total'] / 1024:.0f} KB"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="postgres", choices=sorted(DATABASES))
    parser.add_argument("--resources", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="load the site of the last run")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--page-cache",
        choices=["off", "on", "both", "cold", "all", "none"],
        default="both",
        help="measure with the page cache off, on, both (the default); cold: off, and every "
        "shared cache emptied before each request (as just after a publish); all: the three; "
        "none: only the --cold-after runs",
    )
    parser.add_argument(
        "--cold-after",
        action="append",
        default=[],
        metavar="SCOPE",
        help="also measure with the page cache off and this scope's generation started "
        "before each request, as after a change in that section (news, resources, tracking "
        "...; see CACHING_SCOPES); may be given more than once",
    )
    args = parser.parse_args()
    ensure_wrk()
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        build(args.database, args.resources)
    python(["manage.py", "collectstatic", "--noinput", "-v0"], env_for(args.database))
    modes = {"both": ("off", "on"), "all": ("off", "on", "cold")}.get(
        args.page_cache, (args.page_cache,)
    )
    modes = () if args.page_cache == "none" else modes
    run(args.database, args.duration, args.connections, modes, args.cold_after)


if __name__ == "__main__":
    main()
