"""Infrastructure the stages are built on; none of it knows about news or Arabic (the pair store
holds :class:`~dedupe.models.Pair` records, and nothing more of the domain).

========================  ====================================================================
``ragged.py``             many small arrays held as one flat array and its offsets
``lazy.py``               a read-only sequence whose items are built when read
``records.py``            byte records appended to a temporary file, read back by number
``counting.py``           distinct values with their counts, sorting in place
``dates.py``              dates as sortable integers (microseconds since 1970, undated last)
``pairstore.py``          verified pairs (with passages) on disk, read back in report order
``parallel.py``           one ordered, bounded map over a process pool
``jit.py``                numba, when installed: compile a plain-Python loop, or say it is absent
``memory.py``             freed memory handed back to the system between stages (glibc)
========================  ====================================================================

Stages import from here; nothing here imports a stage.
"""
