"""Errors the client raises: a refusal from a service, or no reply at all."""


class KumppaniError(Exception):
    """A reply whose status is not OK: status (the Status name without
    its prefix, e.g. "NOT_FOUND"), code ("referral.not_found"), field
    (the offending field's path, "" when none) and message (for people).
    docs/errors.md lists every code."""

    def __init__(self, status, code, field, message, reply=None):
        super().__init__("%s %s%s: %s" % (status, code, " (%s)" % field if field else "", message))
        self.status = status
        self.code = code
        self.field = field
        self.message = message
        self.reply = reply


class NoReply(Exception):
    """No reply came after every retry (the service is down or away).
    Retrying later with the same idempotency key is safe."""
