"""Studies over whole scenarios: options side by side (`compare.compare`) and balance against
disruption (`frontier.frontier`). They take Scenarios and return results; they read no files and
print nothing (planner.reports writes and formats what they return).

The functions are exported by `planner` itself (`planner.compare`, `planner.frontier`); they are
not re-exported here, where their names are those of the modules.
"""
