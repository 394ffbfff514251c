#!/bin/sh
# Makes sure the browser tests have Debian's Chromium and a CJK font (without one, Chinese
# renders as boxes in the failure screenshots). Nothing is downloaded but Debian packages:
# Playwright's own browser builds are never installed.
#
# Overridable for tests of this script: CHROMIUM (the browser's path), APT_GET, SUDO.
set -u

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
NAME=browser-deps
PACKAGES="chromium fonts-wqy-microhei"
WITHOUT="the browser tests will be skipped"

have_font() {
    fc-list 2>/dev/null | grep -qi wqy || dpkg -s fonts-wqy-microhei >/dev/null 2>&1
}

missing() {
    ! { [ -x "$CHROMIUM" ] && have_font; }
}

missing_what() {
    echo "$CHROMIUM or the WenQuanYi font"
}

case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
. "$here/../../scripts/debian-packages.sh"
ensure_packages
