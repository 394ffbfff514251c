"""How text becomes words: the same cut for documents and queries."""

from django.test import SimpleTestCase

from search import analysis
from search.backends.fts5 import spell
from search.backends.terms import All, Any, Term, terms_of_text


class AnalysisTests(SimpleTestCase):
    def test_documents_carry_the_words_inside_long_words(self):
        tokens = analysis.index_tokens("红寺堡区罗山中学的精品课")
        for word in ["红寺堡区罗山中学", "罗山中学", "罗山", "中学", "精品课", "精品"]:
            self.assertIn(word, tokens)
        self.assertNotIn("的", tokens)  # a stop word

    def test_school_names_are_told_apart(self):
        # 红寺堡中学 is one word; it is not inside 红寺堡区罗山中学.
        self.assertEqual(analysis.query_terms("红寺堡中学")[0][0], "红寺堡中学")
        self.assertNotIn("红寺堡中学", analysis.index_tokens("红寺堡区罗山中学"))

    def test_mixed_text_full_width_and_case(self):
        self.assertEqual(
            analysis.index_tokens("Python编程 Ｕｎｉｔ ３ 2023年"),
            ["python", "编程", "unit", "3", "2023", "年"],
        )

    def test_query_words_carry_their_pieces(self):
        self.assertEqual(
            analysis.query_terms("函数 单调性"), [("函数",), ("单调性", ("单调", "性"))]
        )

    def test_pinyin(self):
        tokens = analysis.pinyin_tokens("市级精品课：函数的单调性")
        for token in ["jingpinke", "jpk", "shijijingpinkehanshudedandiaoxing", "hsdddx"]:
            self.assertIn(token, tokens)
        self.assertEqual(analysis.pinyin_query("Jing Pin Ke"), "jingpinke")
        self.assertIsNone(analysis.pinyin_query("Unit 3"))
        self.assertIsNone(analysis.pinyin_query("精品课"))

    def test_fts5_syntax_never_leaks_from_a_query(self):
        for query in ['"', 'a" OR "b', "NEAR(x y)", "title:x", "x*", "^x", "-x", "AND"]:
            with self.subTest(query=query):
                tree = terms_of_text(query)
                if tree is None:
                    continue
                spelled = spell(tree)
                # Every word is a quoted string; quotes inside are doubled.
                self.assertNotIn("NEAR(", spelled.replace('"near"', ""))
                self.assertEqual(spelled.count('"') % 2, 0)

    def test_unfinished_last_word_is_a_prefix(self):
        tree = terms_of_text("同课异", last_is_prefix=True)
        self.assertIsInstance(tree, Any)
        self.assertIn(Term("同课异", (), prefix=True), tree.parts)
        self.assertIsInstance(terms_of_text("数学 高一", last_is_prefix=False), All)


class HighlightTests(SimpleTestCase):
    def test_marks_whole_words_and_escapes_the_rest(self):
        from search import highlight

        terms = highlight.words_of("红寺堡中学 数学")
        html = highlight.mark("结合红寺堡区学情，<b>红寺堡中学</b>数学组", terms)
        self.assertEqual(
            html, "结合红寺堡区学情，&lt;b&gt;<mark>红寺堡中学</mark>&lt;/b&gt;<mark>数学</mark>组"
        )

    def test_excerpt_starts_near_the_first_word(self):
        from search import highlight

        text = "前言" * 100 + "函数的单调性" + "后记" * 100
        piece = highlight.excerpt(text, highlight.words_of("单调性"), length=40)
        self.assertTrue(piece.startswith("…"))
        self.assertIn("<mark>单调性</mark>", piece)
