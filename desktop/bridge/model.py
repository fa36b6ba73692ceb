"""The bridge's wire format (pydantic): what a business system sends and reads.

The served OpenAPI document (``docs/bridge-api.json``) is generated from these classes.
Subjects appear only masked (``desktop.identifiers.mask``); refusals carry no subject.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from desktop.counter.check_service import CaseNumberError, case_text

# Printable text: control characters (C0, DEL) are refused at the door.
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
_CODE = r"^[A-Za-z0-9._:\-]+$"

State = Literal["submitted", "queued", "checking", "awaiting_decision", "decided", "failed",
                "refused", "cancelled"]
FINAL_STATES = frozenset({"decided", "failed", "refused", "cancelled"})
Action = Literal["terminated", "overridden", "proceeded", "fast_tracked", "acknowledged",
                 "standard", "undecided", "none"]


def _case_no(value: str) -> str:
    # The check's own rule (no control, separator or invisible format character such as
    # U+202E; at most 64): refused here with 422, not as a failed check later.
    return case_text(value)


def _system(value: str) -> str:
    # The check's rule for the system's name (stored stripped), as for the case number.
    return case_text(value, "业务系统名称", "system name")


def _system_named(value: str) -> str:
    text = _system(value)
    if not text:
        raise CaseNumberError("业务系统名称不能为空", "the system name is empty")
    return text


def _text(max_length: int, min_length: int = 0):
    return Annotated[str, StringConstraints(pattern=_PRINTABLE, min_length=min_length,
                                            max_length=max_length)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CheckIn(_In):
    """``POST /v1/checks``: the applicant's identifier, the business item, the caller's case
    number and system (empty: the system the client was paired as)."""

    id: _text(256, 1) = Field(description="resident identity number or unified social "
                                          "credit code, as typed or scanned")
    item: Annotated[str, StringConstraints(pattern=_CODE, min_length=1, max_length=64)] = Field(
        description="business item code, e.g. GOV_PROCUREMENT")
    case_no: Annotated[_text(64), AfterValidator(_case_no)] = Field(
        "", description="the calling system's case number (no control or invisible format "
        "characters)")
    system: Annotated[_text(64), AfterValidator(_system)] = Field(
        "", description="the calling system: empty, or the system the client was paired as "
        "(else 422 system_mismatch)")


class PairingIn(_In):
    """``POST /v1/pairings``: the name of the system asking to be paired."""

    system: Annotated[_text(64, 1), AfterValidator(_system_named)] = Field(
        description="shown to the clerk and the supervisor (no control or invisible format "
        "characters; kept without surrounding blanks)")


class PairingRequested(_Out):
    """A pairing waits for the clerk and a supervisor; ``code`` is shown on both sides."""

    pairing_id: str
    code: str = Field(description="6 digits the page shows and the window shows")
    state: Literal["pending"] = "pending"


class PairingOut(_Out):
    """A pairing's state; ``token`` is given exactly once, on the first read after approval."""

    pairing_id: str
    state: Literal["pending", "approved", "refused", "expired"]
    token: str | None = None


class Subject(_Out):
    """The applicant, masked: a person's name is never given."""

    masked: str
    kind: Literal["person", "organization"]
    name: str | None = None


class Measure(_Out):
    """A measure of the measures list that applies to this check."""

    code: str
    kind: str
    text: str
    basis: str


class VerdictOut(_Out):
    """The verdict and the step the counter takes for it."""

    check_id: str
    verdict: Literal["prohibit", "restrict", "alert", "incentive", "clear"]
    step: Literal["intercept", "confirm", "acknowledge", "fast_track", "none"]
    measures: list[Measure] = []
    source: Literal["platform", "offline"]
    as_of: dt.datetime


class Decision(_Out):
    """What the clerk decided (``standard``: an incentive left without a fast track;
    ``none``: nothing to decide)."""

    action: Action
    at: dt.datetime
    approved_by: str | None = None
    letter_no: str | None = None
    due_date: str | None = None


class ErrorBody(_Out):
    """A stable code and the message in Chinese and English."""

    code: str
    zh: str
    en: str


class ErrorOut(_Out):
    """Every refusal: ``{"error": {"code", "zh", "en"}}``."""

    error: ErrorBody


class CheckState(_Out):
    """One check handed in over the bridge, as far as it got."""

    handle: str
    case_no: str = ""
    system: str = ""
    state: State
    queue_position: int | None = None
    subject: Subject | None = None
    item: str
    verdict: VerdictOut | None = None
    decision: Decision | None = None
    report_no: str | None = None
    error: ErrorBody | None = None
    updated_at: dt.datetime

    @property
    def final(self) -> bool:
        """True once nothing more changes but a report number."""
        return self.state in FINAL_STATES


class Health(_Out):
    """``GET /v1/health``."""

    service: Literal["creditdesk-bridge"] = "creditdesk-bridge"
    api: int = 1
    version: str
