"""Excel files, whoever wrote them: safe reading of a stranger's .xlsx (`reading`), cell writers
that keep text as text and size columns (`writing`), and atomic saves (`files`).

Nothing here knows the scenario format or the planner's reports; both are built on these pieces.
"""
