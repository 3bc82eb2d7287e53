"""A scenario file: the customer's request, the site it runs on, the state the learner finds (faults and changes to
the site), the goals the learner must reach (checks of the goal site's recette), per-learner variables, hints and
the reference solution. Pure data: `officelab.exercises.scenario` loads and checks it against the site."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from officelab.core.model import DURATION_PATTERN, Model

CRITERION_PATTERN = r"^(TRI|TAI)-(CP\d+|CT\d*)-C\d+$"
COMPETENCY_PATTERN = r"^(TRI|TAI)-(CP\d+|CT\d*)$"
Criterion = Annotated[str, StringConstraints(pattern=CRITERION_PATTERN)]
CompetencyId = Annotated[str, StringConstraints(pattern=COMPETENCY_PATTERN)]
Duration = Annotated[str, StringConstraints(pattern=DURATION_PATTERN)]
VariableName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
LEARNER_PATTERN = r"^[a-z][a-z0-9]{0,11}$"
"""A learner's name is also the name of their lab (lower-case letters and digits, at most 12 characters)."""


class Text(Model):
    """A text in French (the learner's language) and English."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Variable(Model):
    """A value drawn per learner: one of ``choose`` (a value, or a mapping of related values: ``{pc: …, port: …}``)."""

    choose: list[Any] = Field(min_length=1, max_length=200)
    description: str = ""


class FaultStart(Model):
    """A fault of the catalogue, made at the start (hidden from the learner)."""

    type: str = Field(min_length=1)
    params: dict[str, str] = Field(default_factory=dict)


class PatchOp(Model):
    """One change to the site's file: ``remove: PATH``, ``set: PATH`` with ``value``, or ``add: PATH`` (append
    ``value`` to the list at PATH). A PATH is dotted keys with selectors: ``directory.users[login=pdurand]``,
    ``nodes[name=pc-compta-1].interfaces[name=eth0].address``, ``links[pc-compta-1:eth0]`` (the cable with that end)."""

    remove: str | None = None
    set: str | None = None
    add: str | None = None
    value: Any = None

    @model_validator(mode="after")
    def _one_op(self) -> PatchOp:
        ops = [op for op in (self.remove, self.set, self.add) if op is not None]
        if len(ops) != 1:
            raise ValueError("a patch step is exactly one of `remove: PATH`, `set: PATH` (with `value:`), `add: PATH` (with `value:`)")
        if self.remove is None and self.value is None:
            raise ValueError("`set` and `add` need a `value:`")
        if self.remove is not None and self.value is not None:
            raise ValueError("`remove` takes no `value:`")
        return self

    @property
    def path(self) -> str:
        return next(op for op in (self.remove, self.set, self.add) if op is not None)


class Start(Model):
    """What the learner finds: the site changed by ``patch`` (booted so), then ``faults`` made on it."""

    patch: list[PatchOp] = Field(default_factory=list, max_length=100)
    faults: list[FaultStart] = Field(default_factory=list, max_length=10)


class Goal(Model):
    """A goal: every check of the goal site's recette matching ``checks`` (glob patterns on check ids) passes."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,40}$")]
    title: Text
    checks: list[str] = Field(min_length=1, max_length=50)
    points: int = Field(default=10, ge=1, le=100)
    criteria: list[Criterion] = Field(default_factory=list)


class GoalState(Model):
    """The site the learner must reach (the scenario's site changed by ``patch``), and the goals graded in it."""

    patch: list[PatchOp] = Field(default_factory=list, max_length=100)
    goals: list[Goal] = Field(min_length=1, max_length=30)


class Hint(Model):
    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)
    cost: int = Field(default=1, ge=0, le=50, description="points taken off the grade when the hint is shown")


class SolutionStep(Model):
    """A step of the reference solution: a command on a node (``on`` + ``run``), or an OfficeLab command (``officelab``,
    the physical acts and the console: ``link up pc-compta-1:eth0``)."""

    on: str | None = None
    run: str | None = None
    officelab: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> SolutionStep:
        if (self.officelab is None) == (self.on is None or self.run is None) or (self.officelab is not None and self.on is not None):
            raise ValueError("a solution step is either `on: NODE` with `run: COMMAND`, or `officelab: ARGUMENTS`")
        return self


class Method(Model):
    """How the learner's method is judged from the journal."""

    layer: Literal["physical", "data link", "network", "transport", "application"] | None = Field(
        default=None, description="the faulty layer (default: the lowest layer of the start faults)"
    )
    max_tests: int = Field(default=8, ge=1, le=100, description="tests before the first change that an efficient diagnosis needs at most")


class Regressions(Model):
    points: int = Field(default=10, ge=0, le=100, description="points for leaving everything else working")
    per_check: int = Field(default=2, ge=1, le=100, description="points lost per check that passed at the start and fails now")


class TicketExpect(Model):
    """How the trainer expects the ticket to be worked: its qualification, and whether it must go to N2."""

    urgency: int | None = Field(default=None, ge=1, le=5)
    impact: int | None = Field(default=None, ge=1, le=5)
    category: str | None = None
    escalate: bool = False
    remote: bool = Field(default=False, description="the learner assists the user from the ticket (`desk ticket remote`): TAI-CP9-C4")
    assets: bool = Field(
        default=False, description="the ticket names the assets concerned, from an inventory scanned meanwhile: TAI-CP9-C5"
    )


class TicketBrief(Model):
    """The briefing as the service desk receives it: a ticket opened at the start, in the user's words (the learner
    qualifies it, works it, documents the solution and closes it)."""

    requester: str = Field(description="a user of the site's directory")
    category: str = Field(description="one of the desk's categories, as the call was first sorted")
    urgency: int = Field(default=3, ge=1, le=5, description="as the user says it")
    impact: int = Field(default=3, ge=1, le=5, description="as first noted (the learner qualifies it)")
    expect: TicketExpect = Field(default_factory=TicketExpect)


class Scenario(Model):
    """An exercise: a customer's request on a site, the start state, the goals, and how it is graded."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,48}$")]
    title: Text
    briefing: Text
    site: str = "cabinet-martin"
    competencies: list[CompetencyId] = Field(min_length=1)
    criteria: list[Criterion] = Field(default_factory=list, description="criteria trained beyond the goals' (method criteria)")
    level: int = Field(ge=1, le=3)
    duration: Duration = "30m"
    time_limit: Duration | None = None
    variables: dict[VariableName, Variable] = Field(default_factory=dict, max_length=20)
    start: Start = Field(default_factory=Start)
    goal: GoalState
    hints: list[Hint] = Field(default_factory=list, max_length=10)
    method: Method = Field(default_factory=Method)
    regressions: Regressions = Field(default_factory=Regressions)
    solution: list[SolutionStep] = Field(min_length=1, max_length=50)
    ticket: TicketBrief | None = Field(default=None, description="the briefing opened as a ticket in the desk")
