"""
Text as the search index stores it, and queries as the backends ask for them.

Neither SQLite's unicode61 tokenizer nor PostgreSQL's default parser splits
Chinese into words: a run like 青岛新闻 is one token, so 新闻 would never match.
Both sides therefore write every run of Chinese characters as its overlapping
two-character words (青岛 岛新 新闻), and a Chinese query becomes the phrase of
its two-character words, which matches wherever the characters stand together.
"""

import re
import unicodedata
from dataclasses import dataclass

from articles.richtext import body_text

# CJK Unified Ideographs with extension A, compatibility ideographs and the supplementary planes.
CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
WORD = re.compile(r"[^\W_]+")
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10


def bigrams(run):
    # A single character is its own only word.
    return [run[i : i + 2] for i in range(max(len(run) - 1, 1))]


def index_text(text):
    """`text` with every Chinese run replaced by its two-character words."""
    text = unicodedata.normalize("NFKC", text or "")
    return CJK_RUN.sub(lambda match: " " + " ".join(bigrams(match.group())) + " ", text)


def entry_fields(headline, summary, body, tag_names):
    """The SearchEntry columns for a story (shared by the index and the migration that fills it)."""
    return {
        "headline": index_text(headline),
        "summary": index_text(summary),
        "body": index_text(body_text(body)),  # the body's words, not its markup
        "tags": index_text(" ".join(sorted(tag_names))),
    }


@dataclass(frozen=True)
class Term:
    """One thing a result must contain: a word, or a run of Chinese characters."""

    text: str
    chinese: bool = False

    @property
    def grams(self):
        """What the index holds for it: the word, or the run's two-character words."""
        return bigrams(self.text) if self.chinese else [self.text]

    @property
    def phrase(self):
        return " ".join(self.grams)


def parse_query(query):
    """
    The terms of a reader's query: its words (lower-cased, punctuation dropped)
    and its runs of Chinese characters, at most MAX_TERMS, each once. Operators
    of either database's query language are never passed through.
    """
    query = unicodedata.normalize("NFKC", query or "").lower()
    terms = []
    for word in WORD.findall(query):
        start = 0
        for run in CJK_RUN.finditer(word):
            if run.start() > start:
                terms.append(Term(word[start : run.start()]))
            terms.append(Term(run.group(), chinese=True))
            start = run.end()
        if start < len(word):
            terms.append(Term(word[start:]))
    return list(dict.fromkeys(terms))[:MAX_TERMS]
