"""Pagination of selects that return several columns a row (Flask-SQLAlchemy's returns one)."""

from flask_sqlalchemy.pagination import SelectPagination

from clinic.extensions import db


class RowPagination(SelectPagination):
    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())

    def _query_count(self) -> int:
        count = self._query_args.get("count_select")
        if count is None:
            return super()._query_count()
        return self._query_args["session"].scalar(count)


def paginate_rows(select, per_page: int, count=None) -> RowPagination:
    """One page of `select`'s rows (page number from the request) and the total, counted by
    `count` when given (a cheaper query that must count the same rows)."""
    return RowPagination(
        select=select, count_select=count, session=db.session(), per_page=per_page, error_out=False
    )
