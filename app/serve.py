"""Start the dashboard: `python -m app.serve [streamlit options]` (what `make run` does).

Why not plain `streamlit run dashboard.py`: Streamlit still treats a `pages/` folder next to
the main script as a legacy multipage folder until the first run of the main script has
called `st.navigation`. On a freshly started server, a shared link such as
`/territoires?region=76` would then run `pages/territoires.py` on its own, without the
router and its filter bar, and fail. We route every page with `st.navigation`, so we say so
before the server starts.

It also switches off uvicorn's own reading of X-Forwarded-For (on by default for 127.0.0.1 and
::1): who a client is, is decided by app/web/clients.py alone, and uvicorn reads this setting
before the app is imported.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

# The ASGI app (st.App) wraps dashboard.py with the project's routes and middleware.
ASGI_APP = Path(__file__).resolve().parent / "asgi.py"
UVICORN_FORWARDED_ENV = "FORWARDED_ALLOW_IPS"  # uvicorn's trusted proxies; empty: none


def main(argv: list[str]) -> int:
    PagesManager.uses_pages_directory = False
    os.environ[UVICORN_FORWARDED_ENV] = ""
    return cli.main(args=["run", str(ASGI_APP), *argv], prog_name="streamlit",
                    standalone_mode=False) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
