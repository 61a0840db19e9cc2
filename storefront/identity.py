"""One identity per account: the canonical form of usernames and emails.

Two spellings that a person would read as the same name ("Alice", "ALICE", " alice ",
full-width "ａｌｉｃｅ") must be the same account everywhere: in the unique index, at
sign-in and in the throttle. The database's collation must not decide that (MariaDB's
utf8mb4_unicode_ci also folds accents and ignores trailing spaces; SQLite folds nothing), so
the shop stores the canonical form in a column of its own, compared byte for byte.

Canonical = Unicode NFKC, then casefold, then NFKC again (casefolding can leave text that is
not in NFKC), with surrounding whitespace stripped (not refused: a pasted trailing space is a
slip, not a different person). Accents are kept: "josé" and "jose" are two names.
"""

from __future__ import annotations

import unicodedata

USERNAME_CANONICAL_MAX = 120  # casefolding may lengthen a 40-character name
EMAIL_CANONICAL_MAX = 254


def display_form(value: str) -> str:
    """What is stored and shown as typed: NFKC (full-width letters become plain ones) and
    stripped; the case the person chose is kept."""
    return unicodedata.normalize("NFKC", value or "").strip()


def canonical(value: str) -> str:
    """The one form two spellings of a name or an email are compared in."""
    return unicodedata.normalize("NFKC", display_form(value).casefold()).strip()
