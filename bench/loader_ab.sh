#!/bin/sh
# One demo loader run's CPU (bench/loader_cpu.py), before and after a change, alternately (the
# machine is shared: alternating spreads its load over both), RUNS times on SQLite and
# PostgreSQL, each from a freshly migrated database. BEFORE is a copy of the commit before the
# change (git archive) with a .venv link. Databases: hongsibu_loader_* only.
# Usage: bench/loader_ab.sh BEFORE_DIR [RUNS] > bench/out/loader_ab.txt
set -e
before=$1
runs=${2:-3}
after=$(cd "$(dirname "$0")/.." && pwd)
export DJANGO_SETTINGS_MODULE=portal.settings.test
pg=postgres://postgres@127.0.0.1:5432
python=$after/.venv/bin/python
template=/tmp/hongsibu_loader_template.sqlite3
if [ ! -f $template ]; then
  (cd "$after" && DATABASE_URL=sqlite:///$template $python manage.py migrate --noinput >/dev/null)
fi
if ! psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw hongsibu_loader_template; then
  createdb -h 127.0.0.1 -U postgres hongsibu_loader_template
  (cd "$after" && DATABASE_URL=$pg/hongsibu_loader_template $python manage.py migrate --noinput >/dev/null)
fi
for i in $(seq "$runs"); do
  for side in before:$before after:$after; do
    name=${side%%:*}
    dir=${side#*:}
    cp $template /tmp/hongsibu_loader_ab.sqlite3
    cpu=$(cd "$dir" && PYTHONPATH=$dir DATABASE_URL=sqlite:////tmp/hongsibu_loader_ab.sqlite3 \
      $python "$after/bench/loader_cpu.py")
    echo "sqlite $name $cpu"
    dropdb -h 127.0.0.1 -U postgres --if-exists hongsibu_loader_ab 2>/dev/null
    createdb -h 127.0.0.1 -U postgres -T hongsibu_loader_template hongsibu_loader_ab
    cpu=$(cd "$dir" && PYTHONPATH=$dir DATABASE_URL=$pg/hongsibu_loader_ab $python "$after/bench/loader_cpu.py")
    echo "postgresql $name $cpu"
  done
done
