"""The two engines behind one interface: SQLite FTS5 and PostgreSQL full-text search.

Each engine knows three things: how to store an entry's words, how to write a parsed query in its own
syntax (every word quoted by us, from letters and digits only), and how to offer the matching entry
ids with a score. Everything else (permissions, filters, paging, snippets) is shared SQL or Python.

Both index two forms of each text: `stems` (folded, stemmed: words and phrases match inflections) and
`words` (folded, not stemmed: a prefix is matched against what was written).
"""
from sqlalchemy import Float, Integer, column, text

from .query import ParsedQuery, Term
from .text import fold, phrase_variants, stems_in_every_language


class _Engine:
    """What both engines share: their SQL differs, the way it is run does not."""

    table: str
    matches_sql: str  # (entry_id, score) of the entries matching :match, higher scores first
    store_sql: str    # one entry's words from :id, :stems, :words

    def match(self, parsed: ParsedQuery) -> str:
        raise NotImplementedError

    def matches(self, parsed: ParsedQuery):
        """A subquery of (entry_id, score), higher scores first."""
        return (text(self.matches_sql).bindparams(match=self.match(parsed))
                .columns(column("entry_id", Integer), column("score", Float)).subquery("matched"))

    def store(self, connection, rows: list[dict]) -> None:
        """rows: {"id", "stems", "words"}."""
        if rows:
            connection.execute(text(self.store_sql), rows)

    def forget_all(self, connection) -> None:
        connection.execute(text(f"DELETE FROM {self.table}"))


class SQLiteEngine(_Engine):
    name, table = "sqlite", "search_fts"
    matches_sql = "SELECT rowid AS entry_id, -bm25(search_fts) AS score FROM search_fts WHERE search_fts MATCH :match"
    store_sql = "INSERT INTO search_fts (rowid, stems, words) VALUES (:id, :stems, :words)"

    @staticmethod
    def _term(term: Term) -> str:
        if term.kind == "prefix":
            return f'{{words}} : "{fold(term.words[0])}" *'
        if term.kind == "word":
            alternatives = [f'"{s}"' for s in stems_in_every_language(term.words[0])]
        else:
            alternatives = ['"' + " ".join(v) + '"' for v in phrase_variants(term.words)]
        return "{stems} : (" + " OR ".join(alternatives) + ")"

    def match(self, parsed: ParsedQuery) -> str:
        positive = " AND ".join(f"({self._term(t)})" for t in parsed.terms if not t.negated)
        return positive + "".join(f" NOT ({self._term(t)})" for t in parsed.terms if t.negated)


class PostgreSQLEngine(_Engine):
    name, table = "postgresql", "search_vectors"
    matches_sql = ("SELECT entry_id, ts_rank(tsv, to_tsquery('simple', :match)) AS score FROM search_vectors "
                   "WHERE tsv @@ to_tsquery('simple', :match)")
    # Stems carry weight A and plain words weight B; a query names the weight it wants.
    store_sql = ("INSERT INTO search_vectors (entry_id, tsv) VALUES (:id, "
                 "setweight(to_tsvector('simple', :stems), 'A') || setweight(to_tsvector('simple', :words), 'B'))")

    @staticmethod
    def _term(term: Term) -> str:
        if term.kind == "prefix":
            return f"'{fold(term.words[0])}':*B"
        if term.kind == "word":
            alternatives = [f"'{s}':A" for s in stems_in_every_language(term.words[0])]
        else:
            alternatives = ["(" + " <-> ".join(f"'{s}':A" for s in v) + ")" for v in phrase_variants(term.words)]
        return "(" + " | ".join(alternatives) + ")"

    def match(self, parsed: ParsedQuery) -> str:
        return " & ".join(("!" if t.negated else "") + self._term(t) for t in parsed.terms)



def engine_for(connection):
    return PostgreSQLEngine() if connection.dialect.name == "postgresql" else SQLiteEngine()
