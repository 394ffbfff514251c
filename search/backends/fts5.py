"""The FTS5 query syntax of a term tree: kept apart from the SQLite backend, which needs the
SQLite index tables to be loaded at import."""

from .terms import All, Any, Term, Without


def quote(token):
    return '"' + token.replace('"', '""') + '"'


def spell(node):
    """A term tree in FTS5's query syntax. Every word is quoted, so nothing a visitor types
    (AND, NEAR, *, ^, column names, quotes) is read as FTS5 syntax."""
    if isinstance(node, Term):
        if node.prefix:
            return quote(node.word) + " *"
        if node.pieces:
            phrase = " + ".join(quote(p) for p in node.pieces)
            if node.word in node.pieces:
                return f"({phrase})"
            return f"({quote(node.word)} OR ({phrase}))"
        return quote(node.word)
    if isinstance(node, All):
        return "(" + " AND ".join(spell(p) for p in node.parts) + ")"
    if isinstance(node, Any):
        return "(" + " OR ".join(spell(p) for p in node.parts) + ")"
    if isinstance(node, Without):
        return f"({spell(node.keep)} NOT {spell(node.drop)})"
    raise TypeError(node)
