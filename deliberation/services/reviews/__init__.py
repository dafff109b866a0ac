"""Reviewed Word files coming back (issue 13, item 4): a member uploads a .docx of a version marked up with
Word comments and tracked changes; every comment and every group of adjacent changes becomes an item placed
on its clause and the words it covers, shown in a preview, and posted as comments and proposed amendments
only when the member confirms.

`reading` reads the file (the draft importer's checks first) into the text as it stood before the changes,
with each comment's range and each change's place in it; `placing` finds the version's clauses in that text
(exact, then fuzzy) and each item's words in its clause (`anchoring.resolve_selector`); `preview` builds and
stores the `WordReview`; `confirm` posts what the member kept.
"""
