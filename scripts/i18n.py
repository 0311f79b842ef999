"""The message catalogues, managed with Babel: `python scripts/i18n.py extract|update|compile|all`.

extract: planner/locale/planner.pot from the marked messages (babel.cfg: the Python sources and
         the web templates; keywords _, N_, NP_, ngettext, pgettext, npgettext);
update:  merge the .pot into planner/locale/{kk,ru}/LC_MESSAGES/planner.po (new ids appear
         untranslated, changed ones fuzzy: tests/test_i18n.py fails until they are translated);
compile: the .po files to .mo (setup.py's build_py does this when the package is built).
Run from the repository's root.
"""

from __future__ import annotations

import sys

from babel.messages.frontend import CommandLineInterface

POT = "planner/locale/planner.pot"
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


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "all")
