"""The engine: one group's numbers (group), plans and their exact figures (plan), the model as
arrays with its forms and row families (model), solver backends (solvers), the panel that confirms
their claims (panel), the session that asks them questions about one loaded model (session), the
minmax bisection (bracket), the lexicographic search (search), the independent check (verify),
explanations of infeasibility (explain), sensitivity re-solves (sensitivity) and from-to transfers
(transfers).

Public interface for the layers above: `GroupSolver` (start plan, known lower bound and move budget
in; an immutable `Bracket` out), `search_group` (an immutable `GroupSearch` out),
`best_max_coefficient`, `group_data`, and the plan arithmetic of `planner.engine.plan`.
"""
