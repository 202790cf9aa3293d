"""Subscriber — the event stream without gaps or duplicates.

Live events come over a DEALER to the stream's live ROUTER
(KUMPPANI_STREAM_PUB_ENDPOINT): it sends b"\\x01" + prefix per
subscription (b"\\x01" alone: everything the certificate may see) now,
after every successful handshake (a reconnection is a new connection the
relay knows nothing of) and after silence; messages are
[scope|topic][Event]. Anything missed is replayed by seq from the replay
ROUTER (KUMPPANI_STREAM_ENDPOINT). See docs/stream.md.

The subscriber keeps `cursor`: every event up to it has been returned by
next() (or was not yours). Store it with what you did with each event;
give it back as after_seq to resume exactly after it."""
import collections
import time

import zmq

from . import certs
from .client import Client, endpoints_of
from .errors import NoReply
from .proto import envelope_pb2, stream_pb2

#  After this long without a live message (heartbeats come every second
#  by default) the subscriptions are sent again.
SILENCE_S = 3.0
PAGE = 500


class Subscriber:
    def __init__(self, replay_endpoint, live_endpoint, stream_cert, client_cert, prefixes=(),
                 after_seq=0, timeout_ms=3000, context=None):
        self.context = context or zmq.Context.instance()
        self.replay = Client(replay_endpoint, stream_cert, client_cert, timeout_ms=timeout_ms,
                             retries=2, context=self.context)
        self.prefixes = [p for p in prefixes]
        if len(self.prefixes) > 16 or any(len(p.encode()) > 64 for p in self.prefixes):
            raise ValueError("at most 16 topic prefixes of at most 64 bytes")
        self.cursor = after_seq         # returned (or not ours) up to here
        self._scanned = after_seq       # replayed or queued up to here
        self._queue = collections.deque()
        self.replays = 0
        self.live_events = 0
        self.gaps = 0                   # gaps noticed live (seq jumps, heartbeats ahead)
        self.head_seq = 0
        server, _ = certs.load_keys(stream_cert)
        public, secret = certs.load_keys(client_cert)
        self.live = self.context.socket(zmq.DEALER)
        self.live.linger = 0
        self.live.curve_serverkey = server
        self.live.curve_publickey = public
        self.live.curve_secretkey = secret
        # The monitor is in place before the connection: no handshake unseen.
        self.monitor = self.live.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED)
        # Every stream instance's relay, if several: each sends every event,
        # and repeats are dropped by seq like any other.
        self._relays = endpoints_of(live_endpoint)
        for endpoint in self._relays:
            self.live.connect(endpoint)
        self._subscribe()
        self._caught_up = False

    def close(self):
        self.live.disable_monitor()
        self.monitor.close(linger=0)
        self.live.close(linger=0)
        self.replay.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _subscribe(self):
        # The DEALER deals frames out in turn: each prefix as many times in
        # a row as there are relays reaches each once.
        for prefix in self.prefixes or [""]:
            for _ in self._relays:
                try:
                    self.live.send(b"\x01" + prefix.encode(), zmq.NOBLOCK)
                except zmq.Again:
                    pass                # queued up to the HWM while disconnected; resent later
        self._heard = time.monotonic()

    def _replay(self):
        """Queues every event after what was scanned, up to the head."""
        self.replays += 1
        more = True
        while more:
            body = stream_pb2.ReplayRequest(after_seq=self._scanned, topic_prefixes=self.prefixes,
                                            page_size=PAGE)
            page = self.replay.call("replay", body)
            for data in page.events:
                event = envelope_pb2.Event()
                event.ParseFromString(data)
                if event.seq > self._scanned:
                    self._queue.append(event)
                    self._scanned = event.seq
            self._scanned = max(self._scanned, page.last_seq)
            self.head_seq = max(self.head_seq, page.head_seq)
            more = page.more
        if not self._queue:
            self.cursor = max(self.cursor, self._scanned)

    def _replay_later(self):
        """A replay while following live: if the stream does not answer,
        the next heartbeat or event ahead of us tries again."""
        try:
            self._replay()
        except NoReply:
            pass

    def next(self, timeout_ms):
        """The next event (a kumppani.v1.Event) within timeout_ms, or None."""
        deadline = time.monotonic() + timeout_ms / 1000.0
        if not self._caught_up:
            self._replay()              # everything already stored, first
            self._caught_up = True
        while True:
            if self._queue:
                event = self._queue.popleft()
                self.cursor = event.seq
                if not self._queue:
                    self.cursor = max(self.cursor, self._scanned)
                return event
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            poller = zmq.Poller()
            poller.register(self.live, zmq.POLLIN)
            poller.register(self.monitor, zmq.POLLIN)
            ready = dict(poller.poll(int(min(left, SILENCE_S) * 1000) + 1))
            if self.monitor in ready:
                self.monitor.recv_multipart()
                self._subscribe()       # a new connection: it must hear them again
            if time.monotonic() - self._heard > SILENCE_S:
                self._subscribe()       # the relay may no longer know this connection
            if self.live not in ready:
                continue
            frames = self.live.recv_multipart()
            self._heard = time.monotonic()
            if len(frames) != 2:
                continue
            event = envelope_pb2.Event()
            try:
                event.ParseFromString(frames[1])
            except Exception:
                continue
            # The relay's promise for this connection (Event.live_since):
            # nothing we may see lies between what we have and this message.
            covered = event.HasField("live_since") and event.live_since.seq <= self._scanned
            if event.WhichOneof("payload") == "heartbeat":
                self.head_seq = max(self.head_seq, event.heartbeat.head_seq)
                if event.heartbeat.head_seq > self._scanned and covered:
                    self._scanned = event.heartbeat.head_seq
                elif event.heartbeat.head_seq > self._scanned:
                    self.gaps += 1
                    self._replay_later()    # behind (or, filtered, other topics)
                continue
            if event.seq <= self._scanned:
                continue                # seen already (replayed, or a duplicate)
            if event.seq == self._scanned + 1 or covered:
                self._scanned = event.seq
                self.live_events += 1
                self._queue.append(event)
                continue
            # A jump: a gap, or (filtered) other topics in between.
            self.gaps += 1
            self._replay_later()

    def events(self, idle_timeout_ms):
        """Every event until none came for idle_timeout_ms."""
        while True:
            event = self.next(idle_timeout_ms)
            if event is None:
                return
            yield event
