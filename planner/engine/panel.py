"""A panel of solver configurations, so that no single solver answer is taken as a proof.

A certificate rests on negative claims: "no plan has every coefficient at or below t" (a feasibility
MILP is infeasible), "no plan needs fewer moves" (a minimum is optimal). A solver's point can be
checked against the model; its negative claims cannot, and highspy 1.14 and 1.15 with presolve make
false ones (../shared/reproducers: a feasible MILP called infeasible; a MIP start returned as
optimal when 32 moves beat its 33). So every claim a certificate rests on is confirmed by a second,
differently built configuration before it is reported, cheapest first:

1. HiGHS with presolve (the fast path),
2. HiGHS without presolve (a different code path; right on every reproducer),
3. CBC through PuLP (an independent solver), only on disagreement or after a fault.

A configuration whose claim another refutes with a checked point is a fault: recorded with the solver
version, logged, counted in the report, and the configuration is dropped for the rest of the group's
search. The panel runs solves; what counts as a refutation is the search's business (search.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from planner.display import significant
from planner.domain import SolverName
from planner.engine.solvers import Backend, HighsBackend, PulpBackend, SolverRun, solver_version
from planner.errors import SolverError
from planner.i18n import N_, _

log = logging.getLogger("planner.engine")


class Config(StrEnum):
    """One way of running a solver on the group's model."""

    HIGHS = N_("HiGHS with presolve")
    HIGHS_NO_PRESOLVE = N_("HiGHS without presolve")
    PULP_HIGHS = N_("HiGHS through PuLP")
    CBC = "CBC"

    @property
    def text(self) -> str:
        """The configuration in the current language (the value is the log's and the key)."""
        return _(self.value)

    @property
    def solver(self) -> SolverName:
        if self is Config.CBC:
            return SolverName.CBC
        return SolverName.PULP_HIGHS if self is Config.PULP_HIGHS else SolverName.HIGHS


# The order in which configurations are asked, by the solver the scenario chose.
PANELS: dict[SolverName, tuple[Config, ...]] = {
    SolverName.HIGHS: (Config.HIGHS, Config.HIGHS_NO_PRESOLVE, Config.CBC),
    SolverName.PULP_HIGHS: (Config.PULP_HIGHS, Config.HIGHS_NO_PRESOLVE, Config.CBC),
    SolverName.CBC: (Config.CBC, Config.HIGHS_NO_PRESOLVE, Config.HIGHS),
}


class FaultKind(StrEnum):
    """How a solver was caught out."""

    FALSE_INFEASIBLE = N_("called a feasible model infeasible")
    FALSE_OPTIMUM = N_("called a value optimal that another plan beats")
    POINT_OUTSIDE_MODEL = N_("returned a point that the model's rows exclude beyond any tolerance")
    BOUND_ABOVE_PLAN = N_("gave a lower bound above a plan already seen")


@dataclass(frozen=True)
class SolverFault:
    """One wrong solver answer, caught and handled."""

    kind: FaultKind
    config: Config  # the configuration that erred
    witness: Config | None  # the configuration whose checked plan showed it, if any
    claim: str  # what it claimed, in plain words
    version: str  # "HiGHS 1.15.1"

    def sentence(self) -> str:
        """The fault in the current language (the claim was put in words when it was made)."""
        if self.witness:
            claim = _("{claim} ({witness} found a plan that disproves it)").format(
                claim=self.claim, witness=self.witness.text
            )
        else:
            claim = self.claim
        return _(
            "solver fault handled: {config} ({version}) {fault}: {claim}; the answer was not used"
        ).format(config=self.config.text, version=self.version, fault=_(self.kind.value),
                 claim=claim)  # fmt: skip


def no_plan_claim(t: float) -> str:
    """A solver's claim that the group has no plan at `t`, in words."""
    return _("no plan has every coefficient at or below {t}").format(t=significant(t, 9))


def plan_claim(t: float, value: float) -> str:
    """A solver's claim of a plan at `t` whose maximum, recomputed, is `value`."""
    return _(
        "a plan with every coefficient at or below {t} (its plan's maximum is {value})"
    ).format(t=significant(t, 9), value=significant(value, 9))


class SolverPanel:
    """The configurations of one group's search, in the order they are trusted.

    `keeper` holds the model and receives every change (thresholds, bounds, objectives, rows); the
    HiGHS configurations run on it, the PuLP ones build their problem from its arrays at each run.
    """

    def __init__(self, solver: SolverName) -> None:
        self.keeper: HighsBackend | None = None  # set by the search when it loads a model
        self.trusted: list[Config] = list(PANELS[solver])
        self.faults: list[SolverFault] = []
        self.confirmation_runs = 0
        self.confirmation_seconds = 0.0

    @property
    def primary(self) -> Config:
        return self.trusted[0]

    def others(self, *besides: Config) -> list[Config]:
        """Trusted configurations other than these, in order."""
        return [c for c in self.trusted if c not in besides]

    def run(
        self,
        config: Config,
        *,
        time_limit: float | None,
        mip_gap: float | None = None,
        integral_objective: bool = False,
        start: np.ndarray | None = None,
        confirming: bool = False,
        heuristics: bool = True,
    ) -> SolverRun:
        """One run; heuristics=False for a run expected to prove that no point exists (the HiGHS
        configurations then skip their primal heuristics; the others ignore it)."""
        if self.keeper is None:
            raise RuntimeError("the panel has no model loaded")
        if config in (Config.HIGHS, Config.HIGHS_NO_PRESOLVE):
            run = self.keeper.solve(
                time_limit=time_limit,
                mip_gap=mip_gap,
                integral_objective=integral_objective,
                start=start,
                presolve=config is Config.HIGHS,
                heuristics=heuristics,
            )
        else:
            backend: Backend = PulpBackend(self.keeper.model, solver=config.solver)
            backend.set_objective(self.keeper.costs, maximize=self.keeper.maximize)
            try:
                run = backend.solve(
                    time_limit=time_limit, mip_gap=mip_gap, integral_objective=integral_objective
                )
            except SolverError as error:
                # CBC missing or failing to run: it cannot confirm anything; say so, go on.
                log.warning("%s cannot be used: %s", config, error)
                self.trusted.remove(config)
                raise ConfigUnavailable(str(error)) from error
        if confirming:
            self.confirmation_runs += 1
            self.confirmation_seconds += run.seconds
        return run

    def fault(
        self, kind: FaultKind, config: Config, claim: str, witness: Config | None = None
    ) -> SolverFault:
        """Record a wrong answer and stop trusting the configuration that gave it."""
        fault = SolverFault(kind, config, witness, claim, solver_version(config.solver))
        self.faults.append(fault)
        log.warning(fault.sentence())
        if config in self.trusted:
            self.trusted.remove(config)
        return fault


class ConfigUnavailable(Exception):
    """A configuration could not run at all (its solver is not installed)."""
