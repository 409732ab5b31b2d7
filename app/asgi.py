"""The ASGI application: Streamlit's dashboard plus the project's own routes and middleware.

`make run` (app/serve.py) runs this file with `streamlit run`, which finds the `app` object
below and serves it with uvicorn. Routes, middleware and startup steps are declared in
`app/web/` so that this file stays a list, not a place where features are written.
"""
from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run app/asgi.py` puts app/ first, not the project
    sys.path.insert(0, str(ROOT))

from app import web  # noqa: E402  (after the path fix above)


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
)
