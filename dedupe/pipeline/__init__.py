"""The only package that wires the stages together; each stage lives in its own module.

A scan (:mod:`.scan`)::

    read (documents/) → prepare: clean, tokens, shingle set, facts, citations (prepare.py, in workers)
      → headlines (headlines.py) → outlet boilerplate (boilerplate.py) → signatures (signatures.py)
      → candidates: LSH ∪ anchors (candidates.py) → verification and relations (verify.py, facts.py)
      → passages (passages.py) → clusters (clusters.py) and copy links (links.py), both
        directed by the one origin rule (origin.py) → Report (report.py writes it)

The pre-publish path (:mod:`.prepublish`) files articles in an index and checks one against
it: the same preparation and the same relation function as a scan, the verdict from the policy
(policy.py). ``compare`` (in :mod:`.scan`) gives two documents the relation a scan of the two
gives them.
"""

from .prepublish import check, index_documents
from .scan import Progress, compare, scan, scan_documents

__all__ = ["Progress", "check", "compare", "index_documents", "scan", "scan_documents"]
