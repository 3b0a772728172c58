"""``dedupe serve``: the HTTP service for a CMS (:mod:`dedupe.server`), under uvicorn."""

from __future__ import annotations

import ipaddress
import os

import click

from ..errors import ConfigError, MissingExtra
from ..index import open_index
from ..policy import load_policy
from .options import index_option, library_errors

__all__ = ["serve"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. Any address but loopback needs DEDUPE_API_TOKEN.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes (each opens the index).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False), default=None, envvar="DEDUPE_POLICY", show_envvar=True, help="Policy file (TOML).")
@click.option("--max-body", type=click.IntRange(1024), default=4 * 1024 * 1024, show_default=True, help="Largest request body, in bytes (413 above).")
@click.option("--sources", "source_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra source registry (JSON); repeatable.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info", show_default=True)
def serve(index_url: str, host: str, port: int, workers: int, policy_file: str | None, max_body: int, source_files: tuple[str, ...], log_level: str) -> None:
    """Serve the pre-publish check over HTTP for a CMS: POST /v1/check, PUT/GET/DELETE
    /v1/articles/{id}, GET /healthz, OpenAPI at /openapi.json and /docs.

    Requests to /v1/ need `Authorization: Bearer $DEDUPE_API_TOKEN` when that variable is set;
    without it the service refuses to listen on anything but a loopback address.
    """
    with library_errors():
        try:
            import uvicorn
        except ImportError:
            raise MissingExtra("dedupe serve", "server") from None
        token = os.environ.get("DEDUPE_API_TOKEN") or None
        if token is None and not _is_loopback(host):
            raise ConfigError(f"refusing to listen on {host} without a token: set DEDUPE_API_TOKEN (or use --host 127.0.0.1)")
        load_policy(policy_file)  # fail now, not in every worker
        open_index(index_url).close()  # create it if new, and fail now if it is unusable
    os.environ.update({"DEDUPE_INDEX": index_url, "DEDUPE_MAX_BODY": str(max_body)})
    if policy_file:
        os.environ["DEDUPE_POLICY"] = policy_file
    if source_files:
        os.environ["DEDUPE_SOURCES"] = os.pathsep.join(source_files)
    uvicorn.run("dedupe.server:create_app_from_env", factory=True, host=host, port=port, workers=workers, log_level=log_level)
