"""`planner doctor`: solve models whose answers are known with the installed solvers, and say
which answers are wrong.

HiGHS has called feasible MILPs infeasible with presolve on (highspy 1.14 and 1.15; see
docs/solvers.md), so the planner confirms every certificate with HiGHS's presolve off and with CBC.
This module checks exactly those configurations, and HiGHS with presolve on for the record, on the
models shipped in planner/reproducers/ (models.json names each true answer, README.md where each
came from).

    from planner.doctor import run_checks, exit_code
    checks = run_checks()          # list[Check], one per solver configuration and model

CBC is reached through PuLP, as the planner reaches it. PuLP's own MPS reader
(`LpProblem.fromMPS`) cannot read the files HiGHS writes (RANGES, UI/LI bounds), so the files are
read by `planner.doctor.mps` and handed to PuLP as a problem.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from planner.display import significant

# The MPS reader is part of the doctor's interface (tests and bench read models with it).
from planner.doctor.mps import MpsModel as MpsModel
from planner.doctor.mps import read_mps as read_mps
from planner.doctor.mps import to_pulp
from planner.i18n import N_, NP_, _, ngettext, pgettext

REPRODUCERS = Path(__file__).resolve().parent.parent / "reproducers"
TIME_LIMIT = 60.0  # seconds per solve; every shipped model takes well under one
OBJECTIVE_TOLERANCE = 1e-6  # relative (absolute below 1) agreement with the known objective
POINT_TOLERANCE = 1e-5  # largest violation of a row, bound or integrality a returned point may have

# The options planner/solvers.py (HighsBackend) gives HiGHS, with the gaps it uses for a proof.
PLANNER_HIGHS_OPTIONS: dict[str, float | int] = {
    "mip_feasibility_tolerance": 1e-7,
    "primal_feasibility_tolerance": 1e-9,
    "random_seed": 0,
    "threads": 1,
    "mip_rel_gap": 0.0,
    "mip_abs_gap": 1e-9,
}

# The checks' fields are data (JSON, the web), kept in these words; the table and the summary
# show them in the current language.
HIGHS, CBC = "HiGHS", "CBC"
PRESOLVE_ON, PRESOLVE_OFF = N_("presolve on"), N_("presolve off")
RIGHT, WRONG, ERROR = NP_("verdict", "right"), NP_("verdict", "wrong"), NP_("verdict", "error")


@dataclass(frozen=True)
class Model:
    """A shipped model and its true answer."""

    file: str
    expected_status: str  # "optimal" or "infeasible"
    expected_objective: float | None
    what: str
    source: str

    @property
    def path(self) -> Path:
        return REPRODUCERS / self.file

    @property
    def name(self) -> str:
        return self.file.removesuffix(".mps")

    @property
    def expected(self) -> str:
        if self.expected_status == "infeasible":
            return "infeasible"
        return f"optimal {_number(self.expected_objective)}"


@dataclass(frozen=True)
class Check:
    """One solver configuration on one model: what it should say, what it said, and the verdict."""

    solver: str  # "HiGHS" or "CBC"
    version: str  # the solver's own version: highspy's, or the CBC binary's
    configuration: str  # "presolve on", "presolve off", or "PuLP 3.3.2" for CBC
    model: str
    expected: str  # "optimal 32", "infeasible"
    got: str  # the same form, or the solver's own words for anything else
    verdict: str  # "right", "wrong", or "error" (the solver could not be run)
    confirms: bool  # the planner relies on this configuration to confirm its certificates
    seconds: float
    detail: str = ""

    @property
    def label(self) -> str:
        return f"{self.solver} {self.configuration}" if self.solver == HIGHS else self.solver

    @property
    def shown_label(self) -> str:
        """`label` in the current language."""
        return f"{self.solver} {_(self.configuration)}" if self.solver == HIGHS else self.solver

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- models
def models() -> list[Model]:
    """The shipped models with their known answers, in the order of models.json."""
    manifest = json.loads((REPRODUCERS / "models.json").read_text(encoding="utf-8"))
    return [
        Model(m["file"], m["expected_status"], m["expected_objective"], m["what"], m["source"])
        for m in manifest["models"]
    ]


# --------------------------------------------------------------------------- HiGHS
@contextlib.contextmanager
def _stdout_silenced():
    """File descriptor 1 to /dev/null: highspy 1.16 prints a banner from C++ on stdout when the
    first Highs is made, before output_flag can be set, which would spoil `--json`."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _new_highs():
    import highspy

    with _stdout_silenced():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    return h


