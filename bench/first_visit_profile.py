"""Where a first visit's time goes, read in the page itself (issue 25).

Chromium's counters (bench/browser.py METRICS) say how much script and layout a visit cost,
not when. These milestones, all in the page's clock (ms from navigation), say where the
waiting is, from the first byte to the page that stops changing:

- html: the document received; boot_js: the last script fetched before the websocket opens
  (Streamlit's own bundle, the same for every page);
- ws_created / ws_open: Streamlit opens its websocket; first_msg: the server's first message;
- first_run_end: the app's first script run is over (data-test-script-state), runs: how many
  runs the visit took (a page that reruns itself, as Carte once its column reports its width);
- last_msg: the last message of the server;
- lazy_js_end / lazy_js_kb: the scripts fetched after the websocket opened (plotly.js, deck.gl:
  Streamlit loads an element's code when the element first appears), and their size;
- data_end: the map's outline and point files fetched;
- long_tasks / long_task_ms: main-thread tasks over 50 ms (parsing, drawing), their total.
The gaps between milestones make the profile: server (first_msg → first_run_end), code of the
elements (→ lazy_js_end), drawing (→ painted), settling (→ settled).
"""
from __future__ import annotations

import statistics

# Installed before any script of the page (with bench/browser.py WATCH_CHANGES).
WATCH_MILESTONES = """
window.__fv = {ws: null, wsOpen: null, firstMsg: null, lastMsg: null, msgs: 0, states: [], longTasks: 0, longTaskMs: 0};
(() => {
  const Native = window.WebSocket;
  const Watched = function (...args) {
    const socket = new Native(...args);
    const fv = window.__fv;
    if (fv.ws === null) fv.ws = performance.now();
    socket.addEventListener('open', () => { if (fv.wsOpen === null) fv.wsOpen = performance.now(); });
    socket.addEventListener('message', () => {
      const now = performance.now();
      if (fv.firstMsg === null) fv.firstMsg = now;
      fv.lastMsg = now; fv.msgs += 1;
    });
    return socket;
  };
  Watched.prototype = Native.prototype;
  for (const name of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Watched[name] = Native[name];
  window.WebSocket = Watched;
  new MutationObserver(records => {
    for (const record of records) {
      window.__fv.states.push([performance.now(), record.target.getAttribute('data-test-script-state')]);
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  try {
    new PerformanceObserver(list => {
      for (const entry of list.getEntries()) { window.__fv.longTasks += 1; window.__fv.longTaskMs += entry.duration; }
    }).observe({type: 'longtask', buffered: true});
  } catch (error) { /* no long-task timing: the counts stay at 0 */ }
})();
"""

# Read once the page has settled.
READ_MILESTONES = """() => {
  const fv = window.__fv;
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const opened = fv.ws === null ? Infinity : fv.ws;
  const scripts = resources.filter(r => r.name.split('?')[0].endsWith('.js'));
  const boot = scripts.filter(r => r.startTime < opened);
  const lazy = scripts.filter(r => r.startTime >= opened);
  const data = resources.filter(r => /\\/(contours|points)\\//.test(r.name));
  const runEnds = fv.states.filter(s => s[1] === 'notRunning').map(s => s[0]);
  const last = list => list.length ? Math.max(...list.map(r => r.responseEnd)) : null;
  return {
    html: nav ? nav.responseEnd : null,
    boot_js: last(boot),
    ws_created: fv.ws, ws_open: fv.wsOpen, first_msg: fv.firstMsg,
    first_run_end: runEnds.length ? runEnds[0] : null, runs: runEnds.length,
    last_msg: fv.lastMsg, msgs: fv.msgs,
    lazy_js_end: last(lazy),
    lazy_js_kb: lazy.reduce((sum, r) => sum + (r.encodedBodySize || 0), 0) / 1024,
    lazy_js: lazy.map(r => [r.name.split('/').pop().split('?')[0].split('.')[0], (r.encodedBodySize || 0) / 1024]),
    data_end: last(data),
    long_tasks: fv.longTasks, long_task_ms: fv.longTaskMs,
  };
}"""

# The columns of the printed profile, in the order a visit goes through them.
MILESTONES = ("html", "boot_js", "ws_open", "first_msg", "first_run_end", "last_msg", "lazy_js_end",
              "data_end", "painted_ms", "settled_ms")
COUNTS = ("runs", "lazy_js_kb", "long_tasks", "long_task_ms")


BIG_SCRIPT_KB = 100  # the scripts named in the profile: the rest are Streamlit's small widgets


def summarise(samples: list[dict]) -> dict:
    """Medians of each milestone and count over the visits that have it; the big scripts fetched
    after the websocket opened (name → kB, the largest size seen)."""
    summary: dict = {}
    for key in (*MILESTONES, *COUNTS):
        values = [sample[key] for sample in samples if sample.get(key) is not None]
        summary[key] = statistics.median(values) if values else None
    sizes: dict[str, float] = {}
    for sample in samples:
        for name, size in sample.get("lazy_js", []):
            sizes[name] = max(size, sizes.get(name, 0.0))
    summary["lazy_js"] = {name: size for name, size in sorted(sizes.items(), key=lambda item: -item[1])
                          if size >= BIG_SCRIPT_KB}
    return summary


def format_profile(rows: dict[str, dict]) -> str:
    """One line per page: the milestones (ms from navigation), then the counts."""
    heads = ("html", "js", "ws", "1er msg", "fin 1re exéc.", "dern. msg", "code élém.", "fichiers",
             "peint", "stable")
    lines = ["Où va le temps d'une première visite (médianes, ms depuis la navigation) :",
             f"  {'page':<14}" + "".join(f"{head:>11}" for head in heads)
             + f"{'exéc.':>6}{'code Ko':>9}{'tâches>50ms':>12}{'ms':>7}  gros code chargé après le websocket (Ko)"]
    for name, row in rows.items():
        cells = "".join(f"{_cell(row.get(key)):>11}" for key in MILESTONES)
        lines.append(f"  {name:<14}{cells}{_cell(row.get('runs')):>6}{_cell(row.get('lazy_js_kb')):>9}"
                     f"{_cell(row.get('long_tasks')):>12}{_cell(row.get('long_task_ms')):>7}  "
                     + (", ".join(f"{name} {size:.0f}" for name, size in (row.get("lazy_js") or {}).items()) or "—"))
    return "\n".join(lines)


def _cell(value) -> str:
    return "—" if value is None else f"{value:.0f}"
