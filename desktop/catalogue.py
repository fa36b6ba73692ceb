"""The business-item catalogue the desk knows, and what the desk's department sees of it.

Three sources, best first: the platform's (asked by the caller when online), the one the
last sync stored (meta ``catalog_json``), and the one the desk ships with
(``resources/catalog.json``, written from the reference platform's ``sandbox/catalog.py`` by
``python -m sandbox.catalog_file``; a test keeps the two equal). The shipped one means a
desk that has never synced still prints item names, not codes.

The department rule (setting ``department``):

* empty: every item is offered (one window for every department);
* equal to the ``department`` of at least one catalogue item: only those items are offered,
  and an item of another department is refused wherever an item code comes in (the CLI's
  ``check``, ``batch``, ``commitment``, the window's lookup, ``--check``, links and the
  local bridge), with both departments named;
* equal to no item's department (a typo, or a department the catalogue does not list):
  nothing is filtered (an empty picker would stop the counter) and the settings dialog warns.

Measures shown follow from the items: the measures of a check are those the verdict rules
match for the checked item, and a measure never matches an item it does not name, so a
department's desk shows only measures that apply to its own items; a measure that only
other departments' items carry is never shown there.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from sqlalchemy import Connection

from desktop.platform import schemas
from local_cache import store

SHIPPED_FILE = "catalog.json"


@cache
def shipped() -> schemas.CatalogOut:
    """The catalogue the desk ships with (``resources/catalog.json``), read once."""
    text = resources.files("resources").joinpath(SHIPPED_FILE).read_text(encoding="utf-8")
    return schemas.CatalogOut.model_validate_json(text)


def stored_or_shipped(conn: Connection) -> tuple[schemas.CatalogOut, str]:
    """The catalogue the last sync stored, else the shipped one; with ``stored`` or
    ``shipped`` saying which."""
    text = store.get_meta(conn, "catalog_json")
    if text:
        return schemas.CatalogOut.model_validate_json(text), "stored"
    return shipped(), "shipped"


def item_name(catalog: schemas.CatalogOut, code: str) -> str:
    """The item's name in ``catalog``; the shipped catalogue's when ``catalog`` lacks it;
    '' when neither knows it."""
    for source in (catalog, None):
        items = (source or shipped()).items
        found = next((i.name for i in items if i.code == code), "")
        if found:
            return found
    return ""


def departments(catalog: schemas.CatalogOut) -> list[str]:
    """The departments the catalogue's items belong to, in catalogue order, once each."""
    return list(dict.fromkeys(i.department for i in catalog.items if i.department))


def matches(catalog: schemas.CatalogOut, department: str) -> bool:
    """True when ``department`` (stripped) is the department of at least one item."""
    wanted = (department or "").strip()
    return bool(wanted) and any(i.department == wanted for i in catalog.items)


def offered(catalog: schemas.CatalogOut, department: str) -> list[schemas.ItemOut]:
    """The items a desk of ``department`` offers: its own, or every item when the
    department is empty or matches none (see the module's rule)."""
    if not matches(catalog, department):
        return list(catalog.items)
    wanted = department.strip()
    return [i for i in catalog.items if i.department == wanted]


def outside(catalog: schemas.CatalogOut, department: str,
            code: str) -> tuple[str, str] | None:
    """Why ``code`` is refused at a desk of ``department`` (Chinese, English): an item
    ``catalog`` lists under another department while ``department`` filters; None when it
    is offered, or unknown to the catalogue (then the platform judges the code)."""
    if not matches(catalog, department):
        return None
    item = next((i for i in catalog.items if i.code == code), None)
    if item is None or item.department == department.strip():
        return None
    mine = department.strip()
    return (
        f"事项 {code}（{item.name}）属于{item.department}，不在本窗口所属部门（{mine}）的受理范围",
        f"item {code} belongs to {item.department}, not to this counter's department ({mine})")


def department_warning(catalog: schemas.CatalogOut, department: str) -> str:
    """A bilingual warning when ``department`` is set but matches no catalogue item, else ''."""
    wanted = (department or "").strip()
    if not wanted or matches(catalog, wanted):
        return ""
    return (f"事项目录中没有属于“{wanted}”的事项：办理事项不按部门筛选，列出全部事项。"
            "请从列表中选择部门，或留空 / no catalogue item belongs to "
            f"“{wanted}”: every item is offered. Choose a department from the list, "
            "or leave it empty")
