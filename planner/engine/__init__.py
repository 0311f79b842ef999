"""The engine: one group's numbers (group), plans and their exact figures (plan), the model as
arrays (model), solver backends (solvers) and the panel that confirms their claims (panel), the
certified search (search), the independent check (verify), explanations of infeasibility
(explain), sensitivity re-solves (sensitivity) and from-to transfers (transfers).

Public interface for the layers above: `GroupSolver` (start plan, known lower bound and move budget
in; an immutable `Bracket` or a `GroupSearch` out), `search_group`, `best_max_coefficient`,
`group_data`, and the plan arithmetic of `planner.engine.plan`.
"""
