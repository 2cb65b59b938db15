"""Every page of the app (each GET route of its URL map), with its ids filled from the clinic in
the database: what `make bench` times and what tests/test_query_growth.py counts.

The ids come from one sample client in treatment: among the open episodes of a chosen counselor
(the scale seed's first, whose caseload is the same size at any size of clinic), one with the
first medical user on its care team, and of those the richest history (the most kinds of
records, then the most records: assessments, instrument results, plans, moves, discharges,
stays). A route that needs what that client lacks (a draft plan
with a problem, a plan with an earlier version) takes the next client that has it; a route with an
argument nobody here knows how to fill, or with nothing in the clinic to fill it from, is a
`Problem` naming the route. Only the tables are read, never how a seed wrote them.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from clinic.assessments.instruments import INSTRUMENTS
from clinic.assessments.models import Assessment, InstrumentResult
from clinic.assessments.vocabulary import AssessmentStatus
from clinic.auth.models import User
from clinic.care.models import DischargeRequest, RequestStatus, TransitionRequest
from clinic.clients.contacts import Contact
from clinic.clients.models import CareTeamMember, Client, Episode
from clinic.clients.stays import LevelOfCareStay
from clinic.consents.models import Consent, Disclosure
from clinic.core import due
from clinic.core.audit import AuditEvent
from clinic.directory.models import Provider
from clinic.extensions import db
from clinic.plans.models import PlanProblem, TreatmentPlan
from clinic.plans.vocabulary import PlanStatus
from clinic.seed.scale import FIRST_COUNSELOR_EMAIL, SCALE_DOMAIN, SUPERVISOR_EMAIL

FIRST_MEDICAL_EMAIL = f"medical01@{SCALE_DOMAIN}"
# GET routes deliberately not timed, and why: the one place that says so.
NOT_TIMED = {
    "static": "files sent as they are (the web server's job in production), no application code",
    "bootstrap.static": "Bootstrap's files, sent as they are, no application code",
    "consents.privacy_notice": "a GET only sends the browser to the Consents tab's card (the "
    "address a refused save leaves in the address bar): nothing is read or rendered",
}
# Public pages, asked signed out (a signed-in user asking for /login is sent home).
SIGNED_OUT = {
    "home.healthz": "the load balancer's health check, and the floor every page is compared to",
    "auth.login": "the sign-in page",
}
# Routes that answer a signed-in role who may not use them with a redirect rather than 403/404,
# and why; for these, a redirect counts as "this role may not open it".
REDIRECT_MEANS_NO = {
    "plans.problem": "a role that may read the plan but not write it is sent to the plan",
}
# How many other clients are tried, richest first, for a route the counselor's clients cannot fill.
CANDIDATES = 200
# Which fact fills each argument of a route (`ROUTE_FACTS` overrides it for some routes).
ARGUMENT_FACTS = {
    "client_id": "client_id",
    "assessment_id": "assessment_id",
    "result_id": "result_id",
    "plan_id": "plan_id",
    "problem_id": "draft_problem_id",
    "code": "code",
    "user_id": "user_id",
    "event_id": "event_id",
    "page": "page",
    "kind": "kind",
    "provider_id": "provider_id",
    "contact_id": "contact_id",
    "consent_id": "consent_id",
    "disclosure_id": "disclosure_id",
}
ROUTE_FACTS = {
    # Only a client with no open episode can be admitted (else: sent to the chart).
    "clients.admit": {"client_id": "discharged_client_id"},
    # Only the problems of a draft not yet signed are edited (else: sent to the plan).
    "plans.problem": {"plan_id": "draft_plan_id", "problem_id": "draft_problem_id"},
    # Only the active plan of an open episode is reviewed.
    "plans.review": {"plan_id": "active_plan_id"},
    # A first version has nothing to compare with.
    "plans.compare": {"plan_id": "later_plan_id"},
}
# What a route's client should have when some client has it, so that the page shows it (and
# shows the same in every clinic): the move or discharge waiting for a decision.
ROUTE_PREFERS = {
    "care.moves": {"pending_move"},
    "care.discharge": {"pending_discharge"},
}
# Facts that belong to one client: a route using any of them takes that client's `client_id`.
CLIENT_FACTS = {
    "client_id",
    "assessment_id",
    "result_id",
    "plan_id",
    "draft_plan_id",
    "draft_problem_id",
    "active_plan_id",
    "later_plan_id",
    "code",
    "pending_move",
    "pending_discharge",
    "contact_id",
    "consent_id",
    "disclosure_id",
}
# The table each fact comes from, to say what the clinic lacks when it cannot be filled.
FACT_TABLES = {
    "assessment_id": "assessments",
    "result_id": "instrument_results",
    "plan_id": "treatment_plans",
    "draft_plan_id": "treatment_plans",
    "draft_problem_id": "plan_problems",
    "active_plan_id": "treatment_plans",
    "later_plan_id": "treatment_plans",
    "event_id": "audit_events",
    "discharged_client_id": "episodes",
    "provider_id": "providers",
    "contact_id": "client_contacts",
    "consent_id": "consents",
    "disclosure_id": "disclosures",
}
# The same route asked again with a query string: searches, exports, the live recommendation.
VARIANTS: dict[str, list[Callable[["Clinic"], dict]]] = {
    "clients.index": [lambda _clinic: {}, lambda clinic: {"q": clinic.common_prefix}],
    "clients.new": [
        lambda _clinic: {},
        lambda clinic: {"first": clinic.common_first_name, "last": clinic.common_last_name},
    ],
    "admin.users": [lambda _clinic: {}, lambda _clinic: {"q": "counselor"}],
    "directory.index": [
        lambda _clinic: {},
        lambda _clinic: {"q": "recovery"},
        lambda _clinic: {"kind": "sober_living", "status": "all"},
    ],
    "admin.audit_log": [lambda _clinic: {}, lambda _clinic: {"user": SUPERVISOR_EMAIL}],
    "reports.caseload": [lambda _clinic: {}, lambda _clinic: {"format": "csv"}],
    "assessments.recommendation": [
        lambda _clinic: {"d1": 3, "d2": 1, "d3": 2, "d4": 2, "d5": 3, "d6": 2, "cows": 14}
    ],
}


class SampleUrl(NamedTuple):
    endpoint: str
    url: str


@dataclass(frozen=True)
class Problem:
    """A GET route that could not be given a URL: which, and why."""

    endpoint: str
    reason: str
    # The table the route's ids come from has no rows at all (the seed gives none of them).
    empty_table: str | None = None

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.reason}"


@dataclass
class Sampled:
    urls: list[SampleUrl] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    client_id: int | None = None  # the sample client


class SampleError(LookupError):
    """Some GET route has no URL; the message names every one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def get_routes(app: Flask) -> list[Rule]:
    """Every rule that answers GET, in URL order."""
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())]
    return sorted(rules, key=lambda rule: (rule.rule, rule.endpoint))


