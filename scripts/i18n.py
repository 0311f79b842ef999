"""The message catalogues, managed with Babel: `python scripts/i18n.py extract|update|compile|all`.

extract: planner/locale/planner.pot from the marked messages (babel.cfg: the Python sources and
         the web templates; keywords _, N_, NP_, ngettext, pgettext, npgettext);
update:  merge the .pot into planner/locale/{kk,ru}/LC_MESSAGES/planner.po (new ids appear
         untranslated, changed ones fuzzy: tests/test_i18n.py fails until they are translated);
compile: the .po files to .mo (setup.py's build_py does this when the package is built);
merge BASE OURS THEIRS: after a `git merge` conflicted on the catalogues, fill each entry of the
         updated catalogue from both sides (see merge_entries). First take ours and refresh:
         `git checkout --ours planner/locale && python scripts/i18n.py extract && python
         scripts/i18n.py update`, then `python scripts/i18n.py merge BASE HEAD BRANCH`.
Run from the repository's root.
"""

from __future__ import annotations

import io
import subprocess
import sys

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

POT = "planner/locale/planner.pot"
CATALOGUE = "planner/locale/{language}/LC_MESSAGES/planner.po"
TRANSLATED = ("kk", "ru")
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "NP_:1c,2", "-k", "ngettext:1,2", "-k", "pgettext:1c,2",
            "-k", "npgettext:1c,2,3"]  # fmt: skip


def run(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", *arguments])


def main(command: str) -> None:
    if command in ("extract", "all"):
        run("extract", "-F", "babel.cfg", "--no-default-keywords", *KEYWORDS, "--sort-by-file",
            "--project", "planner", "--copyright-holder", "planner", "--width", "100",
            "-o", POT, "planner")  # fmt: skip
    if command in ("update", "all"):
        run("update", "-i", POT, "-d", "planner/locale", "-D", "planner", "--width", "100",
            "--ignore-obsolete")  # fmt: skip
    if command in ("compile", "all"):
        run("compile", "-d", "planner/locale", "-D", "planner", "--statistics")


def _counted(message: Message | None) -> object:
    """The message's translation, or None when it has none that counts (missing, empty, a
    plural form left empty, or fuzzy)."""
    if message is None or message.fuzzy or not message.string:
        return None
    if isinstance(message.string, tuple) and not all(message.string):
        return None
    return message.string


def _translation(catalogue: Catalog | None, key: tuple[str, str | None]) -> object:
    return None if catalogue is None else _counted(catalogue.get(*key))


def merge_entries(
    current: Catalog, base: Catalog | None, ours: Catalog | None, theirs: Catalog | None
) -> tuple[int, int]:
    """Fill `current` (the catalogue after extract and update) entry by entry, as a three-way
    merge does lines: ours where our side changed the entry from the base (or their side has no
    translation of it), else theirs; an entry neither side translated stays as it is. Filled
    entries lose their fuzzy flag. Returns (entries changed, entries left untranslated or fuzzy).

    A text merge of two .po files conflicts on every entry both sides touched, and Babel's
    update marks an entry fuzzy when its msgid moved: so a branch that reworded one message and
    a branch that added another both lose translations in a line-wise merge."""
    changed = 0
    for message in current:
        if not message.id:
            continue
        key = (message.id if isinstance(message.id, str) else message.id[0], message.context)
        was, mine, other = (_translation(c, key) for c in (base, ours, theirs))
        choice = mine if mine is not None and (mine != was or other is None) else other
        choice = mine if choice is None else choice
        if choice is None:
            continue
        if message.string != choice or message.fuzzy:
            changed += 1
        message.string = choice
        message.flags.discard("fuzzy")
    left = sum(1 for m in current if m.id and _counted(m) is None)
    return changed, left


def _catalogue_at(revision: str, path: str) -> Catalog | None:
    shown = subprocess.run(["git", "show", f"{revision}:{path}"], capture_output=True)
    return read_po(io.BytesIO(shown.stdout)) if shown.returncode == 0 else None


def merge(base: str, ours: str, theirs: str) -> None:
    for language in TRANSLATED:
        path = CATALOGUE.format(language=language)
        with open(path, "rb") as stream:
            current = read_po(stream)
        sides = (_catalogue_at(revision, path) for revision in (base, ours, theirs))
        changed, left = merge_entries(current, *sides)
        with open(path, "wb") as stream:
            write_po(stream, current, width=100, ignore_obsolete=True)
        print(f"{language}: {changed} entries filled, {left} left untranslated or fuzzy")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "merge":
        merge(*sys.argv[2:5])
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "all")
