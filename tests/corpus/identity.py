"""Issue 12, class 1: names that look alike. One rule (NFKC, whitespace collapsed): spellings that
normalise alike are one name with a warning naming both cells; invisible characters, look-alike
letters of another alphabet and words mixing alphabets are errors, with a "did you mean".
"""

from __future__ import annotations

from openpyxl import Workbook

from tests.corpus.cases import Case, _both, _extra_unit, edited, setter

NFC_E = "\u00e9"  # é as one code point
NFD_E = "e\u0301"  # e + combining acute accent
CYRILLIC_ES = "\u0421"  # С
CYRILLIC_O = "\u043e"  # о
CYRILLIC_A = "\u0410"  # А


def _rename_sheet(old: str, new: str):
    def change(workbook: Workbook) -> None:
        workbook[old].title = new

    return change


IDENTITY_CASES: tuple[Case, ...] = (
    Case(
        "group typed in NFC and NFD",
        edited(setter("Units", E2=f"R{NFC_E}gion", E3=f"R{NFD_E}gion")),
        (),
        (("spelling-normalised", "Units!E3"),),
        message=(
            "Group 'Re\\u0301gion' is typed differently from 'Région' (Units!E2) but is the same "
            "once Unicode forms and spaces are normalised: both are read as 'Région'"
        ),
    ),
    Case(
        "group with a no-break and a double inner space",
        edited(setter("Units", E2="West  region", E3="West\u00a0region")),
        (),
        (("spelling-normalised", "Units!E3"),),
        message="Group 'West\\u00a0region' is typed differently from 'West  region' (Units!E2)",
    ),
    Case(
        "group with a Cyrillic letter inside a Latin word",
        edited(setter("Units", E3=f"regi{CYRILLIC_O}nal")),
        (("confusable", "Units!E3"),),
        message=(
            "Group 'regiоnal' mixes look-alike letters of two alphabets in one word "
            "(U+043E CYRILLIC SMALL LETTER O); did you mean 'regional'?"
        ),
    ),
    Case(
        "groups C and Cyrillic С",
        edited(setter("Units", E2="C", E3="C", E4=CYRILLIC_ES, E5=CYRILLIC_ES)),
        (("confusable", "Units!E4"), ("confusable", "Units!E5")),
        message=(
            "Group 'С' looks the same as 'C' (Units!E2) but is spelt with letters of another "
            "alphabet (U+0421 CYRILLIC CAPITAL LETTER ES): write it the same way everywhere"
        ),
    ),
    Case(
        "unit reference typed in NFD",
        edited(
            _both(
                setter("Units", A5=f"Bok{NFC_E}y", D5=None), setter("Services", C5=f"Bok{NFD_E}y")
            )
        ),
        (),
        (("spelling-normalised", "Services!C5"),),
        message="Unit ID 'Boke\\u0301y' is typed differently from 'Bokéy' (Units!A5)",
    ),
    Case(
        "unit defined twice, once in full-width letters",
        edited(_extra_unit("\uff24\uff10\uff11")),
        (("duplicate-id", "Units!A6"),),
        (("spelling-normalised", "Units!A6"),),
        message="Unit ID 'D01' appears twice: Units!A2 and Units!A6",
    ),
    Case(
        "unit reference with a Cyrillic А",
        edited(_both(_extra_unit("A1"), setter("Services", C3=f"{CYRILLIC_A}1"))),
        (("unknown-unit", "Services!C3"),),
        message=(
            "Unit ID 'А1' is not a unit of this workbook (did you mean 'A1', Units!A6? this one "
            "is spelt with U+0410 CYRILLIC CAPITAL LETTER A)"
        ),
    ),
    Case(
        "two unit ids that differ only by look-alike letters",
        edited(_both(_extra_unit("CO"), _extra_unit(f"{CYRILLIC_ES}\u041e"))),
        (("confusable", "Units!A7"),),
        message=(
            "Unit ID 'СО' looks the same as 'CO' (Units!A6) but is spelt with letters of another "
            "alphabet (U+0421 CYRILLIC CAPITAL LETTER ES, U+041E CYRILLIC CAPITAL LETTER O)"
        ),
    ),
    Case(
        "zero-width space inside a unit id",
        edited(_extra_unit("D\u200b05")),
        (("invisible-character", "Units!A6"),),
        message=(
            "Unit ID 'D\\u200b05' holds an invisible character (U+200B ZERO WIDTH SPACE): "
            "retype it without"
        ),
    ),
    Case(
        "eligible unit in full-width digits",
        edited(setter("Services", I2="D01; D0\uff12")),
        (),
        (("spelling-normalised", "Services!I2"),),
        message="Eligible unit 'D0\\uff12' is typed differently from 'D02' (Units!A3)",
    ),
    Case(
        "eligible unit mixing alphabets",
        edited(setter("Services", I2=f"D01; D{CYRILLIC_O}2")),
        (("confusable", "Services!I2"),),
        message="did you mean 'Do2'?",
    ),
    Case(
        "skill in NFD on the Staff sheet, NFC on Services",
        edited(
            _both(setter("Staff", B3=f"l{NFD_E}gal"), setter("Services", D3=f"l{NFC_E}gal")),
            staff=True,
        ),
        (),
        (("spelling-normalised", "Services!D3"),),
        message="Skill 'légal' is typed differently from 'le\\u0301gal' (Staff!B3)",
    ),
    Case(
        "new hires for a unit in full-width letters",
        edited(setter("Scenarios", D2="\uff24\uff10\uff11=1; D03=1")),
        (),
        (("spelling-normalised", "Scenarios!D2"),),
        message="New hires: unit '\\uff24\\uff10\\uff11' is typed differently from 'D01'",
    ),
    Case(
        "locked unit with an invisible mark",
        edited(setter("Scenarios", G2="D0\u200f2")),
        (("invisible-character", "Scenarios!G2"),),
        message="U+200F RIGHT-TO-LEFT MARK",
    ),
    Case(
        "Units sheet name with a right-to-left mark",
        edited(_rename_sheet("Units", "Units\u200f")),
        (("invisible-character", "Units\\u200f"),),
        message=(
            "the sheet name 'Units\\u200f' holds an invisible character (U+200F RIGHT-TO-LEFT "
            "MARK): rename the sheet Units"
        ),
    ),
    Case(
        "variant names typed in NFC and NFD",
        edited(
            _both(
                setter("Scenarios", A2=f"Option r{NFC_E}gion"),
                lambda wb: wb["Scenarios"].append([f"Option r{NFD_E}gion", "the same name"]),
            )
        ),
        (("duplicate-id", "Scenarios!A3"),),
        message="Variant name 'Option région' appears twice: Scenarios!A2 and Scenarios!A3",
    ),
)