def highs_version() -> str:
    """highspy's own version (`Highs().version()`), or the installed package's, or "missing"."""
    try:
        return str(_new_highs().version())
    except ImportError:
        return "missing"
    except AttributeError:
        return metadata.version("highspy")


def _verdict(model: Model, status: str, objective: float | None) -> str:
    if model.expected_status == "infeasible":
        return RIGHT if status == "infeasible" else WRONG
    if status != "optimal" or objective is None:
        return WRONG
    expected = float(model.expected_objective or 0.0)
    close = abs(objective - expected) <= OBJECTIVE_TOLERANCE * max(1.0, abs(expected))
    return RIGHT if close else WRONG


def _got(status: str, objective: float | None, violation: float | None) -> str:
    text = (
        f"{status} {_number(objective)}"
        if status == "optimal" and objective is not None
        else status
    )
    if violation is not None and violation > POINT_TOLERANCE:
        text += f" (point violates the model by {violation:.2g})"
    return text


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    rounded = round(value)
    return (
        f"{rounded:d}" if abs(value - rounded) <= 1e-9 * max(1.0, abs(value)) else f"{value:.10g}"
    )


def check_highs(model: Model, *, presolve: bool, version: str | None = None) -> Check:
    """Solve one shipped model with the installed highspy under the planner's options."""
    configuration = PRESOLVE_ON if presolve else PRESOLVE_OFF
    version = version or highs_version()
    started = time.perf_counter()
    try:
        import highspy

        h = _new_highs()
        read = h.readModel(str(model.path))
        if read != highspy.HighsStatus.kOk:
            raise RuntimeError(f"readModel returned {read}")
        for key, value in PLANNER_HIGHS_OPTIONS.items():
            h.setOptionValue(key, value)
        h.setOptionValue("presolve", "on" if presolve else "off")
        h.setOptionValue("time_limit", TIME_LIMIT)
        h.run()
        seconds = time.perf_counter() - started
        words = h.modelStatusToString(h.getModelStatus())
        info = h.getInfo()
        has_point = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = list(h.getSolution().col_value) if has_point else None
    except Exception as error:  # noqa: BLE001 - a doctor reports whatever went wrong
        return Check(
            HIGHS,
            version,
            configuration,
            model.name,
            model.expected,
            f"error: {error}",
            ERROR,
            not presolve,
            time.perf_counter() - started,
            f"{type(error).__name__}: {error}",
        )
    status = words.lower() if words in ("Optimal", "Infeasible") else words
    objective, violation = None, None
    if values is not None:
        mps = read_mps(model.path)
        objective, violation = mps.objective(values), mps.violation(values)
    verdict = _verdict(model, status, objective)
    if violation is not None and violation > POINT_TOLERANCE:
        verdict = WRONG
    return Check(
        HIGHS,
        version,
        configuration,
        model.name,
        model.expected,
        _got(status, objective, violation),
        verdict,
        not presolve,
        seconds,
        f"HiGHS model status: {words}",
    )


# --------------------------------------------------------------------------- CBC through PuLP
def _cbc_class(pulp):
    """The CBC the planner would use (the engine's own choice)."""
    from planner.engine.solvers import cbc_class

    return cbc_class(pulp)


