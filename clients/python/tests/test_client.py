"""The official Python client against the real services: a Kela notice
end to end (submitted by Kela, acknowledged by the municipality, seen on
the stream by both as their certificates entitle them), refusals as
exceptions, Lazy Pirate retries that keep the idempotency key, and a
consumer killed with SIGKILL that resumes without gaps or duplicates."""
import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest

from harness import System, HERE

from kumppani_client import KumppaniError, NoReply, Subscriber, vocab
from kumppani_client.proto import referral_pb2, envelope_pb2

HETU = "131052-308T"        # synthetic (individual number 308)


def notice(client_ref=None):
    body = referral_pb2.SubmitReferral(
        kind=referral_pb2.REFERRAL_KIND_SOCIAL_WORK_NEED, recipient_org="muni-743",
        recipient_type="municipality", municipality="743",
        reason_category=referral_pb2.REASON_CATEGORY_LIFE_MANAGEMENT,
        legal_basis=referral_pb2.LEGAL_BASIS_CONSENT, consent_ref="consent-1",
        free_text="Rent arrears for three months.", sender_contact="Kela, 020 692 207")
    if client_ref:
        body.client_ref = client_ref
    else:
        body.hetu = HETU
    return body


class PythonClient(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.system = System()
        for name in ("intake", "referral", "stream"):
            cls.system.start(name)

    @classmethod
    def tearDownClass(cls):
        cls.system.stop()

    def subscriber(self, org, prefixes=(), after_seq=0):
        return Subscriber(self.system.endpoints["stream"], self.system.pub_endpoint,
                          self.system.service_cert("stream"), self.system.cert(org),
                          prefixes=prefixes, after_seq=after_seq)

    def head(self):
        with self.system.client("stream", "operator") as client:
            return client.call("health").head_seq

    def test_kela_notice_end_to_end(self):
        start = self.head()
        muni = self.subscriber("muni-743", ["referral."], after_seq=start)
        kela_feed = self.subscriber("kela", after_seq=start)
        other = self.subscriber("muni-091", after_seq=start)
        try:
            with self.system.client("referral", "kela") as kela, \
                    self.system.client("referral", "muni-743") as municipality:
                reply = kela.call("submit_referral", notice())
                referral_id = reply.referral.referral_id
                self.assertEqual(reply.referral.state, referral_pb2.REFERRAL_STATE_RECEIVED)
                self.assertEqual(list(kela.last_reply.ignored_fields), [])
                acknowledged = municipality.call("acknowledge_referral",
                                                 referral_pb2.AcknowledgeReferral(referral_id=referral_id))
                self.assertEqual(acknowledged.referral.state, referral_pb2.REFERRAL_STATE_ACKNOWLEDGED)
                # One vocabulary: roles and the clock's kind as enums, times as µs UTC.
                read = municipality.call("get_referral", referral_pb2.GetReferral(referral_id=referral_id))
                self.assertEqual([entry.actor_role_enum for entry in read.history[:2]],
                                 [envelope_pb2.ROLE_KELA_OFFICER, envelope_pb2.ROLE_SOCIAL_WORKER])
                self.assertEqual([envelope_pb2.Role.Name(entry.actor_role_enum) for entry in read.history[:2]],
                                 [entry.actor_role for entry in read.history[:2]])
                self.assertEqual(read.referral.deadline_kind_enum, referral_pb2.DEADLINE_KIND_ASSESSMENT_START)
                self.assertEqual(vocab.enum_code(referral_pb2.DeadlineKind, read.referral.deadline_kind_enum),
                                 read.referral.deadline_kind)
                created = vocab.to_datetime(read.referral.created_at)
                self.assertEqual(created.utcoffset(), datetime.timedelta(0))
                stored = subprocess.run(
                    ["psql", os.environ["KUMPPANI_TEST_ADMIN_CONNINFO"], "-tAc",
                     "SELECT (extract (epoch FROM created_at) * 1000000)::int8 FROM referral.referrals"
                     " WHERE referral_id = '%s'" % referral_id],
                    check=True, capture_output=True, text=True).stdout.strip()
                self.assertEqual(read.referral.created_at, int(stored))
                self.assertEqual(vocab.to_date(read.referral.received_on).isoformat(), read.referral.received_on)
                # Refusals are exceptions with status, code and field.
                with self.assertRaises(KumppaniError) as refused:
                    kela.call("acknowledge_referral", referral_pb2.AcknowledgeReferral(referral_id=referral_id))
                self.assertEqual(refused.exception.status, "FORBIDDEN")
                with self.assertRaises(KumppaniError) as hidden:
                    kela.call("get_referral", referral_pb2.GetReferral(referral_id="01ARZ3NDEKTSV4RRFFQ69G5FAV"))
                self.assertEqual((hidden.exception.status, hidden.exception.code),
                                 ("NOT_FOUND", "referral.not_found"))
                with self.assertRaises(KumppaniError) as role:
                    kela.call("get_referral", referral_pb2.GetReferral(referral_id=referral_id),
                              role=envelope_pb2.ROLE_SERVICE)
                self.assertEqual((role.exception.code, role.exception.field),
                                 ("request.role_not_allowed", "actor.role"))
            # The municipality sees the notice and its acknowledgement, once each.
            seen = [(e.topic, e.aggregate_id) for e in self._until(muni, "referral.acknowledged", referral_id)]
            self.assertEqual(seen.count(("referral.received", referral_id)), 1, seen)
            self.assertEqual(seen.count(("referral.acknowledged", referral_id)), 1, seen)
            # Kela sees its own notice's events; another municipality nothing of it.
            kela_seen = [e.aggregate_id for e in self._until(kela_feed, "referral.acknowledged", referral_id)]
            self.assertIn(referral_id, kela_seen)
            self.assertNotIn(referral_id, [e.aggregate_id for e in other.events(1500)])
        finally:
            muni.close()
            kela_feed.close()
            other.close()

    def _until(self, subscriber, topic, aggregate_id, limit_s=20):
        events, deadline = [], time.monotonic() + limit_s
        while time.monotonic() < deadline:
            event = subscriber.next(1000)
            if event is None:
                continue
            events.append(event)
            if event.topic == topic and event.aggregate_id == aggregate_id:
                return events
        self.fail("%s for %s never arrived; got %s" % (topic, aggregate_id, [e.topic for e in events]))

    def test_lazy_pirate_retries_keep_the_idempotency_key(self):
        # The service is stopped while the first attempt waits: the retry,
        # same bytes and key, is answered once it runs again, and the notice
        # exists once.
        with self.system.client("referral", "kela", timeout_ms=700, retries=4) as kela:
            request = kela.request("submit_referral", notice(client_ref="py-retry-%d" % os.getpid()))
            self.system.signal("referral", signal.SIGSTOP)
            try:
                threading.Timer(1.0, self.system.signal, ("referral", signal.SIGCONT)).start()
                reply = kela.send(request)
            finally:
                self.system.signal("referral", signal.SIGCONT)
            self.assertGreater(kela.attempts, 1, "the first attempt was answered: nothing was retried")
            self.assertEqual(reply.status, envelope_pb2.STATUS_OK)
            again = kela.send(request)          # and once more, by hand: the stored reply
            self.assertEqual(again.referral.referral.referral_id, reply.referral.referral.referral_id)
        stored = subprocess.run(
            ["psql", os.environ["KUMPPANI_TEST_ADMIN_CONNINFO"], "-tAc",
             "SELECT count(*) FROM referral.referrals WHERE client_ref = 'py-retry-%d'" % os.getpid()],
            check=True, capture_output=True, text=True).stdout.strip()
        self.assertEqual(stored, "1", "a retried submission was stored %s times" % stored)

    def test_no_reply_is_an_exception(self):
        with self.system.client("referral", "kela", timeout_ms=200, retries=1) as kela:
            kela.endpoint = "tcp://127.0.0.1:1"
            kela._connect()
            with self.assertRaises(NoReply):
                kela.call("health")
            self.assertEqual(kela.attempts, 2)

    def test_a_list_of_instances_skips_one_that_is_down(self):
        # The first instance listed is down: without ZMQ_IMMEDIATE the
        # DEALER would queue every other request for it and each of those
        # would wait out its timeout. Every call is answered first time.
        live = self.system.endpoints["referral"]
        with self.system.client("referral", "kela", timeout_ms=2000, retries=0) as kela:
            kela.endpoint = "tcp://127.0.0.1:1," + live
            kela._connect()
            for _ in range(6):
                self.assertTrue(kela.call("health").database_ok)
            self.assertEqual(kela.attempts, 6)

    def test_a_killed_consumer_resumes_without_gaps_or_duplicates(self):
        out = os.path.join(self.system.dir, "consumer.jsonl")
        env = self.system.env()
        env["KUMPPANI_STREAM_ENDPOINT"] = self.system.endpoints["stream"]
        env["KUMPPANI_CLIENT_CERT"] = self.system.cert("kela")
        consumer = [sys.executable, os.path.join(HERE, "..", "examples", "consumer.py"), "--out", out,
                    "--topic", "referral."]
        # Start after the current head: the file holds only this test's events.
        with open(out, "w") as handle:
            handle.write(json.dumps({"seq": self.head(), "topic": "start", "aggregate_id": "",
                                     "occurred_at": 0}) + "\n")
        ids = []
        with self.system.client("referral", "kela") as kela:
            child = subprocess.Popen(consumer, env=env, stderr=subprocess.DEVNULL)
            for index in range(30):
                ids.append(kela.call("submit_referral", notice(client_ref="py-kill-%d" % index)).referral.referral_id)
                if index == 12:
                    self._wait_lines(out, 5)
                    child.kill()                      # SIGKILL: no goodbye, maybe half a line
                    child.wait()
                    child = subprocess.Popen(consumer, env=env, stderr=subprocess.DEVNULL)
            self._wait_for(out, ids[-1])
            child.kill()
            child.wait()
        lines = [json.loads(line) for line in open(out)][1:]
        seqs = [line["seq"] for line in lines]
        self.assertEqual(seqs, sorted(set(seqs)), "duplicates or disorder: %s" % seqs)
        received = [line["aggregate_id"] for line in lines if line["topic"] == "referral.received"]
        self.assertEqual(received, ids, "missing or extra notices")

    def _lines(self, path):
        with open(path) as handle:
            return sum(1 for line in handle if line.endswith("\n"))

    def _wait_lines(self, path, count, limit_s=20):
        deadline = time.monotonic() + limit_s
        while self._lines(path) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def _wait_for(self, path, aggregate_id, limit_s=30):
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            with open(path) as handle:
                if any('"%s"' % aggregate_id in line for line in handle):
                    return
            time.sleep(0.05)
        self.fail("the consumer never wrote %s" % aggregate_id)


if __name__ == "__main__":
    unittest.main()
