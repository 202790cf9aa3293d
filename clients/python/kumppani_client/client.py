"""Client — one kumppani service over CURVE, the Lazy Pirate way.

A request is one frame (a kumppani.v1.Request) on a DEALER; the reply
carries the same correlation_id. When no reply comes in time the socket
is closed and opened again and the very same bytes are sent again: the
same idempotency key, so a write that did happen is answered from the
service's idempotency store instead of being done twice. Late replies to
earlier attempts are recognised by their correlation id and dropped."""
import os
import time

import zmq

from . import certs
from .errors import KumppaniError, NoReply
from .proto import envelope_pb2

_ROLE_OF_TYPE = {
    # The first role kp_role.c allows each organisation type.
    "municipality": "ROLE_SOCIAL_WORKER", "county": "ROLE_SOCIAL_WORKER",
    "kela": "ROLE_KELA_OFFICER", "debt_counselling": "ROLE_DEBT_COUNSELLOR",
    "social_credit": "ROLE_DEBT_COUNSELLOR", "parish": "ROLE_DIACONAL_WORKER",
    "ngo": "ROLE_NGO_WORKER", "university": "ROLE_COORDINATOR",
    "integrator": "ROLE_INTEGRATOR", "operator": "ROLE_OPERATOR", "service": "ROLE_SERVICE",
}
_NO_ACTOR = ("health", "replay")


def _new_id():
    """26 characters, as kumppani's own ids (only its uniqueness matters here)."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = int.from_bytes(os.urandom(17), "big")
    return "".join(alphabet[(value >> (5 * index)) & 31] for index in range(26))


def endpoints_of(endpoint):
    """The endpoints of a setting: a comma-separated string or a list."""
    items = endpoint.split(",") if isinstance(endpoint, str) else list(endpoint)
    return [item.strip() for item in items if item.strip()]


class Client:
    """A client of one service.

    endpoint      "tcp://host:7102", or several instances of the service:
                  "tcp://a:7102,tcp://b:7102" (or a list); requests are
                  dealt out to the instances that are up, in turn
    server_cert   the service's public certificate file (its .cert)
    client_cert   your certificate (NAME.cert; NAME.cert_secret beside it)
    person_id     the person acting, the organisation's own id for them
    role          "ROLE_KELA_OFFICER", …; default: your certificate type's first
    timeout_ms    per attempt; retries: further attempts after a timeout
    """

    def __init__(self, endpoint, server_cert, client_cert, person_id="python-client", role=None,
                 timeout_ms=5000, retries=2, context=None):
        if not endpoints_of(endpoint):
            raise ValueError("no endpoint")
        self.endpoint = ",".join(endpoints_of(endpoint))
        self.server_public, _ = certs.load_keys(server_cert)
        self.public, self.secret = certs.load_keys(client_cert)
        if not self.secret:
            raise ValueError("%s: no secret key (is %s_secret there?)" % (client_cert, client_cert))
        self.person_id = person_id
        if role is None:
            role = _ROLE_OF_TYPE.get(certs.meta(client_cert, "org_type") or "", "ROLE_OPERATOR")
        self.role = envelope_pb2.Role.Value(role) if isinstance(role, str) else role
        self.timeout_ms = timeout_ms
        self.retries = retries
        self.context = context or zmq.Context.instance()
        self.attempts = 0               # how many times a request went out (for tests)
        self.socket = None
        self._connect()

    def _connect(self):
        if self.socket is not None:
            self.socket.close(linger=0)
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.linger = 0
        self.socket.curve_serverkey = self.server_public
        self.socket.curve_publickey = self.public
        self.socket.curve_secretkey = self.secret
        endpoints = endpoints_of(self.endpoint)
        if len(endpoints) > 1:
            # Only to an instance whose handshake completed: never queued
            # for one that is down. A send then waits while none is up,
            # so it is bounded by the attempt's timeout.
            self.socket.immediate = 1
            self.socket.sndtimeo = self.timeout_ms
        for endpoint in endpoints:
            self.socket.connect(endpoint)

    def close(self):
        if self.socket is not None:
            self.socket.close(linger=0)
            self.socket = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def request(self, operation, body=None, idempotency_key=None, role=None, person_id=None):
        """The Request for operation (the body's field name, e.g.
        "submit_referral") with body (its message; default empty), a fresh
        correlation id and, unless given, a fresh idempotency key."""
        request = envelope_pb2.Request()
        request.correlation_id = _new_id()
        request.idempotency_key = idempotency_key or _new_id()
        if operation not in _NO_ACTOR:
            request.actor.person_id = person_id or self.person_id
            request.actor.role = role if role is not None else self.role
        field = request.DESCRIPTOR.fields_by_name.get(operation)
        if field is None or field.containing_oneof is None:
            raise ValueError("no operation %r in kumppani.v1.Request" % operation)
        target = getattr(request, operation)
        if body is not None:
            target.CopyFrom(body)
        else:
            target.SetInParent()
        return request

    def send(self, request):
        """Sends a prepared Request; returns the whole Reply (any status),
        retrying as Lazy Pirate does; raises NoReply after the last try."""
        data = request.SerializeToString()
        for attempt in range(self.retries + 1):
            if attempt:
                self._connect()         # a fresh connection: the old one may be stuck
            self.attempts += 1
            try:
                self.socket.send(data)
            except zmq.Again:
                continue                # no instance up within the timeout
            deadline = time.monotonic() + self.timeout_ms / 1000.0
            while True:
                left = int((deadline - time.monotonic()) * 1000)
                if left <= 0 or not self.socket.poll(left, zmq.POLLIN):
                    break
                reply = envelope_pb2.Reply()
                reply.ParseFromString(self.socket.recv())
                if reply.correlation_id == request.correlation_id:
                    return reply
                # a late reply to an earlier request: not ours, keep waiting
        raise NoReply("no reply from %s after %d attempts" % (self.endpoint, self.retries + 1))

    def call(self, operation, body=None, idempotency_key=None, role=None, person_id=None):
        """Calls operation and returns the reply's body message (a
        ReferralReply, a ReplayReply, …). Raises KumppaniError for any
        status but OK, NoReply when nothing answered. The Reply itself,
        ignored_fields included, is in self.last_reply."""
        request = self.request(operation, body, idempotency_key, role, person_id)
        reply = self.send(request)
        self.last_reply = reply
        if reply.status != envelope_pb2.STATUS_OK:
            status = envelope_pb2.Status.Name(reply.status).replace("STATUS_", "", 1)
            raise KumppaniError(status, reply.error.code, reply.error.field, reply.error.message, reply)
        which = reply.WhichOneof("body")
        return getattr(reply, which) if which else None