def sample_urls(app: Flask, session: Session, **options) -> list[SampleUrl]:
    """A URL for every GET route not in NOT_TIMED (several for those with VARIANTS); raises
    SampleError naming every route that could not be filled."""
    sampled = sample(app, session, **options)
    if sampled.problems:
        raise SampleError(sampled.problems)
    return sampled.urls


def sample(
    app: Flask,
    session: Session,
    counselor_email: str = FIRST_COUNSELOR_EMAIL,
    medical_email: str = FIRST_MEDICAL_EMAIL,
) -> Sampled:
    """The URLs that could be filled, and a Problem for each GET route that could not.
    The sample client is one of `counselor_email`'s, with `medical_email` on its care team when
    one of them has (so that every clinical role is timed on the chart), the richest in history
    of those."""
    clinic = Clinic(session, counselor_email, medical_email)
    sampled = Sampled(client_id=clinic.sample_client())
    for rule in get_routes(app):
        if rule.endpoint in NOT_TIMED:
            continue
        try:
            values = clinic.fill(rule)
        except UnfilledError as error:
            sampled.problems.append(Problem(rule.endpoint, str(error), error.empty_table))
            continue
        for each in _every_choice(values):
            path = rule.build(each, append_unknown=False)[1]
            for variant in VARIANTS.get(rule.endpoint, [lambda _clinic: {}]):
                query = variant(clinic)
                url = f"{path}?{urlencode(query)}" if query else path
                sampled.urls.append(SampleUrl(rule.endpoint, url))
    return sampled


