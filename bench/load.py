"""Throughput under load: gunicorn (deploy/gunicorn.conf.py) with 2 sync workers on
127.0.0.1, driven by wrk (1 thread, 8 connections).

    .venv/bin/python bench/load.py --bakerydemo /path/to/bakerydemo   # issue 17's whole figure set
    .venv/bin/python bench/load.py --bakerydemo /path/to/bakerydemo --only small   # ~5 min, no 50k build
    .venv/bin/python bench/load.py                        # PostgreSQL, 50,000 resources
    .venv/bin/python bench/load.py --database sqlite --reuse --duration 5

Two sites, `--only` picks one:

- large: the site of bench/build_site.py on a fresh database (`--database`, PostgreSQL by
  default; 50,000 resources, 2,000 recordings, 500 news, 5,000 activities) unless --reuse.
  Pages: home, the resource list unfiltered and with two filters, a resource, a recording, the search page,
  成效, and a hello-world Django view as the ceiling. The cold figures are checked against
  issue 17's targets: the resource list and 成效 at least 60 req/s, every other page 80.
- small: the demo as `manage.py load_initial_data` builds it, on SQLite (`--small-database`),
  the same pages with the resource list unfiltered. With `--bakerydemo PATH` (a checkout of
  wagtail/bakerydemo) the bakery demo runs beside it, set up as its README says (its own venv,
  `migrate`, `load_initial_data`, SQLite, Django's in-process cache) with DEBUG off, served by
  gunicorn with 2 sync workers; the pages of the same kind (home, list = the blog index,
  detail = a blog page, search = ?q=bread) are loaded in turn with the portal's cold pages,
  so both see the same machine load; the portal's cold page must reach 2× bakerydemo's.
  bakerydemo has no cache of its own: its figures are as it runs. Its venv, database and media
  are kept in bench/out (bakerydemo-venv, bakerydemo/) and reused while the checkout's commit
  is the same. Its HEAD needs Django 6 and Python 3.12: on Python 3.11 check out 5a01dcd
  (Wagtail 7.2, Django 5.2).

For each site and page it prints requests per second, p50/p99 latency and the 1-minute load
average when wrk ended, with the page cache cold (bench/cold.py: every shared cache emptied
before each request, as just after a publish), off (the full-page cache only) and on
(`--page-cache`). Last, the home page's weight as a browser downloads it: the HTML and every
stylesheet, script and image it names, gzipped where the server or the reverse proxy would
gzip them. The figures are written to bench/out/load-results.json; `--baseline FILE` (a copy
of an earlier run's) compares the off and on figures with it.

wrk (Debian's package) is installed when missing.
"""

import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from relevance import fresh_database  # noqa: E402

OUT = ROOT / "bench" / "out"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hongsibu_bench_load"
)
DATABASES = {
    ("large", "sqlite"): "sqlite:///" + str(OUT / "load.sqlite3"),
    ("large", "postgres"): POSTGRES_URL,
    ("small", "sqlite"): "sqlite:///" + str(OUT / "load-small.sqlite3"),
    ("small", "postgres"): POSTGRES_URL + "_small",
}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_PORT", "8199"))
BAKERYDEMO_PORT = PORT + 1
TARGETS = {"uncached_rps": 150, "cached_share_of_hello": 0.30, "home_kb": 300}
# Issue 17: cold pages at 50,000 resources, and the small demo's against bakerydemo's.
COLD_TARGETS = {"resource list": 60, "resource list, 2 filters": 60, "成效 page": 60}
COLD_TARGET_OTHERS = 80
BAKERYDEMO_RATIO = 2.0
# Off and on figures may not drop below the baseline's; wrk's run-to-run noise on an idle
# machine is a few per cent, so a drop within this share still passes.
BASELINE_TOLERANCE = 0.05
# Page kinds compared with bakerydemo: (the portal's page, bakerydemo's page).
KINDS = {
    "home": ("home", "home"),
    "list": ("resource list", "blog index"),
    "detail": ("resource page", "blog page"),
    "search": ("search page", "search"),
}
HELLO = "hello-world view"


