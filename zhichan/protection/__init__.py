"""Protection (知识产权保护): complaints and reports, administrative adjudication of patent disputes,
mediation with judicial confirmation — each a declared procedure (``definitions/``) run by the engine,
with the rules a declaration cannot say (standing, limitation, the panel, the upper-level approver,
the right checked against the corpus) in hooks (:mod:`.rules`, :mod:`.complaints`) and the standard
documents generated from a bureau's templates (:mod:`.documents`)."""
