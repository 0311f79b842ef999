"""The clean base workbook the corpus cases break, and helpers to edit saved .xlsx files.

The base is written with openpyxl directly, not with planner.workbook.write_scenario, so that the
reader is tested against workbooks it did not write itself.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

UNITS_HEADER = [
    "Unit ID", "Name", "Level", "Parent", "Group", "Employees", "Min employees",
    "Max employees", "Max moves", "Locked", "Service share", "Hours per FTE",
]  # fmt: skip
UNITS_ROWS = [
    ["D01", "Department of Agriculture", "department", None, "regional", 10, 2, 20, None, "no", 1, 1776],
    ["D02", "Department of Finance", "department", None, "regional", 8, 2, 20, None, "no", 0.8, 1776],
    ["D03", "Akzhaik district", "district", None, "districts", 5, 0, None, None, "no", 1, 1776],
    ["D04", "Bokey Orda district", "district", "D03", "districts", 6, 0, None, 2, "yes", 1, 1776],
]  # fmt: skip
SERVICES_HEADER = [
    "Service ID", "Name", "Unit ID", "Skill", "Volume", "Minutes", "Digital share", "Movable",
    "Eligible units",
]  # fmt: skip
SERVICES_ROWS = [
    ["S01", "Farm subsidy", "D01", "general", 100, 10, 0.5, "yes", "D01; D02"],
    ["S02", "Budget request", "D02", "general", 200, 5, 0, "no", None],
    ["S03", "Land plot", "D03", None, 300, 12, 0.2, "yes", None],
    ["S04", "Address", "D04", "general", 50, 3, 0, "no", None],
]  # fmt: skip
SETTINGS_ROWS = [["coefficient", "count"], ["objective", "minmax"], ["max staff moves", 5]]
SCENARIOS_HEADER = [
    "Name", "Description", "Max staff moves", "New hires", "Volume scale", "Digital share",
    "Lock units",
]  # fmt: skip
SCENARIOS_ROWS = [["more staff", "Hire two", 3, "D01=1; D03=1", "S01=1.5", "*=0.7", "D02"]]


def base_workbook(*, staff: bool = False, scenarios: bool = True) -> Workbook:
    """A clean scenario: two groups, four units, four services, Settings and one variant.

    With `staff`, a Staff sheet gives the same headcounts by skill (D01: 7 general + 3 legal).
    """
    workbook = Workbook()
    units = workbook.active
    units.title = "Units"
    units.append(UNITS_HEADER)
    for row in UNITS_ROWS:
        units.append(row)
    if staff:
        sheet = workbook.create_sheet("Staff")
        sheet.append(["Unit ID", "Skill", "Employees"])
        for row in (["D01", "general", 7], ["D01", "legal", 3], ["D02", "general", 8],
                    ["D03", "general", 5], ["D04", "general", 6]):  # fmt: skip
            sheet.append(row)
    services = workbook.create_sheet("Services")
    services.append(SERVICES_HEADER)
    for row in SERVICES_ROWS:
        services.append(row)
    settings = workbook.create_sheet("Settings")
    settings.append(["Setting", "Value"])
    for row in SETTINGS_ROWS:
        settings.append(row)
    if scenarios:
        sheet = workbook.create_sheet("Scenarios")
        sheet.append(SCENARIOS_HEADER)
        for row in SCENARIOS_ROWS:
            sheet.append(row)
    return workbook


def sheet_part(path: Path, title: str) -> str:
    """The zip member name of a sheet (openpyxl writes sheets as sheet1.xml... in order)."""
    with zipfile.ZipFile(path) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    titles = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook_xml)
    return f"xl/worksheets/sheet{titles.index(title) + 1}.xml"


def rewrite_member(path: Path, member: str, edit) -> None:
    """Replace one zip member of a saved workbook by edit(old_text) -> new_text."""
    with zipfile.ZipFile(path) as archive:
        contents = {info: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in contents.items():
            if info.filename == member:
                data = edit(data.decode("utf-8")).encode("utf-8")
            archive.writestr(info.filename, data)


def add_member(
    path: Path, member: str, data: bytes, compression: int = zipfile.ZIP_DEFLATED
) -> None:
    """Add a zip member to a saved workbook."""
    with zipfile.ZipFile(path, "a", compression) as archive:
        archive.writestr(member, data)


def set_cached_value(path: Path, sheet_title: str, coordinate: str, value: str) -> None:
    """Give a formula cell written by openpyxl a cached result, as Excel does when it saves."""

    def edit(xml: str) -> str:
        pattern = re.compile(rf'(<c r="{coordinate}"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?')
        new, count = pattern.subn(rf"\1<f>\2</f><v>{value}</v>", xml)
        assert count == 1, xml[:2000]
        return new

    rewrite_member(path, sheet_part(path, sheet_title), edit)
