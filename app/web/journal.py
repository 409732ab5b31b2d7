"""The project's log lines (loggers `fabriques.*`) in the server's output, with their time.

Python prints the records of a logger without a handler to stderr from WARNING up only, bare:
who imported which list, and the other INFO lines of the import and of the sign-in, would be
lost. A startup step gives the `fabriques` loggers one handler, at INFO.
"""
from __future__ import annotations

import logging

from app import web

FORMAT = "%(asctime)s %(levelname)s %(name)s : %(message)s"


def configure() -> None:
    logger = logging.getLogger("fabriques")
    if not any(getattr(handler, "fabriques_journal", False) for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.fabriques_journal = True
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


web.STARTUP.append(configure)
