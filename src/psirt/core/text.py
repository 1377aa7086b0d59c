"""Text as people's tools write it: line endings, and numbers too long to be numbers.

A browser submits a form's text with CRLF line endings, and an editor on Windows saves files
with them. Every parser reads both; a writer that changes a text keeps the endings it found, so
a file or description never ends up with mixed endings.

Python refuses to convert a string of more than 4,300 digits to an integer (a guard against
quadratic conversion, ``sys.get_int_max_str_digits``) with a ``ValueError``; the readers that
convert digits find the offending number with ``LONG_NUMBER`` to name its line.
"""

from __future__ import annotations

import re
import sys

CRLF = "\r\n"
LF = "\n"

#: The most digits Python converts to ``int`` (4300 unless the interpreter was told otherwise).
MAX_DIGITS = sys.get_int_max_str_digits() or 4300
#: A run of digits Python will not convert to ``int``.
LONG_NUMBER = re.compile(rf"\d{{{MAX_DIGITS + 1},}}")


def newline_of(text: str) -> str:
    """CRLF when ``text`` writes its lines that way (its first line ending says), else LF."""
    end = text.find(LF)
    return CRLF if end > 0 and text[end - 1] == "\r" else LF


def with_newline(text: str, newline: str) -> str:
    """``text`` with every line ending written as ``newline``."""
    unified = text.replace(CRLF, LF)
    return unified if newline == LF else unified.replace(LF, newline)


def with_newlines_of(original: str, text: str) -> str:
    """``text`` with the line endings of ``original`` (unchanged when ``original`` uses LF)."""
    newline = newline_of(original)
    return text if newline == LF and CRLF not in text else with_newline(text, newline)


def long_number_message(text: str) -> str:
    """Why ``text`` cannot be read, naming the line of its overlong number (1-based)."""
    match = LONG_NUMBER.search(text)
    if match is None:
        return "a number too long to read"
    line = text.count(LF, 0, match.start()) + 1
    digits = len(match.group())
    return f"line {line}: a number of {digits} digits (the most psirt reads is {MAX_DIGITS})"


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for quoting input in a message
    (a 5,000-digit id must not make a 5,000-character line)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


_BOUNDARY = re.compile(r"\b")


def at_word_boundary(text: str, position: int) -> bool:
    """Whether ``\\b`` holds at ``position`` of ``text`` (its neighbours are read, not cut off)."""
    return _BOUNDARY.match(text, position) is not None


def find_whole_word(text: str, word: str) -> int:
    """Where ``word`` first stands in ``text`` between word boundaries, or -1: what searching
    for the escaped word between two ``\\b`` finds, without compiling a pattern per word (a
    release has a reporter per fix)."""
    start = text.find(word)
    while start != -1:
        if at_word_boundary(text, start) and at_word_boundary(text, start + len(word)):
            return start
        start = text.find(word, start + 1)
    return -1
