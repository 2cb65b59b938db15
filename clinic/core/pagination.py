"""Pagination of selects that return several columns a row (Flask-SQLAlchemy's returns one)."""

from flask import abort, request
from flask_sqlalchemy.pagination import SelectPagination
from werkzeug.routing import IntegerConverter

from clinic.extensions import db

# Record ids are 32-bit integers on PostgreSQL (and 64-bit on SQLite); no page goes further.
LARGEST_ID = 2**31 - 1
LARGEST_PAGE = 1_000_000


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in a URL, refusing numbers no record can have: /clients/99999999999999999999
    is a page not found (404), not a database overflow (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def record_id_arg(name: str) -> int | None:
    """An id from the query string (`?with=12`), or None when absent, not a number or out of
    range."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= LARGEST_ID else None


def requested_page() -> int:
    """The page number asked for (1 when absent or not a number); past any real page, 404."""
    page = request.args.get("page", 1, type=int)
    if page is None or page < 1:
        return 1
    if page > LARGEST_PAGE:
        abort(404)
    return page


class RowPagination(SelectPagination):
    def _query_items(self) -> list:
        select = self._query_args["select"]
        keys = self._query_args["keys"]
        if keys is None:
            select = select.limit(self.per_page).offset(self._query_offset)
        else:
            column, chosen = keys
            page = chosen.limit(self.per_page).offset(self._query_offset)
            select = select.where(column.in_(page))
        return list(self._query_args["session"].execute(select).all())

    def _query_count(self) -> int:
        count = self._query_args["count_select"]
        if count is not None:
            return self._query_args["session"].scalar(count)
        keys = self._query_args["keys"]
        if keys is None:
            return super()._query_count()
        _column, chosen = keys
        counted = chosen.order_by(None).subquery()
        return self._query_args["session"].scalar(db.select(db.func.count()).select_from(counted))


def paginate_rows(select, per_page: int, count=None, keys=None) -> RowPagination:
    """One page of `select`'s rows (page number from the request) and the total.

    `count`, when given, is a cheaper query that counts the same rows. `keys`, when given, is a
    (column, select of that column with the same filters and order) pair: the page's keys are
    chosen first, so `select`'s joins run for one page of rows instead of for every match.
    """
    return RowPagination(
        select=select,
        count_select=count,
        keys=keys,
        session=db.session(),
        page=requested_page(),
        per_page=per_page,
        error_out=False,
    )
