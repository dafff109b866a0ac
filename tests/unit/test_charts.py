"""The server-rendered consensus map: item labels fit their column."""
from deliberation.charts import consensus_map

SECTORS = [("government", "Government"), ("civil_society", "Civil society")]


def test_the_whole_document_label_is_shown_whole():
    svg = str(consensus_map([("Whole document", {"outcome": "no_quorum", "groups": {}})], SECTORS))
    assert ">Whole document</text>" in svg


def test_a_long_clause_heading_is_shortened_with_an_ellipsis():
    svg = str(consensus_map([("Definitions and scope of application", {"outcome": "no_quorum", "groups": {}})],
                            SECTORS))
    assert ">Definitions an…</text>" in svg
