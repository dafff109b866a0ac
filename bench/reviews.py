"""Section j: reviewed Word files coming back (issue 13, item 4), on data of its own: a version of 200
clauses and a reviewed copy of it (the platform's own .docx download, marked up as a reviewer would) with
300 Word comments on words and 200 tracked changes (a word deleted and another inserted, 200 amendments).
Reading it to its preview, in process and rolled back after each run (the preview stores a pending review):

- reading, placing and storing the preview (median <= 2 s);
- how many items were placed exactly (all 500 should be).
"""
import io

from docx import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from sqlalchemy import select

from deliberation.extensions import db
from deliberation.models import Clause, Version
from deliberation.services.accounts import create_user
from deliberation.services.documents import create_document
from deliberation.services.groups import create_working_group, set_membership
from deliberation.services.reviews.preview import create_review
from deliberation.word.layout import heading_text

from .data import LARGE, PASSWORD, SECTORS, draft_source
from .stats import Figure, time_calls

PREVIEW_MS = 2000
COMMENTS, CHANGES = 300, 200


def _tracked(tag: str, text: str, n: int):
    mark = OxmlElement(tag)
    mark.set(qn("w:id"), str(10_000 + n))
    mark.set(qn("w:author"), "Desk officer")
    mark.set(qn("w:date"), "2026-01-01T10:00:00Z")
    run = OxmlElement("w:r")
    element = OxmlElement("w:delText" if tag == "w:del" else "w:t")
    element.text = text
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(element)
    mark.append(run)
    return mark


def reviewed_copy(clauses: list) -> bytes:
    """The version's text with COMMENTS comments on words and CHANGES tracked replacements of a word."""
    word = WordDocument()
    word.add_heading("Reviewed copy", level=0)
    comments = changes = 0
    for index, clause in enumerate(clauses):
        word.add_heading(heading_text(clause), level=2)
        paragraph = word.add_paragraph()
        words = clause.text.split(" ")
        commented = {2, 9} if comments < COMMENTS and index % 2 == 0 else ({4} if comments < COMMENTS else set())
        changed = 6 if changes < CHANGES else None
        for position, text in enumerate(words):
            text = text + (" " if position < len(words) - 1 else "")
            if position == changed:
                paragraph._p.append(_tracked("w:del", words[position], changes))
                paragraph._p.append(_tracked("w:ins", "duly", changes))
                paragraph.add_run(text[len(words[position]):])
                changes += 1
                continue
            run = paragraph.add_run(text)
            if position in commented and comments < COMMENTS:
                word.add_comment(run, text=f"Reviewer note {comments}", author="Desk officer")
                comments += 1
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def measure_reviews(app) -> list[Figure]:
    with app.app_context():
        group = create_working_group(None, "Review benchmark group", "bench-reviews", public=True,
                                     stakeholder_groups=SECTORS)
        chair = create_user("chair@bench-reviews.example.org", "Review chair", PASSWORD)
        set_membership(None, group, chair, "chair", "government")
        document = create_document(chair, group, title="Review benchmark", fmt="markdown",
                                   source=draft_source(LARGE), public=True)
        db.session.commit()
        version = db.session.get(Version, document.current_version_id)
        clauses = list(db.session.scalars(select(Clause).where(Clause.version_id == version.id)
                                          .order_by(Clause.position)))
        data = reviewed_copy(clauses)
        placed = {}

        def preview():
            review = create_review(chair, version, "reviewed.docx", data)
            placed["items"] = len(review.items)
            placed["exact"] = sum(item["anchor_status"] == "exact" for item in review.items)
            db.session.rollback()

        timings = time_calls(preview, warmup=1, min_runs=3, max_runs=5, budget=30)
        median = sorted(timings.wall)[len(timings.wall) // 2]
        print(f"  i: preview of a reviewed 200-clause copy ({placed['items']} items): {median:.0f} ms", flush=True)
        return [
            Figure("j", "reviewed .docx (200 clauses, 300 comments, 200 changes) to its preview", "ms", timings.wall,
                   f"median <= {PREVIEW_MS} ms", median <= PREVIEW_MS,
                   {"cpu_ms": timings.cpu, "file_bytes": len(data), **placed}),
        ]
