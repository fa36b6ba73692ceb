"""What changed for a subject this desk checked: the lines of a change alert.

Two sources, one shape. The list feed (``lists/changes``) tells list changes: a record
added, changed, or removed (repaired, expired, no longer in force); its department is the
source, its ``changed_on`` (or the record's own dates) the date. Warnings and grades are
not list data and the feed carries none, so the desk keeps what the last online answer
said of them (``seen``, sealed in ``checked``) and ``desktop.platform.watch`` compares
that with the platform's current answer after a sync.

A line is a plain dict, stored sealed with its alert and given whole by
``creditdesk alerts --json``:

``change``  listed | updated | delisted | warning | warning_lifted | grade | dropped
``date``    ISO day the change took effect (a lifted warning: the day the desk saw it
            gone; the platform does not say when it was lifted), or None
``source``  the issuing department as the record carries it; "" for the platform's own
            warnings and evaluation
and, by change: ``list``, ``record_id``, ``field``, ``expires_on``, ``reason`` (repaired,
expired, withdrawn); ``level``, ``point``, ``via`` (the related party, masked);
``from``, ``to``, ``score``; ``count`` (dropped: the older lines an unread alert no
longer keeps, ``local_cache.alerts.MAX_LINES``).
"""

from __future__ import annotations

import datetime as dt

from desktop.identifiers import mask

CHANGES = ("listed", "updated", "delisted", "warning", "warning_lifted", "grade", "dropped")
REASONS = ("repaired", "expired", "withdrawn")


def record_line(old: dict | None, entry: dict, today: dt.date) -> dict | None:
    """The line for one feed entry (``sync._flatten``'s dict) against the snapshot's row
    before it (None: the desk did not hold the record); None when nothing changed for
    the clerk (a record never held that leaves, or an upsert equal to what was held)."""
    base = {"list": entry["kind"], "record_id": entry["record_id"], "field": entry["field"],
            "source": entry["department"], "expires_on": entry["expires_on"]}
    changed_on = entry.get("changed_on")
    if entry["op"] == "delete":
        if old is None:
            return None
        reason = _why_removed(entry, today)
        date = changed_on or (entry["expires_on"] if reason == "expired" else None)
        return {"change": "delisted", "reason": reason, "date": date, **base}
    if old is None or old["listed_on"] != entry["listed_on"]:
        return {"change": "listed", "date": entry["listed_on"], **base}
    if (old["state"], old["expires_on"], old["department"]) == (
            entry["state"], entry["expires_on"], entry["department"]):
        return None
    return {"change": "updated", "date": changed_on or entry["listed_on"], **base}


def _why_removed(entry: dict, today: dt.date) -> str:
    if entry["state"] in ("repaired", "expired"):
        return entry["state"]
    expires = entry["expires_on"]
    if expires and expires <= today.isoformat():  # past its day, before the platform's sweep
        return "expired"
    return "withdrawn"


def seen_of(item: str, grade, warnings) -> dict:
    """What to remember of an online answer (``GradeOut | None``, ``list[WarningOut]``)."""
    return {
        "item": item,
        "grade": None if grade is None else {
            "letter": grade.letter, "score": grade.score,
            "evaluated_on": grade.evaluated_on.isoformat() if grade.evaluated_on else None},
        "warnings": sorted((_warning(w) for w in warnings), key=_warning_key),
    }


def _warning(w) -> dict:
    return {"level": str(w.level),
            "point": w.point, "since": w.since.isoformat() if w.since else None,
            "via": mask(w.via) if w.via else None}


def _warning_key(w: dict) -> tuple:
    return (w.get("level") or "", w.get("point") or "", w.get("since") or "",
            w.get("via") or "")


