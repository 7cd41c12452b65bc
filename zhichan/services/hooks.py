"""The services domain's rules on the engine: one place that checks the declared data and installs every
hook (the web platform at start, the demo generator)."""

from __future__ import annotations

from typing import Any

from zhichan.procedures.service import ProcedureService
from zhichan.services import catalogue, library, objections, preexam, priority, service, subsidies


def install(procedures: ProcedureService, snapshot_of: Any) -> None:
    """Check the catalogue, programmes, centres and library (a broken file stops the start with its name)
    and install the hooks (``snapshot_of()``: the current corpus snapshot)."""
    catalogue.check_catalogue(procedures.registry)
    for e in catalogue.shipped_entries():
        procedures.add_hook(e.procedure, catalogue.offered_hook)
        if e.decisions:  # a decision's document is generated on whichever page the step is taken
            procedures.add_generator(e.procedure, service.decision_generator(procedures),
                                     service.generated_documents(procedures.registry, e))
    procedures.add_hook(priority.PROCEDURE, priority.make_hook(snapshot_of))
    # a recommendation over the city's quota: neither offered nor listed (the hook refused it after both did)
    procedures.add_holds(priority.PROCEDURE, ("recommend",), priority.make_holds(procedures), free=priority.quota_left)
    subsidies.programmes()
    procedures.add_hook(subsidies.ROUND_PROCEDURE, subsidies.make_round_hook())
    objections.install(procedures, subsidies.programmes)
    preexam.centres()
    procedures.add_options(preexam.CENTRES, preexam.centre_options)  # the forms' list of centres, by name
    library.entries()
    for procedure in (preexam.FILING, preexam.CASE):
        procedures.add_hook(procedure, preexam.make_hook())
    from zhichan.services.titles import TITLERS  # imports the web's message catalogues

    for procedure, titler in TITLERS.items():  # pages show a title in their language (services/titles.py)
        procedures.add_titler(procedure, titler)
