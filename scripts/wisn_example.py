"""Write the illustrative WISN study of the README: three clinics of one district, clinicians and
nurses, in the WISN form of the workbook (coefficient wisn, Working time, Allowances).

The clinicians' working time and training allowance are those of Burmen et al. 2017 (Table 3,
doi 10.1186/s12960-017-0186-3: 234 days less 10 + 30 + 15, 8 h a day, 10 days of training); the
nurses' follow the worked example of docs/wisn.md. Volumes, headcounts and the clinic manager's
allowance are illustrative.

    python scripts/wisn_example.py [--out outputs/wisn-district.xlsx]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from openpyxl import Workbook

CLINICS = (("C1", "Central clinic", 4, 5), ("C2", "Lake clinic", 3, 3), ("C3", "Hill clinic", 3, 4))
# (clinic, consultations of 15 min by clinicians, nursing contacts of 20 min by nurses)
VOLUMES = (("C1", 30_000, 25_000), ("C2", 12_000, 9_000), ("C3", 6_000, 8_000))


def district_workbook() -> Workbook:
    """The study as a workbook `planner validate` accepts."""
    book = Workbook()
    units = book.active
    units.title = "Units"
    units.append(["Unit ID", "Name", "Group"])
    staff = book.create_sheet("Staff")
    staff.append(["Unit ID", "Skill", "Employees"])
    for unit_id, name, clinicians, nurses in CLINICS:
        units.append([unit_id, name, "district"])
        staff.append([unit_id, "clinician", clinicians])
        staff.append([unit_id, "nurse", nurses])
    services = book.create_sheet("Services")
    services.append(["Service ID", "Name", "Unit ID", "Skill", "Volume", "Minutes"])
    for unit_id, consultations, contacts in VOLUMES:
        services.append(
            [f"{unit_id}-CONS", "consultation", unit_id, "clinician", consultations, 15]
        )
        services.append([f"{unit_id}-NURS", "nursing contact", unit_id, "nurse", contacts, 20])
    settings = book.create_sheet("Settings")
    settings.append(["Setting", "Value"])
    settings.append(["coefficient", "wisn"])
    settings.append(["allow service moves", "no"])
    time = book.create_sheet("Working time")
    time.append(
        ["Unit ID", "Skill", "Time unit", "Working time", "Public holidays", "Annual leave"]
        + ["Sick leave", "Other leave", "Hours per day"]
    )
    time.append([None, "clinician", "days", 234, 10, 30, 15, 0, 8])
    time.append([None, "nurse", "days", 260, 12, 20, 10, 5, 8])
    allowances = book.create_sheet("Allowances")
    allowances.append(
        ["Unit ID", "Skill", "Kind", "Activity", "Percent", "Time per year", "Time unit", "Staff"]
    )
    allowances.append([None, "clinician", "category", "training", None, 10, "days", None])
    allowances.append([None, "nurse", "category", "meetings", 10, None, None, None])
    allowances.append(["C1", "clinician", "individual", "clinic management", None, 480, "hours", 1])
    return book


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="outputs/wisn-district.xlsx")
    out = Path(parser.parse_args(argv).out)
    out.parent.mkdir(parents=True, exist_ok=True)
    district_workbook().save(out)
    print(f"WISN example written to {out}")
    return out


if __name__ == "__main__":
    main()
