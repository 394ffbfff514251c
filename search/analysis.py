"""How Chinese text becomes search tokens, the same way for every search backend.

Indexed text and queries are cut by jieba into words. A document also carries every dictionary
word found inside its words (罗山中学 → 罗山, 中学, 罗山中学), so a query for a part finds the
whole. A query word is looked for as itself or, because jieba may cut the same characters
differently inside a longer sentence, as the smaller words it is made of.
"""

import functools
import logging
import os
import re
import unicodedata
from pathlib import Path

from django.conf import settings

import jieba

DICTIONARY = Path(__file__).with_name("dictionary.txt")

# Words too common to tell documents apart; dropped from documents and queries alike.
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "为",
        "对",
        "把",
        "被",
        "之",
        "等",
        "也",
        "都",
        "而",
        "并",
        "其",
        "以",
        "于",
        "及其",
        "以及",
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
    ]
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Pinyin needs nothing but Latin letters; a query of that shape is tried against titles' pinyin.
_PINYIN_QUERY = re.compile(r"^[a-z]+( [a-z]+)*$")
# jieba is quick, but a page can carry the text of long attachments; past this it is cut.
MAX_TEXT_LENGTH = 200_000


@functools.cache
def tokenizer():
    """jieba's tokenizer with the programme's own words, its cache kept where settings say."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.setLogLevel(logging.WARNING)
    cache_dir = Path(getattr(settings, "JIEBA_CACHE_DIR", "") or Path.home() / ".cache" / "jieba")
    cache_dir.mkdir(parents=True, exist_ok=True)
    tk = jieba.Tokenizer()
    tk.tmp_dir = os.fspath(cache_dir)
    tk.initialize()
    tk.load_userdict(os.fspath(DICTIONARY))
    return tk


def normalize(text):
    """Full-width letters and digits become plain ones and Latin letters lower case."""
    return unicodedata.normalize("NFKC", text or "")[:MAX_TEXT_LENGTH].lower()


def is_cjk(token):
    return bool(_CJK.search(token))


def _words(text):
    """jieba's words of the text, without spaces and punctuation."""
    for chunk in WORD.findall(normalize(text)):
        if len(chunk) <= CACHED_CHUNK_LENGTH:
            yield from _cut(chunk)
        else:
            yield from _cut_words(chunk)


# A chunk is a run of letters between punctuation: a clause, a heading, a name. Short ones
# repeat from document to document (教学目标, 教学重难点, school and subject names, the
# sentences of a template that a school's documents share), and jieba cuts each in pure
# Python, a few hundred microseconds for a clause: each short chunk is cut once per process.
# Long runs (a paragraph without punctuation) seldom repeat and are cut as they come.
CACHED_CHUNK_LENGTH = 40


@functools.lru_cache(maxsize=20_000)
def _cut(chunk):
    return tuple(_cut_words(chunk))


def _cut_words(chunk):
    for word in tokenizer().cut(chunk, HMM=True):
        word = word.strip("_")
        if word:
            yield word


def _inner_words(word):
    """Dictionary words inside a longer word (all lengths), in order of position."""
    freq = tokenizer().FREQ
    n = len(word)
    for start in range(n):
        for end in range(start + 2, n + 1):
            if end - start < n and freq.get(word[start:end]):
                yield word[start:end]


def index_tokens(text):
    """The tokens a document is indexed under, in reading order."""
    if len(text or "") <= 200:
        return list(_short_index_tokens(text or ""))
    return _index_tokens(text)


# Field values repeat across objects (school, subject and type names, tags): cut them once.
@functools.lru_cache(maxsize=20_000)
def _short_index_tokens(text):
    return tuple(_index_tokens(text))


def _index_tokens(text):
    tokens = []
    for word in _words(text):
        if word in STOP_WORDS:
            continue
        if is_cjk(word) and len(word) > 2:
            tokens.extend(_inner_words(word))
        tokens.append(word)
    return tokens


def index_text(text):
    return " ".join(index_tokens(text))


def _split_without_itself(word):
    """The best cut of a word into smaller pieces: the way jieba would cut it had the whole
    word not been in its dictionary."""
    tk = tokenizer()
    dag = tk.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route = {}
    tk.calc(word, dag, route)
    pieces, start = [], 0
    while start < len(word):
        end = route[start][1] + 1
        pieces.append(word[start:end])
        start = end
    return [p for p in pieces if p not in STOP_WORDS]


def query_terms(query):
    """A query as a list of terms, each a tuple of alternatives: the word itself, then (for
    Chinese words of three or more characters) the smaller words it is made of."""
    terms = []
    for word in _words(query):
        if word in STOP_WORDS and len(query.strip()) > len(word):
            continue
        if is_cjk(word) and len(word) > 2:
            pieces = _split_without_itself(word)
            if len(pieces) > 1:
                terms.append((word, tuple(pieces)))
                continue
        terms.append((word,))
    return terms


def pinyin_query(query):
    """The query as a pinyin prefix (jingpinke, jpk), or None when it cannot be pinyin."""
    text = normalize(query).strip()
    if not _PINYIN_QUERY.match(text):
        return None
    return text.replace(" ", "")


@functools.cache
def _pypinyin():
    # Imported on first use, as content.slugs does: pypinyin reads its phrase dictionary on
    # import (half a second of CPU), and a process that only answers searches in Chinese
    # characters never needs it.
    import pypinyin

    return pypinyin


def load_word_lists():
    """jieba's dictionary and pypinyin's tables, loaded now rather than on first use: an app
    server's master loads them before it forks (portal.warmup), so that its workers share
    them and the garbage collector, once they are frozen, no longer walks them."""
    tokenizer()
    _pypinyin()


@functools.lru_cache(maxsize=50_000)
def _syllables(word):
    pypinyin = _pypinyin()
    return tuple(pypinyin.lazy_pinyin(word, style=pypinyin.Style.NORMAL, errors="ignore"))


def _pinyin_forms(words):
    syllables = [s for word in words for s in _syllables(word)]
    if not syllables:
        return []
    return ["".join(syllables), "".join(s[0] for s in syllables)]


def pinyin_tokens(text):
    """Full pinyin and initials of each word of a title, and of the title from each word to
    its end, so that a prefix search finds any run of words: 高一数学精品课 → gaoyi gy shuxue
    sx jingpinke jpk gaoyishuxuejingpinke gysxjpk shuxuejingpinke sxjpk."""
    words = [w for w in _words(text) if is_cjk(w)]
    tokens = []
    for word in words:
        tokens.extend(_pinyin_forms((word,)))
    for start in range(len(words) - 1):
        tokens.extend(_pinyin_forms(words[start:]))
    return tokens


def autocomplete_text(text):
    """What a title is found under as one types: its words and their pinyin."""
    return " ".join([*index_tokens(text), *pinyin_tokens(text)])
