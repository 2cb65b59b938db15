"""Pieces every domain shares: database base and types, clock, audit log, security headers."""
