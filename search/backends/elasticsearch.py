"""Elasticsearch 9, reading Chinese the same way as the database backends.

The text is cut into words by the portal (search.analysis: jieba with the programme's
dictionary, the inner words of long words, pinyin for titles) before it is sent, and the
index splits on spaces only. Elasticsearch's built-in `cjk` analyzer (overlapping character
pairs) would need no plugin either, but it cannot tell 红寺堡中学 from 红寺堡区罗山中学 and
ranks by pairs rather than words; the smartcn and IK plugins cannot be assumed on a managed
cluster. Cutting in Python also keeps one set of words, one dictionary and the same results
whichever backend serves the site.
"""

from copy import deepcopy

from modelsearch.backends.elasticsearch9 import (
    Elasticsearch9AutocompleteQueryCompiler,
    Elasticsearch9Mapping,
    Elasticsearch9SearchBackend,
    Elasticsearch9SearchQueryCompiler,
)

from search import analysis

WORDS_ANALYZER = "portal_words"
NOT_TEXT = {"pk", "_django_content_type"}


def _segment(value):
    if isinstance(value, str):
        return analysis.index_text(value)
    if isinstance(value, list):
        return [_segment(v) for v in value]
    if isinstance(value, dict):
        return {k: _segment_field(k, v) for k, v in value.items()}
    return value


def _segment_field(name, value):
    if name in NOT_TEXT or name.endswith("_filter"):
        return value
    if name.endswith("_edgengrams"):
        return analysis.autocomplete_text(
            " ".join(map(str, value if isinstance(value, list) else [value]))
        )
    return _segment(value)


class ChineseMapping(Elasticsearch9Mapping):
    # Autocomplete: prefixes of the words and pinyin the portal sends, searched as words.
    edgengram_analyzer_config = {
        "analyzer": "edgengram_analyzer",
        "search_analyzer": WORDS_ANALYZER,
    }

    def get_document(self, obj):
        document = super().get_document(obj)
        return _segment(document)


class ChineseQueryMixin:
    mapping_class = ChineseMapping
    # As on the databases: a page must have every word of the query.
    DEFAULT_OPERATOR = "and"

    def _compile_plaintext_query(self, query, fields, boost=1.0):
        """Each word must match, as itself or as the phrase of its pieces (see analysis)."""
        names = [field.field_name_with_boost for field in fields]
        musts = []
        for term in analysis.query_terms(query.query_string):
            options = [{"multi_match": {"query": term[0], "fields": names}}]
            if len(term) > 1:
                options.append(
                    {"multi_match": {"query": " ".join(term[1]), "fields": names, "type": "phrase"}}
                )
            musts.append({"bool": {"should": options, "minimum_should_match": 1}})
        if not musts:
            return {"bool": {"must_not": {"match_all": {}}}}
        combined = {"bool": {"must" if query.operator != "or" else "should": musts}}
        if query.operator == "or":
            combined["bool"]["minimum_should_match"] = 1
        if boost != 1.0:
            combined["bool"]["boost"] = boost
        return combined

    def _compile_phrase_query(self, query, fields):
        phrase = " ".join(analysis.index_tokens(query.query_string))
        return super()._compile_phrase_query(type(query)(phrase), fields)


class ChineseSearchQueryCompiler(ChineseQueryMixin, Elasticsearch9SearchQueryCompiler):
    pass


class ChineseAutocompleteQueryCompiler(ChineseQueryMixin, Elasticsearch9AutocompleteQueryCompiler):
    pass


class ChineseElasticsearchBackend(Elasticsearch9SearchBackend):
    mapping_class = ChineseMapping
    query_compiler_class = ChineseSearchQueryCompiler
    autocomplete_query_compiler_class = ChineseAutocompleteQueryCompiler

    settings = deepcopy(Elasticsearch9SearchBackend.settings)
    analysis_settings = settings["settings"]["analysis"]
    analysis_settings["analyzer"][WORDS_ANALYZER] = {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase"],
    }
    # Text fields without an analyzer of their own (all SearchFields) use the portal's words.
    analysis_settings["analyzer"]["default"] = {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase"],
    }
    analysis_settings["analyzer"]["edgengram_analyzer"] = {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase", "edgengram"],
    }
    del analysis_settings


SearchBackend = ChineseElasticsearchBackend