def _every_choice(values: dict) -> list[dict]:
    """A fact that is a list (every instrument code) gives one URL per value."""
    choices = [{}]
    for argument, value in values.items():
        options = value if isinstance(value, list) else [value]
        choices = [{**each, argument: option} for each in choices for option in options]
    return choices


def page_label(app: Flask, url: str) -> str:
    """The URL with its record ids named rather than given (`/clients/<client_id>/plans/`), so
    that the same page has the same label in every clinic; other arguments and the query
    string are kept."""
    parts = urlsplit(url)
    endpoint, values = app.url_map.bind("localhost").match(parts.path, method="GET")
    rule = next(iter(app.url_map.iter_rules(endpoint)))
    ids = {name: f"<{name}>" for name in values if name.endswith("_id") or name == "page"}
    path = "".join(
        ids.get(name, str(values[name])) if is_argument else name
        for is_argument, name in _rule_parts(rule)
    )
    return f"{path}?{parts.query}" if parts.query else path


def _rule_parts(rule: Rule) -> list[tuple[bool, str]]:
    """The rule's text as (is an argument, literal text or argument name) pieces."""
    pieces = []
    for piece in re.split(r"(<[^>]+>)", rule.rule):
        if piece.startswith("<") and piece.endswith(">"):
            pieces.append((True, piece[1:-1].split(":")[-1]))
        elif piece:
            pieces.append((False, piece))
    return pieces


class UnfilledError(LookupError):
    def __init__(self, message: str, empty_table: str | None = None):
        super().__init__(message)
        self.empty_table = empty_table


