"""Placeholder: the reader and checks land in the next commit."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain import Scenario
from planner.errors import Problem


@dataclass(frozen=True)
class Report:
    scenario: Scenario | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def validate_workbook(path) -> Report:
    raise NotImplementedError
