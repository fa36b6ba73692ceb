"""The English walk's opener of the change alerts panel (issue 20, item 5): a platform of
its own whose data changes (lists, warnings, grades) between two syncs, every alert's lines
read; and the lines no sandbox call can make, worded as the panel words them."""

from __future__ import annotations

from tests.ui.english_walk import WAIT, Walk, opener


@opener("change alerts panel")
def _alerts(walk: Walk) -> None:
    import httpx

    from sandbox.demo import fetch_samples
    from sandbox.server import SandboxServer
    from tests.ui.desks import desk_for
    from ui.counter.alerts_panel import AlertsPanel

    root = walk.tmp / "changing"
    server = SandboxServer(seed=29, subjects=600, db_url=f"sqlite:///{root}.sqlite").start()
    try:
        with desk_for(server, root) as ctx:
            found = fetch_samples(server)
            person = next(s for s in found.prohibit if s.kind.value == "person")
            warned = _a_warned_subject(server, person.id)
            checked = [(s.id, s.item) for s in [*found.prohibit, *found.restrict, *found.alert]]
            for subject_id, item in [*checked, (warned, person.item)]:  # watched from now on
                walk.allow([ctx.services.checks.check(subject_id, item).model_dump(mode="json")])
            ctx.services.sync.sync()
            auth = {"Authorization": f"Bearer {server.api_key}"}
            httpx.post(f"{server.url}/sandbox/changes", json={"n": 100_000, "seed": 3},
                       headers=auth, timeout=60)
            _facts_change(server, person.id, warned, auth)
            walk.allow([_POINT])
            ctx.services.sync.sync()
            panel = AlertsPanel(ctx)
            walk.qtbot.addWidget(panel)
            with walk.qtbot.waitSignal(panel.refreshed, timeout=WAIT):
                panel.show()
            assert panel.proxy.rowCount() > 0  # the walk reads real alerts
            alerts = [panel.model.alert(r) for r in range(panel.model.rowCount())]
            walk.allow([a.get("changes") for a in alerts])  # the platform's departments
            kinds = {c.get("change") for a in alerts for c in a.get("changes") or []}
            assert {"listed", "delisted", "warning", "warning_lifted", "grade"} <= kinds, kinds
            for row in range(panel.proxy.rowCount()):  # each alert's lines under the table
                panel.select_row(row)
                walk.read("change alerts panel", panel)
            panel.close()
        _alert_lines_not_made_here(walk)
    finally:
        server.stop()


_POINT = "走查：员工集体讨薪"


def _a_warned_subject(server, other: str) -> str:
    """A subject the platform holds a warning on (the desk checks it, so it watches it)."""
    from sqlalchemy import select

    from sandbox.storage import warnings

    with server.platform.engine.connect() as conn:
        return next(r.subject_id for r in conn.execute(select(warnings.c.subject_id)
                                                       .order_by(warnings.c.id))
                    if r.subject_id != other)


def _facts_change(server, person: str, warned: str, auth: dict) -> None:
    """At the platform: a new warning and a new grade for ``person``; ``warned``'s warnings
    lifted (a department withdraws them: no sandbox call does that, so its store does)."""
    import httpx
    from sqlalchemy import delete, select

    from sandbox.storage import subjects, warnings

    httpx.post(f"{server.url}/sandbox/subjects/{person}/warnings", headers=auth,
               json={"level": "red", "point": _POINT}, timeout=30).raise_for_status()
    with server.platform.engine.connect() as conn:
        held = conn.execute(select(subjects.c.grade_letter)
                            .where(subjects.c.id == person)).scalar_one()
    httpx.put(f"{server.url}/sandbox/subjects/{person}/grade", headers=auth,  # a new letter
              json={"letter": "C" if held == "A" else "A", "score": 80},
              timeout=30).raise_for_status()
    with server.platform.engine.begin() as conn:
        conn.execute(delete(warnings).where(warnings.c.subject_id == warned))


def _alert_lines_not_made_here(walk: Walk) -> None:
    """Lines the sandbox cannot make happen (a record changed in place, a warning through a
    related subject, a line the cache could not read), worded as the panel words them."""
    from ui.widgets.alert_lines import line_text, unreadable

    department, point = "绍兴市市场监督管理局", _POINT
    walk.allow([department, point])
    lines = [{"change": "updated", "list": "serious_illegal", "record_id": "R1",
              "date": "2026-01-05", "expires_on": "2029-01-05", "source": department},
             {"change": "delisted", "list": "red_list", "record_id": "R2", "reason": "withdrawn",
              "date": "2026-01-05", "source": department},
             {"change": "warning", "level": "yellow", "point": point, "date": "2026-01-05",
              "source": "", "via": "91330602********1X"},
             {"change": "warning_lifted", "level": "blue", "point": point, "date": "2026-01-05",
              "source": ""}, {"change": "nonsense"}, "not a line"]
    walk.judge("alert lines of every kind",
               [("alert line", line_text(x)) for x in lines] + [("alert", unreadable())])