class Clinic:
    """Reads the facts routes are filled from, each once."""

    def __init__(self, session: Session, counselor_email: str, medical_email: str):
        self.session = session
        self.counselor_id = session.scalar(sa.select(User.id).where(User.email == counselor_email))
        self.medical_id = session.scalar(sa.select(User.id).where(User.email == medical_email))
        self._own: list[int] | None = None
        self._others: list[int] | None = None
        self._facts: dict[int, dict] = {}
        self._global: dict | None = None

    # --- Filling a route ------------------------------------------------------------------

    def fill(self, rule: Rule) -> dict:
        wanted = {}
        for argument in sorted(rule.arguments):
            fact = ROUTE_FACTS.get(rule.endpoint, {}).get(argument) or ARGUMENT_FACTS.get(argument)
            if fact is None:
                raise UnfilledError(
                    f"no value for <{argument}> in {rule.rule}: teach clinic/seed/sample.py "
                    "where to find one (ARGUMENT_FACTS), or list the route in NOT_TIMED"
                )
            wanted[argument] = fact
        if not wanted:
            return {}
        client_facts = {fact for fact in wanted.values() if fact in CLIENT_FACTS}
        facts = dict(self.global_facts())
        if client_facts:
            client_facts.add("client_id")
            # The counselor's clients first, with what the route prefers, then without it, so that
            # the counselor is timed on this page too; anyone's only when none of theirs will do.
            preferred = ROUTE_PREFERS.get(rule.endpoint, set())
            found = None
            for own_only, wanted_facts in (
                (True, client_facts | preferred),
                (True, client_facts),
                (False, client_facts | preferred),
                (False, client_facts),
            ):
                found = self._client_with(wanted_facts, own_only=own_only)
                if found is not None:
                    break
            if found is None:
                missing = sorted(client_facts - {"client_id"}) or ["client_id"]
                raise UnfilledError(
                    f"no client in treatment has {', '.join(missing)} for {rule.rule}",
                    self._empty_table(missing),
                )
            facts.update(found)
        values = {}
        for argument, fact in wanted.items():
            if facts.get(fact) is None:
                raise UnfilledError(
                    f"nothing in the clinic gives <{argument}> ({fact}) for {rule.rule}",
                    self._empty_table([fact]),
                )
            values[argument] = facts[fact]
        return values

    def _client_with(self, wanted: set[str], *, own_only: bool = False) -> dict | None:
        """The facts of the first candidate client (of the counselor's, with `own_only`) that has
        every one of `wanted`."""
        for client_id in self.candidates(own_only=own_only):
            facts = self.client_facts(client_id)
            if all(facts.get(fact) is not None for fact in wanted):
                return facts
        return None

    def _empty_table(self, facts: Iterable[str]) -> str | None:
        for fact in facts:
            table = FACT_TABLES.get(fact)
            if table is not None:
                exists = sa.select(sa.literal(1)).select_from(db.metadata.tables[table]).limit(1)
                if self.session.execute(exists).first() is None:
                    return table
        return None

    # --- The sample client, and the next ones ---------------------------------------------

    def candidates(self, *, own_only: bool = False) -> Iterator[int]:
        """Clients in treatment, richest history first: the chosen counselor's, then (only
        when asked for) anyone's."""
        if self._own is None:
            self._own = self._ranked(Episode.primary_counselor_id == self.counselor_id, None)
        yield from self._own
        if own_only:
            return
        if self._others is None:
            self._others = self._ranked(sa.true(), CANDIDATES)
        yield from (client_id for client_id in self._others if client_id not in self._own)

    def sample_client(self) -> int | None:
        """The client most routes are filled from."""
        return next(self.candidates(), None)

    def _ranked(self, which, limit: int | None) -> list[int]:
        open_clients = (
            sa.select(Episode.client_id).where(Episode.discharged_on.is_(None), which).subquery()
        )
        stays = (
            sa.select(Episode.client_id.label("client_id"), sa.func.count().label("rows"))
            .join(LevelOfCareStay, LevelOfCareStay.episode_id == Episode.id)
            .where(Episode.client_id.in_(sa.select(open_clients.c.client_id)))
            .group_by(Episode.client_id)
        )
        parts = [stays]
        for model in (
            Assessment,
            InstrumentResult,
            TreatmentPlan,
            TransitionRequest,
            DischargeRequest,
        ):
            parts.append(
                sa.select(model.client_id.label("client_id"), sa.func.count().label("rows"))
                .where(model.client_id.in_(sa.select(open_clients.c.client_id)))
                .group_by(model.client_id)
            )
        counted = sa.union_all(*parts).subquery()
        kinds = sa.func.count()
        rows = sa.func.sum(counted.c.rows)
        with_medical = (
            sa.select(Episode.client_id)
            .join(CareTeamMember, CareTeamMember.episode_id == Episode.id)
            .where(
                Episode.discharged_on.is_(None),
                CareTeamMember.user_id == self.medical_id,
                CareTeamMember.removed_at.is_(None),
            )
        )
        medical = sa.case((counted.c.client_id.in_(with_medical), 1), else_=0)
        ranked = (
            sa.select(counted.c.client_id)
            .group_by(counted.c.client_id)
            .order_by(sa.func.max(medical).desc(), kinds.desc(), rows.desc(), counted.c.client_id)
            .limit(limit)
        )
        return list(self.session.scalars(ranked))

    def client_facts(self, client_id: int) -> dict:
        if client_id not in self._facts:
            self._facts[client_id] = self._read_client_facts(client_id)
        return self._facts[client_id]

    def _read_client_facts(self, client_id: int) -> dict:
        scalar = self.session.scalar
        plans = sa.select(TreatmentPlan.id).where(TreatmentPlan.client_id == client_id)
        open_episode = sa.select(Episode.id).where(
            Episode.client_id == client_id, Episode.discharged_on.is_(None)
        )
        draft_problem = scalar(
            sa.select(PlanProblem.id)
            .join(TreatmentPlan, TreatmentPlan.id == PlanProblem.plan_id)
            .where(
                TreatmentPlan.client_id == client_id,
                TreatmentPlan.status == PlanStatus.DRAFT,
                TreatmentPlan.author_signed_at.is_(None),
            )
            .order_by(TreatmentPlan.id.desc(), PlanProblem.position)
            .limit(1)
        )
        return {
            "client_id": client_id,
            # A draft when there is one (the editing form), else the latest signed.
            "assessment_id": scalar(
                sa.select(Assessment.id)
                .where(Assessment.client_id == client_id)
                .order_by(
                    (Assessment.status == AssessmentStatus.DRAFT).desc(), Assessment.id.desc()
                )
                .limit(1)
            ),
            "result_id": scalar(
                sa.select(InstrumentResult.id)
                .where(InstrumentResult.client_id == client_id)
                .order_by(InstrumentResult.id.desc())
                .limit(1)
            ),
            "plan_id": scalar(plans.order_by(TreatmentPlan.id.desc()).limit(1)),
            "draft_plan_id": scalar(
                sa.select(PlanProblem.plan_id).where(PlanProblem.id == draft_problem)
            )
            if draft_problem
            else None,
            "draft_problem_id": draft_problem,
            "active_plan_id": scalar(
                plans.where(
                    TreatmentPlan.status == PlanStatus.ACTIVE,
                    TreatmentPlan.episode_id.in_(open_episode),
                )
                .order_by(TreatmentPlan.id.desc())
                .limit(1)
            ),
            "later_plan_id": scalar(
                plans.where(TreatmentPlan.previous_id.is_not(None))
                .order_by(TreatmentPlan.id.desc())
                .limit(1)
            ),
            "pending_move": scalar(
                sa.select(TransitionRequest.id)
                .where(
                    TransitionRequest.client_id == client_id,
                    TransitionRequest.status == RequestStatus.PENDING,
                )
                .limit(1)
            ),
            "pending_discharge": scalar(
                sa.select(DischargeRequest.id)
                .where(
                    DischargeRequest.client_id == client_id,
                    DischargeRequest.status == RequestStatus.PENDING,
                )
                .limit(1)
            ),
            "contact_id": scalar(
                sa.select(sa.func.min(Contact.id)).where(Contact.client_id == client_id)
            ),
            "consent_id": scalar(
                sa.select(sa.func.max(Consent.id)).where(Consent.client_id == client_id)
            ),
            "disclosure_id": scalar(
                sa.select(sa.func.max(Disclosure.id)).where(Disclosure.client_id == client_id)
            ),
            # Every instrument: each role may give some of them only.
            "code": list(INSTRUMENTS),
        }

    # --- Facts of the clinic as a whole ---------------------------------------------------

    def global_facts(self) -> dict:
        if self._global is None:
            self._global = self._read_global_facts()
        return self._global

    def _read_global_facts(self) -> dict:
        scalar = self.session.scalar
        in_treatment = sa.select(Episode.client_id).where(Episode.discharged_on.is_(None))
        # Someone discharged, to be admitted again: the chosen counselor's former client first.
        discharged = scalar(
            sa.select(Episode.client_id)
            .where(Episode.client_id.not_in(in_treatment))
            .group_by(Episode.client_id)
            .order_by(
                sa.func.max(
                    sa.case((Episode.primary_counselor_id == self.counselor_id, 1), else_=0)
                ).desc(),
                sa.func.count().desc(),
                Episode.client_id,
            )
            .limit(1)
        )
        # The event with the most detail (a home page's list of what it showed, at its worst).
        event = scalar(
            sa.select(AuditEvent.id)
            .order_by(
                sa.func.length(sa.cast(AuditEvent.detail, sa.Text)).desc().nulls_last(),
                AuditEvent.id.desc(),
            )
            .limit(1)
        )
        prefixes = sa.select(sa.func.substr(Client.search_name, 1, 3).label("prefix")).subquery()
        prefix = scalar(
            sa.select(prefixes.c.prefix)
            .group_by(prefixes.c.prefix)
            .order_by(sa.func.count().desc(), prefixes.c.prefix)
            .limit(1)
        )
        last = scalar(
            sa.select(Client.legal_last_name)
            .group_by(Client.legal_last_name)
            .order_by(sa.func.count().desc(), Client.legal_last_name)
            .limit(1)
        )
        first = scalar(
            sa.select(Client.legal_first_name)
            .where(Client.legal_last_name == last)
            .group_by(Client.legal_first_name)
            .order_by(sa.func.count().desc(), Client.legal_first_name)
            .limit(1)
        )
        self.common_prefix = prefix or "a"
        self.common_last_name = last or "Smith"
        self.common_first_name = first or "John"
        user = self.counselor_id or scalar(sa.select(sa.func.min(User.id)))
        return {
            "discharged_client_id": discharged,
            "provider_id": scalar(sa.select(sa.func.min(Provider.id))),
            "event_id": event,
            "user_id": user,
            "page": 1,
            "kind": list(due.kinds()),  # a worklist per kind of due work
        }

    def __getattr__(self, name: str):
        # common_prefix and the names are read with the global facts.
        if name.startswith("common_"):
            self.global_facts()
            return self.__dict__[name]
        raise AttributeError(name)
