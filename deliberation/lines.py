"""Continuous line numbers, as in a paper discussion draft.

A clause's text is cut into printed lines of at most LINE_WIDTH characters, breaking after spaces.
The pieces concatenate back to the exact text, so a character offset in the text (used by annotation
selectors) is the same whether the clause is shown whole or line by line. A heading takes a line.
"""
from dataclasses import dataclass

LINE_WIDTH = 88


@dataclass(frozen=True)
class Line:
    number: int
    text: str          # the piece, including the whitespace that ends it
    start: int         # offset of the piece in the clause text
    paragraph_end: bool


def split_lines(text: str, width: int = LINE_WIDTH) -> list[tuple[str, bool]]:
    """Cut text into (piece, ends_paragraph) so that "".join(pieces) == text."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    while position < len(text):
        newline = text.find("\n", position)
        hard_end = len(text) if newline == -1 else newline
        if hard_end - position <= width:
            end = hard_end
            # Keep the line break(s) with the line they end.
            while end < len(text) and text[end] == "\n":
                end += 1
            pieces.append((text[position:end], end < len(text) and "\n\n" in text[hard_end:end]))
            position = end
            continue
        cut = text.rfind(" ", position, position + width + 1)
        end = cut + 1 if cut > position else position + width  # a word longer than a line is cut hard
        while end < hard_end and text[end] == " ":
            end += 1
        pieces.append((text[position:end], False))
        position = end
    return pieces


def line_count(heading: str | None, text: str) -> int:
    return (1 if heading else 0) + len(split_lines(text))


def number_lines(text: str, first_number: int) -> list[Line]:
    lines, offset = [], 0
    for index, (piece, paragraph_end) in enumerate(split_lines(text)):
        lines.append(Line(first_number + index, piece, offset, paragraph_end))
        offset += len(piece)
    return lines
