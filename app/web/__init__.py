"""The HTTP side of the server, beside Streamlit's own routes (st.App).

`app/asgi.py` builds one `st.App` from three lists that this package owns:
- `ROUTES`: extra Starlette routes (static, versioned files; the read-only API);
- `MIDDLEWARE`: what wraps every response (security headers);
- `STARTUP`: callables run once when the server starts (cache warming).
Each feature adds itself to the list it needs in its own module, imported below.
"""
from __future__ import annotations

from collections.abc import Callable

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []
MIDDLEWARE: list[Middleware] = []
STARTUP: list[Callable[[], None]] = []

from app.web import security  # noqa: E402,F401  (registers itself in MIDDLEWARE)
from app.web import api  # noqa: E402,F401  (registers /api/v1/ in ROUTES, its settings check in STARTUP)
from app.web import warm_start  # noqa: E402,F401  (registers the warm-up of the caches in STARTUP)
from app.web import static_outlines  # noqa: E402,F401  (registers /contours/… in ROUTES)
from app.web import static_points  # noqa: E402,F401  (registers /points/… in ROUTES)
