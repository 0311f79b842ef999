"""Build step of the package: compile the message catalogues (.po -> .mo) into the build.

Everything else is in pyproject.toml. `pip install .`, `pip install -e .` and the wheel all run
build_py, so each of them carries planner/locale/<lang>/LC_MESSAGES/planner.mo; an editable
install compiles beside the .po (the .mo files are not committed: .gitignore). A checkout that was
never built still speaks every language: planner/i18n.py compiles a .po in memory when its .mo is
missing or older.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogues(build_py):  # noqa: N801 - setuptools' command naming
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(__file__).parent
        target = root if getattr(self, "editable_mode", False) else Path(self.build_lib)
        for source in sorted((root / "planner" / "locale").glob("*/LC_MESSAGES/*.po")):
            with source.open("rb") as stream:
                catalogue = read_po(stream, locale=source.parent.parent.name)
            compiled = target / source.relative_to(root).with_suffix(".mo")
            compiled.parent.mkdir(parents=True, exist_ok=True)
            with compiled.open("wb") as stream:
                write_mo(stream, catalogue, use_fuzzy=False)


setup(cmdclass={"build_py": build_py_with_catalogues})
