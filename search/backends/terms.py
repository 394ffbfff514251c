"""modelsearch's query objects as a small boolean tree of segmented terms, which each
database backend then spells in its own syntax (FTS5 MATCH or a tsquery)."""

from dataclasses import dataclass

from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

from search import analysis


@dataclass(frozen=True)
class Term:
    """One query word: found as itself or as the phrase of the smaller words it is made of."""

    word: str
    pieces: tuple = ()
    prefix: bool = False


@dataclass(frozen=True)
class All:
    parts: tuple


@dataclass(frozen=True)
class Any:
    parts: tuple


@dataclass(frozen=True)
class Without:
    """Documents matching `keep` but not `drop` (FTS5 has no unary NOT)."""

    keep: object
    drop: object


class MatchesEverything(Exception):
    pass


class MatchesNothing(Exception):
    pass


def _combine(cls, parts):
    parts = tuple(p for p in parts if p is not None)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else cls(parts)


def _terms(text):
    return [Term(t[0], t[1] if len(t) > 1 else ()) for t in analysis.query_terms(text)]


def terms_of_text(text, operator="and", last_is_prefix=False):
    if not last_is_prefix:
        return _combine(All if operator == "and" else Any, _terms(text))
    # As one types, the last word is unfinished: 同课异 is the start of the word 同课异构,
    # which jieba would cut as 同课 + 异. Look for it whole as a prefix, or cut with its last
    # piece as a prefix.
    *before, last = analysis.normalize(text).split() or [""]
    last = "".join(analysis.WORD.findall(last))
    pieces = _terms(last)
    if pieces:
        pieces[-1] = Term(pieces[-1].word, (), prefix=True)
    whole = Term(last, (), prefix=True) if last.strip() else None
    last_term = _combine(Any, [whole, _combine(All, pieces)]) if len(pieces) > 1 else whole
    return _combine(All if operator == "and" else Any, [*_terms(" ".join(before)), last_term])


def build(query, last_is_prefix=False):
    """The tree for a modelsearch query; None when nothing searchable is left (only
    punctuation or stop words), which finds nothing."""
    if isinstance(query, MatchAll):
        raise MatchesEverything
    if isinstance(query, (PlainText, Fuzzy)):
        return terms_of_text(query.query_string, query.operator, last_is_prefix)
    if isinstance(query, Phrase):
        words = [t[0] for t in analysis.query_terms(query.query_string)]
        return (
            Term(words[0], tuple(words)) if len(words) > 1 else (Term(words[0]) if words else None)
        )
    if isinstance(query, Boost):
        return build(query.subquery, last_is_prefix)
    if isinstance(query, And):
        keep = [build(q, last_is_prefix) for q in query.subqueries if not isinstance(q, Not)]
        drop = [build(q.subquery) for q in query.subqueries if isinstance(q, Not)]
        kept, dropped = _combine(All, keep), _combine(Any, drop)
        if kept is None:
            return None
        return Without(kept, dropped) if dropped is not None else kept
    if isinstance(query, Or):
        return _combine(Any, [build(q, last_is_prefix) for q in query.subqueries])
    if isinstance(query, Not):
        raise MatchesNothing if isinstance(query.subquery, MatchAll) else NotImplementedError
    raise NotImplementedError(f"{type(query).__name__} is not supported")


def query_text(query):
    """The plain words of a query, for the pinyin reading of it."""
    if isinstance(query, (PlainText, Fuzzy, Phrase)):
        return query.query_string
    return None


def loosen(node):
    """The tree with each phrase of pieces (a query word the index does not have, looked for
    as the smaller words it is made of, side by side) asked for as those words anywhere:
    高一数学教案 finds 高一 数学 教案 where school, subject and type are separate values
    and 数学 is never next to 教案. None when the tree has no such phrase."""
    if isinstance(node, Term):
        if node.pieces and not node.prefix and len(node.pieces) > 1:
            return All(tuple(Term(piece) for piece in node.pieces))
        return None
    if isinstance(node, (All, Any)):
        parts = [loosen(part) for part in node.parts]
        if all(part is None for part in parts):
            return None
        return type(node)(
            tuple(
                new if new is not None else old for new, old in zip(parts, node.parts, strict=True)
            )
        )
    if isinstance(node, Without):
        keep = loosen(node.keep)
        return Without(keep, node.drop) if keep is not None else None
    return None
