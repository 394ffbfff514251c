#!/bin/sh
# Makes sure the browser tests have Debian's Chromium and a CJK font (without one, Chinese
# renders as boxes in the failure screenshots). Nothing is downloaded but Debian packages:
# Playwright's own browser builds are never installed.
#
# Overridable for tests of this script: CHROMIUM (the browser's path), APT_GET, SUDO.
set -u

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
APT_GET=${APT_GET:-apt-get}
PACKAGES="chromium fonts-wqy-microhei"

have_font() {
    fc-list 2>/dev/null | grep -qi wqy || dpkg -s fonts-wqy-microhei >/dev/null 2>&1
}

fail() {
    echo "== browser-deps: $1" >&2
    # On CI the browser tests must run, so a missing browser stops the run; locally the
    # tests skip with a reason instead.
    if [ -n "${CI:-}" ]; then exit 1; fi
    echo "== browser-deps: the browser tests will be skipped" >&2
    exit 0
}

if [ -x "$CHROMIUM" ] && have_font; then
    exit 0
fi

if [ -z "${SUDO+set}" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        fail "$CHROMIUM or the WenQuanYi font is missing and installing needs root: run
    sudo apt-get install --no-install-recommends $PACKAGES"
    fi
fi

install() {
    # shellcheck disable=SC2086  # $SUDO and $PACKAGES are word lists
    $SUDO env DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y --no-install-recommends $PACKAGES
}

echo "== browser-deps: installing $PACKAGES"
# Only when the package lists are stale or missing is the slower update needed.
if ! install; then
    $SUDO "$APT_GET" update && install || fail "apt-get could not install $PACKAGES"
fi
[ -x "$CHROMIUM" ] || fail "$CHROMIUM is still missing after installing $PACKAGES"
