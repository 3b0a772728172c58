"""The package version, in one place: the package root, the report writers, the index metadata
and ``pyproject.toml`` (``[tool.setuptools.dynamic]``) all read it from here."""

__version__ = "0.2.0"
