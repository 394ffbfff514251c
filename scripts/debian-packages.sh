# Sourced by the scripts that make sure Debian packages are installed (tests/browser/
# install-deps.sh, scripts/install-media-tools.sh). The caller sets NAME (for messages),
# PACKAGES, WITHOUT (what happens when they stay missing) and either PROGRAMS (commands that
# must be on the PATH) or functions `missing` (succeeds while something is missing) and
# `missing_what`; then calls ensure_packages.
#
# Overridable for tests of those scripts: APT_GET, SUDO.

APT_GET=${APT_GET:-apt-get}

if [ -n "${PROGRAMS:-}" ]; then
    missing() {
        for program in $PROGRAMS; do
            command -v "$program" >/dev/null 2>&1 || return 0
        done
        return 1
    }

    missing_what() {
        echo "one of $PROGRAMS"
    }
fi

fail() {
    echo "== $NAME: $1" >&2
    # On CI the tests that need the packages must run, so a missing one stops the run;
    # locally those tests skip with a reason instead.
    if [ -n "${CI:-}" ]; then exit 1; fi
    echo "== $NAME: $WITHOUT" >&2
    exit 0
}

# `make test` runs its targets side by side: on a fresh machine several of these scripts (and
# deploy/check.sh) install at once, and apt-get without a wait fails at once on dpkg's lock.
APT_WAIT="-o DPkg::Lock::Timeout=300"

install_packages() {
    # shellcheck disable=SC2086  # $SUDO, $PACKAGES and $APT_WAIT are word lists
    $SUDO env DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y --no-install-recommends $PACKAGES $APT_WAIT
}

ensure_packages() {
    if ! missing; then
        exit 0
    fi
    if [ -z "${SUDO+set}" ]; then
        if [ "$(id -u)" -eq 0 ]; then
            SUDO=""
        elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            SUDO="sudo -n"
        else
            fail "$(missing_what) is missing and installing needs root: run
    sudo apt-get install --no-install-recommends $PACKAGES"
        fi
    fi
    echo "== $NAME: installing $PACKAGES"
    # Only when the package lists are stale or missing is the slower update needed.
    if ! install_packages; then
        $SUDO "$APT_GET" update $APT_WAIT && install_packages || fail "apt-get could not install $PACKAGES"
    fi
    if missing; then
        fail "$(missing_what) is still missing after installing $PACKAGES"
    fi
    exit 0
}
