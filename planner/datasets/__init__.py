"""Scenarios built from data: the bundled West Kazakhstan 2024 scenarios (`westkaz`, from the
published tables in `data/`, shipped with the package) and synthetic scenarios of any size shaped
like them (`generate`). Both return plain Scenario objects; nothing here reads or writes workbooks.
"""
