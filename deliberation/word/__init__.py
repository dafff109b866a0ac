"""Word files out of the platform: a version as .docx (optionally with its open threads as Word comments)
and a redline of two versions with tracked changes, so people who live in Word can read, review and
circulate the text without copying it by hand.

`layout` builds the shared frame (title, version line, clause headings, file names), `ooxml` writes the
few WordprocessingML elements python-docx has no API for (tracked insertions and deletions), `comments`
loads the threads a reader may see in two queries, `export` and `redline` assemble the files.
"""
