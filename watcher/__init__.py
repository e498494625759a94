"""The newswatch service: config, storage, polling, digests, CLI and status server."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newswatch")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
