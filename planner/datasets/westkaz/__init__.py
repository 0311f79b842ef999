"""The bundled West Kazakhstan 2024 scenarios, derived from the published tables.

Source: Samarkhanov, Karsembayeva, Tsaurkubule, "Accessibility of services as an element of the
service model of the state apparatus on the example of the West Kazakhstan Region" (DOI
10.52123/1994-2370-2025-1660), Tables 1-4, copied as CSV into planner/datasets/data (shipped with
the package, with the source note in its README.md).

The package: `published` (the tables, ids, groups and shared helpers), `count` and `hours` (one
scenario each). Two scenarios are built here as plain `Scenario` objects (pure functions: CSV in, Scenario out);
`scripts/build_scenarios.py` writes them as workbooks with `planner.workbook.write_scenario`.

- `count_scenario`: the three published tables as three groups, one Services row per published
  service, so that every unit's services / employees equals the published coefficient.
- `hours_scenario`: the same units with skills, yearly volumes adding up to the published 2024
  total, minutes, digital shares averaging the published electronic share, and service shares for
  planning departments. Every figure that is not published is listed by `hours_assumptions()`.

Everything is deterministic: no random numbers, only fixed rules and largest-remainder rounding.
"""

from planner.datasets.westkaz.count import (
    count_assumptions,
    count_scenario,
    count_variants,
)
from planner.datasets.westkaz.hours import (
    hours_assumptions,
    hours_scenario,
    hours_variants,
)
from planner.datasets.westkaz.published import (
    CITY_GROUP,
    CITY_ID,
    CITY_NAME,
    COUNT_SCENARIO_NAME,
    DISTRICT_GROUP,
    GROUP_OF_TABLE,
    HOURS_PER_FTE,
    HOURS_SCENARIO_NAME,
    ID_PREFIX_OF_TABLE,
    MOVABLE_PAIRS,
    REGION_GROUP,
    SKILLS,
    UNITS_FILE,
    VOLUMES_FILE,
    Assumption,
    PublishedUnit,
    PublishedVolumes,
    default_data_dir,
    largest_remainder,
    read_units,
    read_volumes,
)

__all__ = [
    "Assumption",
    "CITY_GROUP",
    "CITY_ID",
    "CITY_NAME",
    "COUNT_SCENARIO_NAME",
    "DISTRICT_GROUP",
    "GROUP_OF_TABLE",
    "HOURS_PER_FTE",
    "HOURS_SCENARIO_NAME",
    "ID_PREFIX_OF_TABLE",
    "MOVABLE_PAIRS",
    "PublishedUnit",
    "PublishedVolumes",
    "REGION_GROUP",
    "SKILLS",
    "UNITS_FILE",
    "VOLUMES_FILE",
    "count_assumptions",
    "count_scenario",
    "count_variants",
    "default_data_dir",
    "hours_assumptions",
    "hours_scenario",
    "hours_variants",
    "largest_remainder",
    "read_units",
    "read_volumes",
]