def fact_lines(seen: dict, now: dict, today: dt.date) -> list[dict]:
    """Lines for what differs between two ``seen_of`` summaries: warnings new and lifted,
    a grade letter that moved. A summary is read defensively (it was sealed, but an old
    or odd one must not stop the others)."""
    lines: list[dict] = []
    before = {_warning_key(w): w for w in _list(seen.get("warnings"))}
    after = {_warning_key(w): w for w in _list(now.get("warnings"))}
    for key in sorted(after.keys() - before.keys()):
        w = after[key]
        lines.append({"change": "warning", "date": w.get("since"), "source": "",
                      "level": w.get("level"), "point": w.get("point"), "via": w.get("via")})
    for key in sorted(before.keys() - after.keys()):
        w = before[key]
        lines.append({"change": "warning_lifted", "date": today.isoformat(), "source": "",
                      "level": w.get("level"), "point": w.get("point"), "via": w.get("via")})
    old, new = seen.get("grade"), now.get("grade")
    old_letter = old.get("letter") if isinstance(old, dict) else None
    if isinstance(new, dict) and new.get("letter") and new.get("letter") != old_letter:
        lines.append({"change": "grade", "date": new.get("evaluated_on"), "source": "",
                      "from": old_letter, "to": new["letter"], "score": new.get("score")})
    return lines


def _list(value) -> list[dict]:
    return [w for w in value if isinstance(w, dict)] if isinstance(value, list) else []


# ------------------------------------------------------------------------ words (core)

_LIST = {"red_list": ("守信红名单", "the red list"), "blacklist": ("失信黑名单", "the blacklist"),
         "business_abnormality": ("经营异常名录", "the business abnormality list"),
         "serious_illegal": ("严重违法失信企业名单", "the serious illegal and dishonest list")}
_REASON = {"repaired": ("信用修复", "repaired"), "expired": ("期满移出", "expired"),
           "withdrawn": ("不再有效", "no longer in force")}
_LEVEL = {"red": ("红色", "red"), "yellow": ("黄色", "yellow"), "blue": ("蓝色", "blue")}
PLATFORM = ("公共信用信息平台", "public credit platform")


def describe(line: dict) -> str:
    """One line in both languages, for the CLI and the log: "中文 / English"."""
    zh, en = describe_pair(line)
    return f"{zh} / {en}"


def describe_pair(line: dict) -> tuple[str, str]:
    """``(中文, English)`` of one line; an unknown or damaged line says so."""
    if not isinstance(line, dict):
        return "无法读取的变动", "unreadable change"
    change = line.get("change")
    date = str(line.get("date") or "—")
    source = str(line.get("source") or "")
    src_zh, src_en = (source, source) if source else PLATFORM
    if line.get("via"):
        src_zh, src_en = f"关联主体 {line['via']}", f"related party {line['via']}"
    kind = _LIST.get(str(line.get("list")), (str(line.get("list")), str(line.get("list"))))
    rid = str(line.get("record_id") or "")
    if change == "listed":
        return (f"列入{kind[0]}（记录 {rid}，{date} 列入，来源：{src_zh}）",
                f"added to {kind[1]} (record {rid}, listed {date}, source: {src_en})")
    if change == "updated":
        until = str(line.get("expires_on") or "—")
        return (f"{kind[0]}记录变更（记录 {rid}，{date}，有效至 {until}，来源：{src_zh}）",
                f"{kind[1]} record changed (record {rid}, {date}, in force until {until}, "
                f"source: {src_en})")
    if change == "delisted":
        why = _REASON.get(str(line.get("reason")), ("移出", "removed"))
        return (f"移出{kind[0]}：{why[0]}（记录 {rid}，{date}，来源：{src_zh}）",
                f"removed from {kind[1]}: {why[1]} (record {rid}, {date}, source: {src_en})")
    level = _LEVEL.get(str(line.get("level")), (str(line.get("level")),) * 2)
    point = str(line.get("point") or "")
    if change == "warning":
        return (f"新增{level[0]}预警：{point}（{date} 起，来源：{src_zh}）",
                f"new {level[1]} warning: {point} (since {date}, source: {src_en})")
    if change == "warning_lifted":
        return (f"{level[0]}预警解除：{point}（{date} 发现，来源：{src_zh}）",
                f"{level[1]} warning lifted: {point} (noticed {date}, source: {src_en})")
    if change == "grade":
        old, new = line.get("from") or "—", line.get("to") or "—"
        return (f"公共信用评价 {old} → {new}（{date} 评价，来源：{src_zh}）",
                f"public credit grade {old} → {new} (evaluated {date}, source: {src_en})")
    if change == "dropped":
        count = line.get("count")
        return (f"较早的 {count} 项变动未保留（每条提醒只保留最近的变动）",
                f"{count} older change(s) not kept (an alert keeps the most recent ones)")
    return "无法读取的变动", "unreadable change"
