"""Levels of care: stays, moves between levels, bed capacity and the live census.

The blueprint lives in care/views.py (not here): clients' models import care's models, so this
package must import nothing on its own.
"""
