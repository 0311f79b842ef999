"""scripts/i18n.py merge: the three-way merge of catalogues entry by entry after a conflicted
`git merge` (a line-wise merge loses translations both branches touched)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.catalog import Catalog

REPO = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("i18n_script", REPO / "scripts/i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogue(entries: dict[str, str], fuzzy: tuple[str, ...] = ()) -> Catalog:
    catalogue = Catalog(locale="ru")
    for msgid, msgstr in entries.items():
        catalogue.add(msgid, msgstr, flags=("fuzzy",) if msgid in fuzzy else ())
    return catalogue


def test_each_entry_takes_the_side_that_changed_it() -> None:
    base = _catalogue({"kept": "старое", "ours": "старое", "theirs": "старое", "both": "старое"})
    ours = _catalogue({"kept": "старое", "ours": "наше", "theirs": "старое", "both": "наше"})
    theirs = _catalogue(
        {"kept": "старое", "ours": "старое", "theirs": "их", "both": "их", "added": "новое"}
    )
    # After `git checkout --ours` and update: ours, with their new message untranslated and one
    # of ours marked fuzzy by the update.
    current = _catalogue(
        {"kept": "старое", "ours": "наше", "theirs": "старое", "both": "наше", "added": "",
         "untouched": ""},
        fuzzy=("ours",),
    )  # fmt: skip
    changed, left = _script().merge_entries(current, base, ours, theirs)
    got = {m.id: (m.string, m.fuzzy) for m in current if m.id}
    assert got == {
        "kept": ("старое", False),
        "ours": ("наше", False),  # ours changed it: ours, and no longer fuzzy
        "theirs": ("их", False),  # only theirs changed it
        "both": ("наше", False),  # both changed it: ours wins
        "added": ("новое", False),  # only theirs has it
        "untouched": ("", False),  # nobody translated it: left for a translator
    }
    assert (changed, left) == (3, 1)


def test_a_fuzzy_translation_on_one_side_does_not_count() -> None:
    base = _catalogue({"m": "было"})
    ours = _catalogue({"m": "было"})
    theirs = _catalogue({"m": "догадка"}, fuzzy=("m",))
    current = _catalogue({"m": "было"})
    assert _script().merge_entries(current, base, ours, theirs) == (0, 0)
    assert current.get("m").string == "было"
