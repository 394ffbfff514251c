"""A realistic archive for the search benchmarks, beside bench/corpus.py's uniform one.

bench/corpus.py builds every row from the same ten sentences, so each everyday word is in
about the same share of rows and the school and subject are in every title: plans that
only hold on such text looked fast. A real district archive is otherwise, and so is this:

- word frequencies follow Zipf's law: the body's running text is drawn from jieba's own
  dictionary by rank (rank r with weight 1/r), so a few words are in most rows, many are in
  a few hundred to a few thousand, and most are in a handful;
- each row keeps one document's title, metadata and summary, with a body mixed from three
  documents (as archives recombined from real materials are);
- BODY_ONLY terms are only ever in bodies, each in a fixed share of rows;
- the school and the subject are only in the metadata, never in the title or the text.

Deterministic for a given seed. `python bench/generate_resources.py --corpus archive 50000`.
"""

import random
import re
from bisect import bisect
from itertools import accumulate
from pathlib import Path

import jieba
from corpus import GRADES, LEVELS, SUBJECT_STAGES, SUBJECT_TOPICS, TAGS, TYPES

# Everyday teaching words found only in bodies, with the share of rows that have them:
# from most rows down to a few dozen.
BODY_ONLY = {
    "学情分析": 0.40,
    "小组合作": 0.25,
    "思维导图": 0.10,
    "错题本": 0.04,
    "导学案": 0.02,
    "希沃白板": 0.005,
    "跨学科融合": 0.001,
}
METHODS = ["情境导入", "问题驱动", "任务驱动", "探究活动", "当堂检测", "变式训练", "展示交流"]
# Words the running text must not draw: they would blur what the query kinds test.
_RESERVED = set(BODY_ONLY) | set(SUBJECT_TOPICS) | set(TYPES) | set(GRADES)
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
VOCABULARY_SIZE = 30_000
SCHOOLS = {
    "普通高中": ["红寺堡区罗山中学", "红寺堡中学"],
    "初中": ["红寺堡区罗山中学", "红寺堡中学"],
}


def vocabulary(size=VOCABULARY_SIZE):
    """jieba's dictionary words of two to four characters, most frequent first."""
    path = Path(jieba.__file__).with_name("dict.txt")
    words = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, freq, *_ = line.split()
            if _CJK_WORD.match(word) and word not in _RESERVED:
                words.append((int(freq), word))
    words.sort(reverse=True)
    return [word for _freq, word in words[:size]]


class Zipf:
    """Draws words by rank with probability proportional to 1/rank."""

    def __init__(self, words, rng):
        self.words = words
        self.rng = rng
        self.cumulative = list(accumulate(1 / rank for rank in range(1, len(words) + 1)))

    def word(self):
        return self.words[bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]

    def sentence(self, length):
        return "".join(self.word() for _ in range(length)) + "。"


def _document(rng, zipf, number):
    """One source document: title, metadata, summary and its own paragraphs."""
    subject = rng.choice(list(SUBJECT_TOPICS))
    topic = rng.choice(SUBJECT_TOPICS[subject])
    if SUBJECT_STAGES.get(subject) == "中职":
        grade, school = rng.choice(["中职一年级", "中职二年级"]), "红寺堡区职业技术学校"
    else:
        grade = rng.choice([g for g, s in GRADES.items() if s != "中职"])
        school = rng.choice(SCHOOLS[GRADES[grade]])
    rtype = rng.choice(TYPES)
    title = f"{topic}{rtype}" if rng.random() < 0.5 else f"{topic}（{rtype}）"
    if rng.random() < 0.2:
        title = f"{rng.choice(METHODS)}：{title}"
    summary = f"本{rtype}围绕{topic}展开。" + zipf.sentence(rng.randint(6, 12))
    # Comma-separated runs of words: jieba cuts them as the words they were drawn as.
    paragraphs = [
        "，".join(zipf.sentence(rng.randint(3, 6))[:-1] for _ in range(rng.randint(4, 8))) + "。"
        for _ in range(rng.randint(3, 5))
    ]
    paragraphs.append(f"{rng.choice(METHODS)}是本课的主要环节，{topic}是教学重点。")
    for term, share in BODY_ONLY.items():
        if rng.random() < share:
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), f"教师运用{term}组织教学。")
    return {
        "title": f"{title}（{number}）",
        "summary": summary,
        "paragraphs": paragraphs,
        "subject": subject,
        "grade": grade,
        "stage": GRADES[grade],
        "school": school,
        "resource_type": rtype,
        "level": rng.choice(LEVELS),
        "textbook_edition": "",
        "tags": ",".join(rng.sample(TAGS, rng.randint(0, 2))),
    }


def resource_rows(count, seed=2026):
    """`count` rows for import_resources, each a document with a body mixed from three."""
    rng = random.Random(seed)
    zipf = Zipf(vocabulary(), rng)
    window = []  # the last documents, to mix bodies from
    for number in range(1, count + 1):
        document = _document(rng, zipf, number)
        others = rng.sample(window, min(2, len(window)))
        window = [*window[-49:], document["paragraphs"]]
        body = [*document.pop("paragraphs"), *(p for other in others for p in other[:2])]
        yield {**document, "body": "\n".join(body)}
