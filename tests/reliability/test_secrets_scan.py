"""Secrets and personal data (issue 8): one realistic desk day in one data directory against
a real platform on loopback, then every byte the desk left there is scanned for the
resident numbers and person names the day touched and for the API key; every log line,
exception text and CLI output of the day is scanned for the API key and the data key.

Exports the clerk saves by choice (batch results, reports, a CSV) go to a folder of the
clerk's outside the data directory, as at a real counter; the audit exports are written into
the data directory on purpose, so they are scanned too (they are masked by default).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop.audit import export as audit_export
from desktop.batch.files import read_table
from desktop.batch.output import write_table
from desktop.counter import flows
from desktop.identifiers import IdentifierError
from desktop.staff import accounts as staff
from desktop.staff.credentials import DATA_KEY
from sandbox.demo import CLERK, SUPERVISOR, SUPERVISOR_PASSWORD, fetch_samples, make_desk
from tests.pii_scan import fifteen as _fifteen
from tests.pii_scan import leaks as find_leaks
from tests.pii_scan import needles as make_needles
from tests.reliability.conftest import sized

SUBJECTS = sized(600, 3000)


def test_a_desk_day_leaves_no_secret_or_personal_data_in_plaintext(tmp_path, caplog, capsys,
                                                                  tally):
    from desktop.cli.main import main
    from sandbox.server import SandboxServer
    from ui.counter.fast_track_dialog import default_letter_path

    caplog.set_level(logging.DEBUG)
    server = SandboxServer(seed=43, subjects=SUBJECTS,
                           db_url=f"sqlite:///{tmp_path / 'platform.sqlite'}").start()
    desk, clerk_dir = tmp_path / "desk", tmp_path / "clerk"
    clerk_dir.mkdir()
    errors: list[str] = []
    letters: list[Path] = []
    svc = make_desk(server, desk)
    try:
        samples = fetch_samples(server)
        everyone = [s for group in (samples.prohibit, samples.restrict, samples.alert,
                                    samples.incentive, samples.clear) for s in group]
        persons = [s for s in everyone if s.kind == "person"]
        svc.sync.sync()
        boss = staff.require_supervisor(svc.engine, SUPERVISOR, SUPERVISOR_PASSWORD)

        # Online: every verdict and its flow.
        for n, s in enumerate(samples.prohibit):
            outcome = svc.checks.check(s.id, s.item)
            flows.intercept_shown(svc, outcome)
            if n % 2:
                flows.terminate(svc, outcome)
            else:
                flows.override(svc, outcome, "急需办理，已核实情况", "《行政许可法》第三十八条",
                               boss)
        for s in samples.restrict:
            flows.proceed(svc, svc.checks.check(s.id, s.item), "已告知限制条件")
        for s in samples.alert:
            flows.acknowledge(svc, svc.checks.check(s.id, s.item))
        fast_tracked = 0
        for s in samples.incentive:
            outcome = svc.checks.check(s.id, s.item)
            plan = flows.plan_fast_track(svc, outcome)
            if not plan.eligible or not plan.tolerable_codes:
                continue
            path = default_letter_path(SimpleNamespace(services=svc), outcome)
            done = flows.fast_track(svc, outcome, plan, sorted(plan.tolerable_codes)[:1], path)
            letters.append(done.path)
            fast_tracked += 1
        assert fast_tracked > 0

        # Refusals the clerk may meet: their texts are kept and scanned.
        prohibit = svc.checks.check(samples.prohibit[0].id, samples.prohibit[0].item)
        clerk_self = staff.Staff(CLERK, "演示受理员", "supervisor")  # the clerk as approver
        for attempt in (lambda: flows.override(svc, prohibit, "", "", boss),
                        lambda: flows.override(svc, prohibit, "理由", "依据", clerk_self),
                        lambda: svc.checks.check(persons[0].id[:-1] + "0" if
                                                 persons[0].id[-1] != "0" else
                                                 persons[0].id[:-1] + "1", "HONOUR")):
            try:
                attempt()
            except (flows.FlowError, IdentifierError, ValueError, TypeError) as exc:
                errors.append(str(exc))

        # A report to the clerk's folder, a batch with its result file.
        first = svc.checks.check(samples.clear[0].id, samples.clear[0].item)
        svc.reports.print_report(first, "政府采购", clerk_dir / "report.pdf")
        batch_in = clerk_dir / "batch.csv"
        with batch_in.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["序号", "姓名", "证件号码"])
            for n, s in enumerate(everyone):
                writer.writerow([n + 1, s.name, s.id])
        header, rows, report = svc.batch.run(read_table(batch_in), "GOV_PROCUREMENT")
        assert report.checked == len(everyone)
        write_table(clerk_dir / "batch-result.xlsx", header, rows)
        sent = svc.outbox.flush(svc.client).sent
        assert sent > 0

        # Audit exports (masked) into the data directory, then the CLI's own export.
        today = dt.date.today().isoformat()
        exports = desk / "exports"
        exports.mkdir()
        for name in ("audit.csv", "audit.xlsx", "audit.jsonl"):
            audit_export.export(svc.engine, svc.protector, exports / name, today, today,
                                counter=svc.settings["counter_id"], clerk=CLERK)
        svc.sync.sync()

        # Offline: the platform is gone; persons and organisations from the snapshot.
        server.stop()
        offline = [svc.checks.check(s.id, s.item) for s in everyone[:20]]
        assert {o.source for o in offline} == {"offline"}
        assert len({o.subject.kind for o in offline}) == 2  # persons and organisations

        # Scan while the cache is open, so its WAL and shared-memory files hold the day.
        files = {p: p.read_bytes() for p in desk.rglob("*") if p.is_file()}
        api_key = svc.secrets.get("api-key")
        data_key = svc.secrets.get(DATA_KEY)
    finally:
        svc.close()
        server.stop()
        for letter in letters:
            letter.unlink(missing_ok=True)

    # Keyring missing: the CLI refuses with guidance (no env stand-ins, no backend).
    for command in (["login"], ["check", persons[0].id, "--item", "HONOUR"]):
        with pytest.MonkeyPatch.context() as mp:
            for name in ("CREDITDESK_API_KEY", "CREDITDESK_DATA_KEY"):
                mp.delenv(name, raising=False)
            code = main([*command, "--data-dir", str(tmp_path / "no-keyring"),
                         "--platform", "http://127.0.0.1:9"])
        err = capsys.readouterr().err
        errors.append(err)
        assert code == 4 and "系统密钥库不可用" in err and "no usable OS keyring" in err

    assert files and any(p.name.endswith("-wal") for p in files)
    numbers = {s.id for s in persons}
    names = {s.name for s in persons if len(s.name) >= 2}
    needles = make_needles(numbers, names, {api_key: "API key"})
    leaks = find_leaks({str(p.relative_to(desk)): data for p, data in files.items()}, needles)
    # The letters were written outside the data directory (system temp) and not into it.
    assert all(desk not in p.parents for p in letters)
    assert not [p for p in files if p.suffix == ".pdf"]

    out = capsys.readouterr()
    texts = [r.getMessage() for r in caplog.records] + errors + [out.out, out.err]
    secret_forms = {api_key, data_key}
    if data_key:
        secret_forms.add(base64.b64encode(base64.b64decode(data_key)).decode())
    secret_lines = [t for t in texts for key in secret_forms if key and key in t]
    number_lines = [t for t in texts for n in numbers if n in t or _fifteen(n) in t]
    name_lines = [t for t in texts for n in names if n in t]
    tally(files_scanned=len(files), bytes_scanned=sum(map(len, files.values())),
          subjects=len(everyone), persons=len(numbers), names=len(names),
          letters_printed=len(letters), log_lines=len(caplog.records),
          exception_texts=len(errors), leaks=len(leaks),
          secret_in_text=len(secret_lines), resident_numbers_in_text=len(number_lines),
          names_in_text=len(name_lines), files=sorted(str(p.relative_to(desk)) for p in files))
    assert leaks == []
    assert secret_lines == []
    assert number_lines == []
    assert name_lines == []
