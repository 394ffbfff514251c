#!/usr/bin/env bash
# `make check-deploy`: check every deployment file that can be checked on this machine.
# nginx -t on the site config (throwaway certificates), gunicorn --check-config, systemd's
# verifier on the units, the compose file parsed, and Django's deployment checks with the
# production settings and the documented environment. Fails on the first problem.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The environment deploy/README.md documents, with example values.
export DJANGO_SETTINGS_MODULE=portal.settings.production
export DJANGO_SECRET_KEY=check-deploy-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG
export DJANGO_ALLOWED_HOSTS=portal.example.cn
export DJANGO_CSRF_TRUSTED_ORIGINS=https://portal.example.cn
export DATABASE_URL=postgres://portal@127.0.0.1:5432/portal
export REDIS_URL=redis://127.0.0.1:6379/0
export S3_BUCKET=hongsibu-portal S3_ENDPOINT_URL=https://oss-cn-beijing.aliyuncs.com
export JIEBA_CACHE_DIR="$work/jieba"

echo "== nginx -t (deploy/nginx)"
# The same install as `make deploy-tools` (which `make check-deploy` runs first): one place
# that knows the packages, sudo and dpkg's lock.
command -v nginx >/dev/null || sh scripts/install-deploy-tools.sh
command -v nginx >/dev/null || { echo "nginx is not installed and cannot be installed here"; exit 1; }
mkdir -p "$work/nginx/tls" "$work/nginx/snippets" "$work/nginx/logs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=portal.example.cn \
    -keyout "$work/nginx/tls/portal.example.cn.key" -out "$work/nginx/tls/portal.example.cn.crt" 2>/dev/null
cp deploy/nginx/hongsibu-portal-proxy.conf "$work/nginx/snippets/"
for f in hongsibu-portal.conf hongsibu-portal-upstream.conf; do
    sed -e "s#/etc/nginx/tls/#$work/nginx/tls/#; s#/etc/nginx/snippets/#$work/nginx/snippets/#" \
        "deploy/nginx/$f" > "$work/nginx/$f"
done
cat > "$work/nginx/nginx.conf" <<CONF
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    include $work/nginx/hongsibu-portal-upstream.conf;
    include $work/nginx/hongsibu-portal.conf;
}
CONF
nginx -q -t -p "$work/nginx" -c "$work/nginx/nginx.conf"

echo "== nginx serves what it should and refuses private uploads"
# The same config on free loopback ports with a stand-in /srv/hongsibu-portal.
read -r http_port https_port app_port < <($PY -c "
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(('127.0.0.1', 0))
print(*[s.getsockname()[1] for s in socks])")
srv="$work/srv-nginx"
mkdir -p "$srv/staticfiles/css" "$srv/media/images" "$srv/media/documents" "$srv/media/media" "$srv/media/other" \
    "$srv/media/private/images"
for f in staticfiles/css/portal.css media/images/a.png media/documents/a.pdf media/media/a.mp4 media/other/a.txt \
    media/private/images/a.png; do
    echo x > "$srv/$f"
done
sed -i -e "s#listen 80;#listen 127.0.0.1:$http_port;#; s#listen 443 ssl http2;#listen 127.0.0.1:$https_port ssl http2;#" \
    -e "/listen \[::\]/d" -e "s#/srv/hongsibu-portal#$srv#g" "$work/nginx/hongsibu-portal.conf"
sed -i "s#server 127.0.0.1:8000 #server 127.0.0.1:$app_port #" "$work/nginx/hongsibu-portal-upstream.conf"
chmod 755 "$work"  # nginx's workers run as nobody
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g "daemon off;" &
nginx_pid=$!
stop_nginx() { kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true; }
trap 'stop_nginx; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do [ -s "$work/nginx/nginx.pid" ] && break; sleep 0.1; done
expect() {  # expect STATUS PATH [HEADER]
    local got
    got=$(curl -sk -o /dev/null -D "$work/headers" -w '%{http_code}' "https://127.0.0.1:$https_port$2")
    if [ "$got" != "$1" ]; then echo "$2: HTTP $got, expected $1"; exit 1; fi
    if [ -n "${3:-}" ] && ! grep -qi "$3" "$work/headers"; then echo "$2: no '$3' header"; exit 1; fi
}
expect 200 /static/css/portal.css "cache-control: public, max-age=31536000, immutable"
expect 200 /media/images/a.png "content-security-policy: default-src 'none'; sandbox"
expect 403 /media/documents/a.pdf
expect 403 /media/media/a.mp4
expect 403 /media/other/a.txt
expect 502 /media/private/images/a.png   # a private image: to the app servers' check, absent here
expect 404 /internal-media/private/images/a.png   # only an app server's X-Accel-Redirect reaches it
expect 404 "/internal-object/hongsibu-portal/documents/a.pdf?X-Amz-Signature=x"   # the same, to the bucket
expect 502 /media-files/1/a.mp4   # videos: to the app servers' check, which hands nginx the file
expect 502 /resources/   # passed on to the app servers, absent here
got=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$http_port/x?y=1")
[ "$got" = "301 https://127.0.0.1/x?y=1" ] || { echo "plain HTTP: $got"; exit 1; }
stop_nginx


echo "== systemd-analyze verify (deploy/systemd)"
if command -v systemd-analyze >/dev/null; then
    # The units name /srv/hongsibu-portal; point them at stand-ins for its programs.
    mkdir -p "$work/srv/.venv/bin"
    for program in gunicorn python; do
        printf '#!/bin/sh\n' > "$work/srv/.venv/bin/$program"
        chmod +x "$work/srv/.venv/bin/$program"
    done
    for unit in deploy/systemd/*; do
        sed "s#/srv/hongsibu-portal#$work/srv#g" "$unit" > "$work/$(basename "$unit")"
    done
    # Unknown keys and bad values are only printed: any output is a failure.
    out=$(systemd-analyze verify --man=no "$work"/*.service "$work"/*.timer 2>&1) || { echo "$out"; exit 1; }
    if [ -n "$out" ]; then echo "$out"; exit 1; fi
else
    echo "systemd-analyze is not installed: units not checked"
fi

echo "== compose file and Containerfile"
$PY - <<'PYCODE'
import yaml
compose = yaml.safe_load(open("deploy/compose.yaml"))
assert {"app1", "app2", "worker", "nginx", "db", "redis", "migrate"} <= set(compose["services"]), compose["services"].keys()
for name, service in compose["services"].items():
    for volume in service.get("volumes", []):
        source = volume.split(":")[0]
        if source.startswith("./"):
            import os
            assert source == "./tls" or os.path.exists("deploy/" + source[2:]), f"{name}: {source} missing"
for line in open("deploy/Containerfile"):
    if line.startswith("COPY "):
        import os
        for source in line.split()[1:-1]:
            assert os.path.exists(source), f"Containerfile copies {source}, which does not exist"
PYCODE

echo "== gunicorn --check-config (deploy/gunicorn.conf.py), then manage.py check --deploy"
# One process for both, since each sets Django and Wagtail up (4 s of CPU): the app loaded as
# `gunicorn --check-config` loads it (gunicorn's own runner class, reading the config file
# and importing its wsgi_app), then Django's deployment checks in it.
PYTHONWARNINGS=ignore::UserWarning $PY - <<'PYCODE'
import sys
from gunicorn.app.wsgiapp import WSGIApplication
sys.argv = ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn").load()
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
PYCODE
echo "== deployment files check out"
