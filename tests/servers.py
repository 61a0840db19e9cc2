"""The server helpers now live in devtools/servers.py, which bench/ uses too; the tests
keep importing them by this name."""

from devtools.servers import *  # noqa: F403
from devtools.servers import HOST, ROOT, OwnRedis, Process, ServerError  # noqa: F401
