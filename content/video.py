"""Players of the video sites teachers in China use, from a page's share link.

Only sites known here are embedded; any other link is shown as a link. No oEmbed call is
made: the player address follows from the link itself.
"""

import re
from urllib.parse import quote

PLAYERS = [
    # https://www.bilibili.com/video/BV1xx411c7mD
    (
        re.compile(r"^https?://(?:www\.|m\.)?bilibili\.com/video/(BV[0-9A-Za-z]{10})"),
        "https://player.bilibili.com/player.html?bvid={}&autoplay=0",
    ),
    # https://v.youku.com/v_show/id_XMzk4NjA2NjQ0OA==.html
    (
        re.compile(r"^https?://v\.youku\.com/v_show/id_([0-9A-Za-z=]+)\.html"),
        "https://player.youku.com/embed/{}",
    ),
    # https://v.qq.com/x/page/b0136et5ztz.html, https://v.qq.com/x/cover/<cover>/<vid>.html
    (
        re.compile(r"^https?://v\.qq\.com/x/(?:page|cover/[0-9a-z]+)/([0-9a-z]{11})\.html"),
        "https://v.qq.com/txp/iframe/player.html?vid={}",
    ),
]


def player_url(link):
    """The embeddable player for a video page's link, or None for an unknown site."""
    for pattern, player in PLAYERS:
        if match := pattern.match(link or ""):
            return player.format(quote(match.group(1), safe="="))
    return None
