"""Procedures (办理程序): everything that moves through states on legal deadlines.

A procedure is declared as data — one YAML file per procedure and jurisdiction in
``definitions/`` (a bureau's own files in the ``procedure_dir`` setting replace them) — and run by
python-statemachine. The engine (:mod:`.service`) checks every transition against the caller's
organization scope and role, keeps the clocks (:mod:`zhichan.legaltime`), writes the audit log and
deposits each step with the SM3 digests of its documents in the evidence log.
"""
