"""The HTTP side of the server, beside Streamlit's own routes (st.App).

`app/asgi.py` builds one `st.App` from four lists that this package owns:
- `ROUTES`: extra Starlette routes (static, versioned files; the read-only API; robots.txt);
- `MIDDLEWARE`: what wraps every request and response, outermost first: French errors, who
  the client is, security headers and the upload guard;
- `STARTUP`: callables run once when the server starts (settings check, cache warming);
- `EXCEPTION_HANDLERS`: Starlette's answer to a failure no route caught (French).
Each feature adds itself to the list it needs in its own module, imported below.
"""
from __future__ import annotations

from collections.abc import Callable

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []
MIDDLEWARE: list[Middleware] = []
STARTUP: list[Callable[[], None]] = []
EXCEPTION_HANDLERS: dict = {}

from app.web import french_errors  # noqa: E402  (first: it sees every answer of the layers below)
from app.web import clients  # noqa: E402  (second: every layer below reads the client it decides)

MIDDLEWARE.extend([french_errors.MIDDLEWARE, clients.MIDDLEWARE])
EXCEPTION_HANDLERS[500] = french_errors.server_error

from app.web import journal  # noqa: E402,F401  (registers the log handler of fabriques.* in STARTUP)
from app.web import security  # noqa: E402,F401  (registers itself in MIDDLEWARE)
from app.web import sign_in  # noqa: E402,F401  (registers the way back from the identity provider in MIDDLEWARE)
from app.web import api  # noqa: E402,F401  (registers /api/v1/ in ROUTES, its settings check in STARTUP)
from app.web import visitor_activity  # noqa: E402,F401  (notes visitors' requests for the warm-up, MIDDLEWARE)
from app.web import viewport_hint  # noqa: E402,F401  (the viewport width before a first run, MIDDLEWARE)
from app.web import warm_start  # noqa: E402,F401  (registers the warm-up of the caches in STARTUP)
from app import static_charts  # noqa: E402  (the landing page's static figures, drawn at start)

STARTUP.append(static_charts.prepare_at_start)
from app.web import static_outlines  # noqa: E402,F401  (registers /contours/… in ROUTES)
from app.web import static_points  # noqa: E402,F401  (registers /points/… in ROUTES)
from app.web import robots  # noqa: E402,F401  (registers /robots.txt in ROUTES)
