"""Errors of the platform domain (accounts, scope, jobs)."""

from __future__ import annotations

from zhichan.errors import ZhichanError


class AuthenticationError(ZhichanError):
    """Wrong credentials, an expired session or an unknown API token."""

    code = "unauthenticated"
    http_status = 401


class TooManyAttempts(ZhichanError):
    """Login throttling: too many failures for this user name from this address."""

    code = "throttled"
    http_status = 429


class CsrfError(ZhichanError):
    code = "csrf"
    http_status = 403


class PasswordChangeRequired(ZhichanError):
    """An administrator reset the password: the user must choose a new one before anything else."""

    code = "password_change_required"
    http_status = 403
