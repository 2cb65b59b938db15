"""Pagination of selects that return several columns a row (Flask-SQLAlchemy's returns one)."""

from flask_sqlalchemy.pagination import SelectPagination

from clinic.extensions import db


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
        per_page=per_page,
        error_out=False,
    )
