"""The ``dedupe`` command: thin click commands over the library, one module per family.

=====================  ======================================================================
``options.py``         what the commands share: error conversion, options, output, progress
``scan.py``            ``scan``, ``compare``, ``provenance``
``index.py``           ``index add|remove|stats|export``, ``check``
``serve.py``           ``serve``
``render.py``          rich rendering for people at a terminal (machine formats: dedupe.report)
=====================  ======================================================================

Exit codes (also in the README); a library error exits with the code its class names
(:attr:`dedupe.errors.DedupeError.exit_code`):

====  ==========================================================================
0     done; no input problem
1     ``--fail-on`` matched: the scan found pairs of that relation (or worse)
2     usage error (bad option or argument, bad input to compare or check)
3     done, but some inputs could not be read (each reported on stderr)
4     nothing could be scanned (no readable document)
5     the index cannot be used (missing, unreachable, or built by another version)
====  ==========================================================================

``dedupe check`` answers its verdict in the exit code, apart from every error code:
0 pass, 10 warn, 20 block.
"""

from __future__ import annotations

import click

from .index import check_command, index
from .options import EXIT_VERDICT
from .scan import compare, provenance, scan
from .serve import serve

__all__ = ["EXIT_VERDICT", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dedupe-arabic-news", prog_name="dedupe")
def main() -> None:
    """Find near-duplicate and copied Arabic news articles."""


for command in (scan, compare, provenance, index, check_command, serve):
    main.add_command(command)
