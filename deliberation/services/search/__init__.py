"""Full-text search over clauses, comments and replies, amendments and dispositions, with the
databases' own engines (SQLite FTS5, PostgreSQL full-text search) behind one interface.

- `text`: words folded and stemmed (English, French, Spanish), for the index and the query alike;
- `query`: the reader's query language, parsed into terms that no engine sees raw;
- `engines`: FTS5 and tsvector, each storing words and writing the parsed query in its own syntax;
- `indexing`: the index follows every flush of comments and clauses, in the same transaction;
- `access` and `filters`: what the reader may read and what they asked for, as SQL;
- `searching` and `snippets`: one page of ranked results with highlighted, escaped snippets.
"""
from .filters import SearchFilters, filters_from
from .indexing import rebuild_index
from .query import MAX_QUERY_CHARS, parse_query
from .searching import PAGE_SIZE, SearchPage, SearchResult, search

__all__ = ["MAX_QUERY_CHARS", "PAGE_SIZE", "SearchFilters", "SearchPage", "SearchResult", "filters_from",
           "parse_query", "rebuild_index", "search"]