def env_for(site, database, page_cache=None, cold=False):
    env = dict(
        os.environ,
        DATABASE_URL=DATABASES[site, database],
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_MEDIA_ROOT=str(
            OUT / (f"media-{database}" if site == "large" else f"media-small-{database}")
        ),
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


def build(site, database, resources):
    fresh_database(DATABASES[site, database])
    env = env_for(site, database)
    shutil.rmtree(env["BENCH_MEDIA_ROOT"], ignore_errors=True)
    started = time.perf_counter()
    if site == "large":
        python(["bench/build_site.py", "--resources", str(resources)], env)
    else:
        python(["manage.py", "migrate", "-v0"], env)
        subprocess.run(
            [sys.executable, "manage.py", "load_initial_data"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(f"== {site} site on {database}: built in {time.perf_counter() - started:.0f} s")


def pick_urls(site, database):
    """The pages to load, found in the database the way a visitor would reach them."""
    script = r"""
import json, sys, urllib.parse, django
django.setup()
from content.models import RecordingPage, ResourceIndexPage, ResourcePage
large = sys.argv[1] == "large"
resources = ResourcePage.objects.live().public().select_related("subject", "school").order_by("pk")
resource = resources[resources.count() // 2]
recordings = RecordingPage.objects.live().public().order_by("pk")
recording = recordings[recordings.count() // 2]
index = ResourceIndexPage.objects.get()
if large:
    lists = {
        "resource list": index.url,
        "resource list, 2 filters": f"{index.url}?subject={resource.subject.slug}&school={resource.school.slug}",
    }
else:
    # The whole list, as bakerydemo's blog index shows all its posts.
    lists = {"resource list": index.url}
print(json.dumps({
    "home": "/",
    **lists,
    "resource page": resource.url,
    "recording page": recording.url,
    "search page": "/search/?q=" + urllib.parse.quote("函数 单调性" if large else "函数"),
    "成效 page": "/results/",
    "hello-world view": "/bench/hello/",
}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script, site],
        env=env_for(site, database),
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
    """A gunicorn with 2 sync workers on 127.0.0.1:port, stopped on leaving the block."""

    def __init__(self, command, env, port, cwd, probe):
        self.command, self.env, self.port, self.cwd, self.probe = command, env, port, cwd, probe
        self.proc = None

    @classmethod
    def portal(cls, site, database, page_cache, cold=False):
        env = env_for(site, database, page_cache, cold)
        return cls(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            # The production configuration, with 2 workers and no access log.
            {
                **env,
                "GUNICORN_WORKERS": "2",
                "GUNICORN_BIND": f"127.0.0.1:{PORT}",
                "GUNICORN_ACCESS_LOG": "/dev/null",
                "GUNICORN_LOG_LEVEL": "warning",
            },
            PORT,
            ROOT,
            "/bench/hello/",
        )

    def __enter__(self):
        self.proc = subprocess.Popen(self.command, env=self.env, cwd=self.cwd)
        for _ in range(600):  # two minutes: the master warms up first (portal/warmup.py)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{self.probe}", timeout=30)
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn on port {self.port} did not start")

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def fetch(path, headers=None, port=PORT):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, dict(response.headers), response.read()


def ensure_wrk():
    if shutil.which("wrk"):
        return
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", "wrk"],
        check=True,
        env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
    )


def wrk(path, duration, connections, port=PORT):
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            # A loaded machine's slow pages are counted, not dropped as 2-second timeouts.
            "--timeout=30s",
            f"http://127.0.0.1:{port}{path}",
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
        # The machine's load when the figure was taken: others' work lowers it.
        "load": os.getloadavg()[0],
    }


def measure(path, args, port=PORT):
    """wrk on a page after a few warming requests (templates, connections, the page cache)."""
    status, headers, _body = fetch(path, port=port)
    if status != 200:
        raise SystemExit(f"{path} on port {port} answered {status}")
    for _ in range(3):
        fetch(path, port=port)
    return {
        **wrk(path, args.duration, args.connections, port),
        "cache": headers.get("X-Page-Cache", "-"),
        "path": path,
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


# -- bakerydemo ---------------------------------------------------------------------------


class Bakerydemo:
    """A checkout of wagtail/bakerydemo, set up once in bench/out and served by gunicorn."""

    VENV = OUT / "bakerydemo-venv"
    DATA = OUT / "bakerydemo"

    def __init__(self, checkout):
        self.checkout = Path(checkout).resolve()
        if not (self.checkout / "bakerydemo" / "settings" / "dev.py").exists():
            raise SystemExit(f"{self.checkout} is not a checkout of wagtail/bakerydemo")
        self.commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=self.checkout,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.python = str(self.VENV / "bin" / "python")
        self.env = dict(
            os.environ,
            # bench/bakerydemo_settings.py: its dev settings with DEBUG off and its data here.
            DJANGO_SETTINGS_MODULE="bakerydemo_settings",
            BAKERYDEMO_DATA=str(self.DATA),
            PYTHONPATH=f"{ROOT / 'bench'}{os.pathsep}{self.checkout}",
            PYTHONWARNINGS="ignore::UserWarning",  # django-dotenv's "no .env file"
        )
        for name in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV"):
            self.env.pop(name, None)  # its settings would take them

    def manage(self, *args):
        subprocess.run(
            [self.python, "manage.py", *args],
            env=self.env,
            cwd=self.checkout,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def set_up(self):
        stamp = self.DATA / "set-up"
        if stamp.exists() and stamp.read_text() == f"{self.checkout} {self.commit}\n":
            return
        started = time.perf_counter()
        if not (self.VENV / "bin" / "gunicorn").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(self.VENV)], check=True)
            pins = []
            if sys.version_info < (3, 12):
                # django-tasks 0.9.0, the newest Wagtail 7.2 accepts, fails on Python 3.11
                # when a page is saved (a slotted frozen dataclass behind a generic alias);
                # 0.8 has no slots.
                pins.append("django-tasks!=0.9.0")
            subprocess.run(
                [
                    str(self.VENV / "bin" / "pip"),
                    "install",
                    "-q",
                    "-r",
                    "requirements/development.txt",  # its README's
                    "gunicorn",
                    *pins,
                ],
                cwd=self.checkout,
                check=True,
            )
        shutil.rmtree(self.DATA, ignore_errors=True)
        self.DATA.mkdir(parents=True)
        self.manage("migrate", "-v0")
        self.manage("load_initial_data")
        self.manage("collectstatic", "--noinput", "-v0")  # its manifest storage needs it
        stamp.write_text(f"{self.checkout} {self.commit}\n")
        print(f"== bakerydemo {self.commit} set up in {time.perf_counter() - started:.0f} s")

    def describe(self):
        return subprocess.run(
            [
                self.python,
                "-c",
                "import django, wagtail; print(f'Wagtail {wagtail.__version__}, "
                'Django {django.__version__}, Python {__import__("platform").python_version()}\')',
            ],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def urls(self):
        script = r"""
import json, django
django.setup()
from bakerydemo.blog.models import BlogIndexPage, BlogPage
posts = BlogPage.objects.live().public().order_by("pk")
print(json.dumps({
    "home": "/",
    "blog index": BlogIndexPage.objects.live().public().get().url,
    "blog page": posts[posts.count() // 2].url,
    "search": "/search/?q=bread",
}))
"""
        out = subprocess.run(
            [self.python, "-c", script],
            env=self.env,
            cwd=self.checkout,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    def server(self):
        return Server(
            [
                str(self.VENV / "bin" / "gunicorn"),
                "--workers=2",
                "--worker-class=sync",
                f"--bind=127.0.0.1:{BAKERYDEMO_PORT}",
                "--log-level=warning",
                "bakerydemo.wsgi:application",
            ],
            self.env,
            BAKERYDEMO_PORT,
            self.checkout,
            "/",
        )


# -- the runs -----------------------------------------------------------------------------


def run(site, database, args, modes, bakerydemo=None):
    """Figures keyed (mode, page); bakerydemo's pages under mode "bakerydemo"."""
    urls = pick_urls(site, database)
    if args.pages:
        unknown = set(args.pages) - set(urls)
        if unknown:
            raise SystemExit(
                f"--pages: no page {', '.join(sorted(unknown))}; known: {', '.join(urls)}"
            )
        urls = {name: path for name, path in urls.items() if name in args.pages}
    bakery_urls = bakerydemo.urls() if bakerydemo else {}
    results = {}
    weight = None
    runs = [(mode, mode == "cold") for mode in modes]
    runs += [(f"cold:{scope}", scope) for scope in args.cold_after]
    for mode, cold in runs:
        cached = mode == "on"
        flush_redis()
        with Server.portal(site, database, page_cache=cached, cold=cold):
            # bakerydemo beside the portal's cold pages, page kind by page kind, so that the
            # two figures of a kind are taken a few seconds apart under the same load.
            beside = bakerydemo and mode == "cold"
            with bakerydemo.server() if beside else contextlib.nullcontext():
                for name, path in urls.items():
                    results[(mode, name)] = measure(path, args)
                    kind = next((k for k, (ours, _) in KINDS.items() if ours == name), None)
                    if beside and kind:
                        theirs = KINDS[kind][1]
                        results[("bakerydemo", theirs)] = measure(
                            bakery_urls[theirs], args, BAKERYDEMO_PORT
                        )
            if cached and site == "large":
                weight = home_weight()
    if bakerydemo and "cold" not in modes:
        with bakerydemo.server():
            for _kind, (_ours, theirs) in KINDS.items():
                results[("bakerydemo", theirs)] = measure(
                    bakery_urls[theirs], args, BAKERYDEMO_PORT
                )
    print(
        f"\n== {site} site on {database}: gunicorn 2 sync workers, wrk 1 thread "
        f"{args.connections} connections {args.duration} s per page"
    )
    print(f"{'page':28} {'cache':14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'load':>5}  errors")
    for (mode, name), r in results.items():
        print(
            f"{name:28} {mode:14} {r['rps']:8.1f} {r['p50_ms']:8.1f} "
            f"{r['p99_ms']:8.1f} {r['load']:5.1f}  {r['non_2xx'] or ''} {r['socket_errors']}"
        )
    if weight is not None and "off" in modes and HELLO in urls:
        today_targets(results, weight, [n for n in urls if n != HELLO])
    return results


def today_targets(results, weight, pages):
    hello = results[("on", HELLO)]["rps"]
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


def verdict(ok):
    return "PASS" if ok else "FAIL"


def report_small(results, database, bakery_label):
    print(
        f"\n== small demo: the portal (load_initial_data, {database}) against bakerydemo "
        f"({bakery_label}, SQLite), same run; target: portal cold ≥ {BAKERYDEMO_RATIO:g}× bakerydemo"
    )
    print(
        f"{'kind':7} {'portal page':14} {'cold':>7} {'off':>7} {'on':>7}   "
        f"{'bakerydemo page':16} {'req/s':>7}  {'cold ÷ bakerydemo':>17}"
    )
    for kind, (ours, theirs) in KINDS.items():
        row = [results.get((mode, ours), {}).get("rps") for mode in ("cold", "off", "on")]
        bakery = results.get(("bakerydemo", theirs), {}).get("rps")
        cells = " ".join(f"{v:7.1f}" if v is not None else f"{'-':>7}" for v in row)
        theirs_cell = f"{bakery:7.1f}" if bakery is not None else f"{'-':>7}"
        line = f"{kind:7} {ours:14} {cells}   {theirs:16} {theirs_cell}"
        if row[0] is not None and bakery:
            ratio = row[0] / bakery
            line += f"  {ratio:16.1f}× {verdict(ratio >= BAKERYDEMO_RATIO)}"
        print(line)
    cold_floor(results)


def cold_floor(results):
    """A cold run starts new generations before every request (bench/cold.py): a database
    write each, which a visitor after a publish does not pay, and which the database takes
    one at a time. The hello-world view, which reads nothing, shows the rate it allows."""
    hello = results.get(("cold", HELLO))
    if hello:
        print(
            f"(cold hello-world view: {hello['rps']:.1f} req/s, the ceiling that starting the "
            f"generations before each request leaves a cold page; off: "
            f"{results.get(('off', HELLO), {}).get('rps', float('nan')):.1f})"
        )


def report_large(results, database, resources):
    if not any(mode == "cold" for mode, _ in results):
        return
    print(
        f"\n== {resources:,} resources on {database}, page cache cold: issue 17's targets "
        f"(resource list and 成效 ≥ 60 req/s, every other page ≥ {COLD_TARGET_OTHERS})"
    )
    for (mode, name), r in results.items():
        if mode != "cold" or name == HELLO:
            continue
        target = COLD_TARGETS.get(name, COLD_TARGET_OTHERS)
        print(
            f"{name:28} {r['rps']:7.1f} req/s  ≥ {target:3}  {verdict(r['rps'] >= target)}"
            f"   (load {r['load']:.1f})"
        )
    cold_floor(results)


def rows(site, database, results):
    return [
        {"site": site, "database": database, "mode": mode, "page": name, **figures}
        for (mode, name), figures in results.items()
    ]


def compare(all_rows, baseline_path):
    """The off and on figures against an earlier run's (bench/out/load-results.json)."""
    baseline = json.loads(Path(baseline_path).read_text())
    before = {(r["site"], r["database"], r["mode"], r["page"]): r for r in baseline["rows"]}
    print(
        f"\n== against {baseline_path} ({baseline['when']}): page cache off and on no lower "
        f"than before (within {BASELINE_TOLERANCE:.0%})"
    )
    for r in all_rows:
        old = before.get((r["site"], r["database"], r["mode"], r["page"]))
        if r["mode"] not in ("off", "on") or old is None or r["page"] == HELLO:
            continue
        ratio = r["rps"] / old["rps"]
        print(
            f"{r['site']:6} {r['database']:9} {r['page']:28} {r['mode']:4} "
            f"{old['rps']:7.1f} → {r['rps']:7.1f} req/s ({ratio:5.0%})  "
            f"{verdict(ratio >= 1 - BASELINE_TOLERANCE)}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        choices=["small", "large"],
        help="one site: the demo (with bakerydemo beside it) or the 50,000 resources; "
        "default: both with --bakerydemo, else large",
    )
    parser.add_argument(
        "--bakerydemo",
        metavar="CHECKOUT",
        help="a checkout of wagtail/bakerydemo to load beside the small demo",
    )
    parser.add_argument("--database", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument(
        "--small-database",
        default="sqlite",
        choices=["postgres", "sqlite"],
        help="the small demo's database (SQLite, as bakerydemo's)",
    )
    parser.add_argument("--resources", type=int, default=50_000)
    parser.add_argument("--reuse", action="store_true", help="load the sites of the last run")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--page-cache",
        choices=["off", "on", "both", "cold", "all", "none"],
        default="all",
        help="measure with the page cache cold, off and on (all, the default); off: the "
        "full-page cache only; cold: off, and every shared cache emptied before each request "
        "(as just after a publish); both: off and on; none: only the --cold-after runs",
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
    parser.add_argument(
        "--pages",
        type=lambda value: [name.strip() for name in value.split(",") if name.strip()],
        help="only these pages, by name, comma-separated (e.g. 'search page,hello-world view'); "
        "default: every page",
    )
    parser.add_argument(
        "--baseline",
        metavar="JSON",
        help="an earlier run's bench/out/load-results.json (copy it away first): compare "
        "the off and on figures",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows in a log as it happens
    sites = [args.only] if args.only else ["small", "large"] if args.bakerydemo else ["large"]
    if args.bakerydemo and "small" not in sites:
        parser.error("--bakerydemo is loaded beside the small demo: drop --only large")
    ensure_wrk()
    OUT.mkdir(parents=True, exist_ok=True)
    modes = {"both": ("off", "on"), "all": ("cold", "off", "on"), "none": ()}.get(
        args.page_cache, (args.page_cache,)
    )
    bakerydemo = Bakerydemo(args.bakerydemo) if args.bakerydemo else None
    if bakerydemo:
        bakerydemo.set_up()
    reports, all_rows = [], []
    for site in sites:
        database = args.small_database if site == "small" else args.database
        if not args.reuse:
            build(site, database, args.resources)
        python(["manage.py", "collectstatic", "--noinput", "-v0"], env_for(site, database))
        results = run(site, database, args, modes, bakerydemo if site == "small" else None)
        all_rows += rows(site, database, results)
        if site == "small" and bakerydemo:
            label = f"{bakerydemo.commit}: {bakerydemo.describe()}"
            reports.append(lambda r=results, d=database, b=label: report_small(r, d, b))
        elif site == "large":
            reports.append(lambda r=results, d=database: report_large(r, d, args.resources))
    for report in reports:  # the verdicts together at the end
        report()
    if args.baseline:
        compare(all_rows, args.baseline)
    (OUT / "load-results.json").write_text(
        json.dumps(
            {"when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "argv": sys.argv[1:], "rows": all_rows},
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
