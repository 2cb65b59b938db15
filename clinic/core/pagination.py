"""Pagination of selects that return several columns a row (Flask-SQLAlchemy's returns one)."""

from flask_sqlalchemy.pagination import SelectPagination

from clinic.extensions import db


class RowPagination(SelectPagination):
    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate_rows(select, per_page: int) -> RowPagination:
    """One page of `select`'s rows (page number from the request), and the total count."""
    return RowPagination(select=select, session=db.session(), per_page=per_page, error_out=False)