def _new_cbc(pulp, **options):
    cls = _cbc_class(pulp)
    if cls is None:
        raise RuntimeError(_("CBC is not installed (pip install pulp[cbc])"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PuLP 3.3 on its bundled CBC
        return cls(**options)


def cbc_version() -> str:
    """The CBC binary's own version ("2.10.3"), as it prints it; "missing" when there is none."""
    try:
        import pulp

        path = _new_cbc(pulp, msg=False).path
        out = subprocess.run([path], input="quit\n", capture_output=True, text=True, timeout=20)
    except Exception:  # noqa: BLE001 - no CBC, or it did not run
        return "missing"
    found = re.search(r"Version:\s*(\S+)", out.stdout + out.stderr)
    return found.group(1) if found else "unknown"


def pulp_version() -> str:
    try:
        return metadata.version("pulp")
    except metadata.PackageNotFoundError:
        return "missing"


def check_cbc(model: Model, *, version: str | None = None) -> Check:
    """Solve one shipped model with CBC through PuLP, at gap 0, one thread."""
    version = version or cbc_version()
    configuration = f"PuLP {pulp_version()}"
    started = time.perf_counter()
    try:
        import pulp

        mps = read_mps(model.path)
        problem, variables = to_pulp(mps)
        solver = _new_cbc(
            pulp, msg=False, timeLimit=TIME_LIMIT, gapRel=0.0, threads=1, options=["randomSeed 1"]
        )
        problem.solve(solver)
    except Exception as error:  # noqa: BLE001 - a doctor reports whatever went wrong
        return Check(
            CBC,
            version,
            configuration,
            model.name,
            model.expected,
            f"error: {error}",
            ERROR,
            True,
            time.perf_counter() - started,
            f"{type(error).__name__}: {error}",
        )
    seconds = time.perf_counter() - started
    words = f"{pulp.LpStatus[problem.status]}, {pulp.LpSolution[problem.sol_status]}"
    objective, violation = None, None
    if problem.status == pulp.LpStatusOptimal and problem.sol_status == pulp.LpSolutionOptimal:
        values = [v.varValue for v in variables]
        status = "optimal"
        if all(v is not None for v in values):
            objective, violation = mps.objective(values), mps.violation(values)
    elif (
        problem.status == pulp.LpStatusInfeasible or problem.sol_status == pulp.LpSolutionInfeasible
    ):
        status = "infeasible"
    else:
        status = words
    verdict = _verdict(model, status, objective)
    if violation is not None and violation > POINT_TOLERANCE:
        verdict = WRONG
    return Check(
        CBC,
        version,
        configuration,
        model.name,
        model.expected,
        _got(status, objective, violation),
        verdict,
        True,
        seconds,
        f"PuLP: {words}",
    )


# --------------------------------------------------------------------------- all of it
def run_checks() -> list[Check]:
    """Every shipped model with HiGHS (presolve on, presolve off) and with CBC through PuLP."""
    shipped = models()
    highs, cbc = highs_version(), cbc_version()
    checks = [check_highs(m, presolve=True, version=highs) for m in shipped]
    checks += [check_highs(m, presolve=False, version=highs) for m in shipped]
    checks += [check_cbc(m, version=cbc) for m in shipped]
    return checks


def exit_code(checks: list[Check]) -> int:
    """0 when every configuration the planner confirms its certificates with is right, else 1."""
    return 0 if all(c.verdict == RIGHT for c in checks if c.confirms) else 1


def summary(checks: list[Check]) -> list[str]:
    """One line per solver: how many models each configuration got wrong, and what follows."""
    lines = []
    highs = [c for c in checks if c.solver == HIGHS]
    if highs:
        n = len({c.model for c in highs})
        on = sum(c.verdict != RIGHT for c in highs if c.configuration == PRESOLVE_ON)
        off = sum(c.verdict != RIGHT for c in highs if c.configuration == PRESOLVE_OFF)
        name = f"HiGHS {highs[0].version}"
        if off:
            lines.append(
                ngettext(
                    "{name}: wrong on {wrong} of {count} model with presolve off (and {on} with "
                    "presolve on). The planner confirms its certificates with presolve off, so "
                    "its results cannot be trusted with this highspy: install the version the "
                    "planner pins.",
                    "{name}: wrong on {wrong} of {count} models with presolve off (and {on} with "
                    "presolve on). The planner confirms its certificates with presolve off, so "
                    "its results cannot be trusted with this highspy: install the version the "
                    "planner pins.",
                    n,
                ).format(name=name, wrong=off, count=n, on=on)
            )
        elif on:
            lines.append(
                ngettext(
                    "{name}: wrong on {wrong} of {count} model with presolve on; right with "
                    "presolve off. The planner confirms every certificate with presolve off and "
                    "CBC, so its results stay correct, but report this.",
                    "{name}: wrong on {wrong} of {count} models with presolve on; right with "
                    "presolve off. The planner confirms every certificate with presolve off and "
                    "CBC, so its results stay correct, but report this.",
                    n,
                ).format(name=name, wrong=on, count=n)
            )
        else:
            lines.append(
                ngettext(
                    "{name}: right on the {count} model with presolve on and off.",
                    "{name}: right on all {count} models with presolve on and off.",
                    n,
                ).format(name=name, count=n)
            )
    cbc = [c for c in checks if c.solver == CBC]
    if cbc:
        n, wrong = len(cbc), sum(c.verdict != RIGHT for c in cbc)
        name = f"CBC {cbc[0].version} ({cbc[0].configuration})"
        if wrong:
            lines.append(
                ngettext(
                    "{name}: wrong on {wrong} of {count} model. The planner confirms its "
                    "certificates with CBC, so its results cannot be trusted until CBC is fixed "
                    "or reinstalled.",
                    "{name}: wrong on {wrong} of {count} models. The planner confirms its "
                    "certificates with CBC, so its results cannot be trusted until CBC is fixed "
                    "or reinstalled.",
                    n,
                ).format(name=name, wrong=wrong, count=n)
            )
        else:
            lines.append(
                ngettext(
                    "{name}: right on the {count} model.", "{name}: right on all {count} models.", n
                ).format(name=name, count=n)
            )
    return lines


def answer_text(answer: str) -> str:
    """An answer of a check ("optimal 32", "infeasible", "error: ...", with "(point violates the
    model by ...)") in the current language; a solver's own words stay as it gave them."""
    if answer.startswith("error: "):
        return _("error: {error}").format(error=answer.removeprefix("error: "))
    answer, violates, violation = answer.partition(" (point violates the model by ")
    status, _space, objective = answer.partition(" ")
    if status in ("optimal", "infeasible"):
        answer = pgettext("status", status) + (
            f" {_objective_text(objective)}" if objective else ""
        )
    if violates:
        answer += " " + _("(point violates the model by {violation})").format(
            violation=violation.removesuffix(")")
        )
    return answer


def _objective_text(text: str) -> str:
    try:
        return significant(float(text), 10)
    except ValueError:
        return text


def table(checks: list[Check]) -> list[str]:
    """The checks as an aligned text table."""
    head = (_("solver"), _("version"), _("model"), _("expected"), _("got"), _("verdict"))
    rows = [
        (
            c.shown_label,
            c.version,
            c.model,
            answer_text(c.expected),
            answer_text(c.got),
            pgettext("verdict", c.verdict).upper()
            if c.verdict != RIGHT
            else pgettext("verdict", c.verdict),
        )
        for c in checks
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [head, *rows]
    ]


def command(*, json_output: bool = False) -> int:
    """`planner doctor`: print the table and the summary (or JSON); return the exit code."""
    checks = run_checks()
    code = exit_code(checks)
    if json_output:
        document = {
            "ok": code == 0,
            "exit_code": code,
            "versions": {
                "highspy": highs_version(),
                "cbc": cbc_version(),
                "pulp": pulp_version(),
                "python": sys.version.split()[0],
            },
            "checks": [c.to_dict() for c in checks],
            "summary": summary(checks),
        }
        print(json.dumps(document, indent=2))
    else:
        for line in table(checks):
            print(line)
        print()
        for line in summary(checks):
            print(line)
    return code
