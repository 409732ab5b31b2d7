"""The ASGI application: Streamlit's dashboard plus the project's own routes and middleware.

`make run` (app/serve.py) runs this file with `streamlit run`, which finds the `app` object
below and serves it with uvicorn. Routes, middleware and startup steps are declared in
`app/web/` so that this file stays a list, not a place where features are written.
"""
from __future__ import annotations

import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run app/asgi.py` puts app/ first, not the project
    sys.path.insert(0, str(ROOT))

from app import serve, web  # noqa: E402  (after the path fix above)

# Who a client is, is decided by app/web/clients.py alone. uvicorn would rewrite the peer from
# X-Forwarded-For first (for 127.0.0.1 and ::1 by default: ::1 is a local client under
# `make run`, not a proxy), and its configuration is read before this module is imported:
# app/serve.py switches it off. Started some other way, the server would not know who its
# clients are, so it does not start.
if os.environ.get(serve.UVICORN_FORWARDED_ENV) != "":
    raise RuntimeError(f"Démarrez le tableau de bord par `python -m app.serve` (make run) : sinon uvicorn "
                       f"croit l'en-tête X-Forwarded-For ({serve.UVICORN_FORWARDED_ENV}).")


@asynccontextmanager
async def lifespan(_app):
    for step in web.STARTUP:
        step()
    yield {}


app = st.App(
    str(ROOT / "dashboard.py"),
    routes=web.ROUTES,
    middleware=web.MIDDLEWARE,
    lifespan=lifespan,
    exception_handlers=web.EXCEPTION_HANDLERS,
)
