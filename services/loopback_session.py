"""A small Streamlit client: one browser session, spoken in Streamlit's own protobufs.

Used by the server to warm its own caches at start (app/web/warm_start.py) and by the load
test (bench/load.py).

It does what the frontend does for the part the load test needs: open the websocket
(`/_stcore/stream`, subprotocol "streamlit"), ask for a script run of a page with a query
string (BackMsg.rerun_script), read the ForwardMsgs until `script_finished`, remember the
widgets the page drew (id, options) and send new widget values, as a click would.
Loopback only: neither the server nor the load test talks to another host with it.
"""
from __future__ import annotations

import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
WIDGET_TYPES = {"selectbox", "radio", "toggle", "checkbox"}


class ProtocolError(RuntimeError):
    """The server answered something a browser would show as an error."""


def ensure_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"le test de charge ne vise que la boucle locale, pas {host!r}")


@dataclass
class RunResult:
    seconds: float
    exceptions: list[str] = field(default_factory=list)
    status: str = "FINISHED_SUCCESSFULLY"


@dataclass
class Widget:
    widget_id: str
    kind: str
    options: list[str]


class StreamlitSession:
    """One session: an HTTP page load (cookies, as a browser) then the websocket."""

    def __init__(self, base_url: str, page: str = "", query_string: str = "", timeout: float = 60):
        ensure_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.page = page
        self.query_string = query_string
        self.timeout = timeout
        self.widgets: dict[str, Widget] = {}
        self.widget_states: dict[str, WidgetState] = {}
        self.page_script_hash = ""
        self.session_id = ""  # the server's id of this session (file uploads are sent under it)
        self.headers: dict[str, str] = {}  # sent with the page request and the websocket handshake
        self.upstream_http: str | None = None
        self.upstream_ws: str | None = None
        self._socket = None

    # --- connection -------------------------------------------------------------------
    def open(self) -> StreamlitSession:
        # The page itself first, as a browser does: behind nginx this sets the sticky cookie.
        request = urllib.request.Request(f"{self.base_url}/{self.page}?{self.query_string}",
                                         headers=self.headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            response.read()
            self.upstream_http = response.headers.get("X-Fabriques-Backend")
            cookies = [value.split(";", 1)[0] for key, value in response.headers.items()
                       if key.lower() == "set-cookie"]
        if cookies:
            self.headers["Cookie"] = "; ".join(cookies)
        ws_url = "ws" + self.base_url[len("http"):] + "/_stcore/stream"
        # No keepalive pings from this side, as a browser: with 50 sessions in one client
        # process on a loaded machine, a ping answered late would close a healthy session.
        self._socket = connect(ws_url, subprotocols=["streamlit"], additional_headers=self.headers,
                               open_timeout=self.timeout, max_size=None, ping_interval=None)
        self.upstream_ws = self._socket.response.headers.get("X-Fabriques-Backend")
        return self

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    # --- script runs ------------------------------------------------------------------
    def _send_rerun(self) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_name = self.page
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(self.widget_states.values())
        self._socket.send(message.SerializeToString())

    def rerun(self) -> RunResult:
        """Ask for a run and wait for its end; the time is what a user waits for."""
        start = time.perf_counter()
        self._send_rerun()
        return self._read_until_finished(start)

    def send_rerun_and_leave(self) -> None:
        """A user who clicks then closes the tab: the run starts, nobody reads it."""
        self._send_rerun()
        self.close()

    def _read_until_finished(self, start: float) -> RunResult:
        result = RunResult(0.0)
        deadline = start + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ProtocolError(f"pas de fin de script en {self.timeout} s")
            message = ForwardMsg()
            message.ParseFromString(self._socket.recv(timeout=remaining))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.page_script_hash = message.new_session.page_script_hash or self.page_script_hash
                self.session_id = message.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":
                # The page being run (new_session names the router, dashboard.py): a rerun sent
                # with the router's hash would run the default page, Synthèse.
                self.page_script_hash = message.navigation.page_script_hash or self.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "delta":
                self._read_delta(message, result)
            elif (kind == "session_event"
                  and message.session_event.WhichOneof("type") == "script_compilation_exception"):
                result.exceptions.append(str(message.session_event))
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # the run restarted (st.rerun or a newer request): keep reading
                result.status = status
                result.seconds = time.perf_counter() - start
                if status == "FINISHED_WITH_COMPILE_ERROR":
                    result.exceptions.append(status)
                return result

    def _read_delta(self, message: ForwardMsg, result: RunResult) -> None:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            result.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in WIDGET_TYPES:
            proto = getattr(element, kind)
            options = list(getattr(proto, "options", []))
            key = proto.id.rsplit("-", 1)[-1]
            self.widgets[key] = Widget(proto.id, kind, options)

    # --- interactions -----------------------------------------------------------------
    def choose(self, key: str, label: str) -> None:
        """Set a selectbox or radio (by its user key) to the option shown as `label`."""
        widget = self.widgets.get(key)
        if widget is None:
            raise ProtocolError(f"widget {key!r} absent de la page")
        if label not in widget.options:
            raise ProtocolError(f"option {label!r} absente de {key!r}")
        state = WidgetState(id=widget.widget_id)
        state.string_value = label
        self.widget_states[key] = state
