"""Evidence deposit (存证): an append-only Merkle transparency log with SM3 hashing, SM2-signed
checkpoints, inclusion and consistency proofs, PDF certificates and offline verification.

Entry points: :class:`zhichan.evidence.service.EvidenceService` (deposit, look up, prove, audit),
:mod:`zhichan.evidence.verify` (offline certificate checks), :mod:`zhichan.evidence.certificate`
(PDF). Data-IP registration (:mod:`zhichan.dataip`) records its steps in the same log.
"""
