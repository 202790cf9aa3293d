"""The Python client's test harness: certificates made with the real
`kumppani cert new`, real service processes from the built binaries
against the throwaway cluster scripts/test.sh made
(KUMPPANI_TEST_CONNINFO), the way an integrator's deployment has them."""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

from kumppani_client import Client, NoReply  # noqa: E402

BIN = os.environ.get("KUMPPANI_TEST_BIN_DIR", os.path.join(ROOT, "build", "bin"))
ORGS = [("kela", "kela", None), ("muni-743", "municipality", "743"),
        ("muni-091", "municipality", "091"), ("operator", "operator", None)]
SERVICES = ["intake", "referral", "groups", "reporting", "stream"]


_GIVEN = set()


def free_port():
    """A free loopback port below the ephemeral range (which outgoing
    connections draw from, so port 0's pick may be taken by a client
    before the service binds it)."""
    for _ in range(1000):
        port = random.randrange(20000, 32000)
        if port in _GIVEN:
            continue                    # handed out, not yet bound by its service
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                _GIVEN.add(port)
                return port
            except OSError:
                continue
    raise RuntimeError("no free loopback port in 20000-31999")


class System:
    """Certificates, endpoints and the service processes of one test."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kp-python-")
        self.admitted = os.path.join(self.dir, "admitted")
        self.services_dir = os.path.join(self.dir, "services")
        self.clients_dir = os.path.join(self.dir, "clients")
        for folder in (self.admitted, self.services_dir, self.clients_dir):
            os.makedirs(folder)
        for name in SERVICES:
            self._cert(name, "service", None, self.services_dir)
        for org, kind, municipality in ORGS:
            self._cert(org, kind, municipality, self.clients_dir)
            self._register(org, kind, municipality)
        self.hetu_keys = os.path.join(self.dir, "hetu.keys")
        with open(self.hetu_keys, "w") as keys:
            for _ in range(2):
                keys.write(os.urandom(32).hex() + "\n")
        self.endpoints = {name: "tcp://127.0.0.1:%d" % free_port() for name in SERVICES}
        self.pub_endpoint = "tcp://127.0.0.1:%d" % free_port()
        self.processes = {}

    def _cert(self, org, kind, municipality, folder):
        args = [os.path.join(BIN, "kumppani"), "cert", "new", org, "--type", kind, "--name", org, "--out", folder]
        if municipality:
            args += ["--municipality", municipality]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        shutil.copy(os.path.join(folder, org + ".cert"), self.admitted)

    def _register(self, org, kind, municipality):
        """Admitted means registered too (kp.organisations). The cluster is
        shared with the C suites: an id one of them deactivated is made
        active again (as their harness does), not refused as a reused id."""
        subprocess.run(
            ["psql", os.environ["KUMPPANI_TEST_ADMIN_CONNINFO"], "-qAt", "-v", "ON_ERROR_STOP=1",
             "-v", "org=" + org, "-v", "kind=" + kind, "-v", "area=" + (municipality or "")],
            # variables are interpolated only in what psql reads, not in -c
            input="INSERT INTO kp.organisations (org_id, org_type, area, active_from)"
                  " VALUES (:'org', :'kind', nullif (:'area', ''), now () - interval '1 day')"
                  " ON CONFLICT (org_id) DO UPDATE SET org_type = EXCLUDED.org_type,"
                  " area = EXCLUDED.area, active_from = EXCLUDED.active_from, active_to = NULL;\n",
            text=True, check=True, stdout=subprocess.DEVNULL)

    def cert(self, org):
        return os.path.join(self.clients_dir, org + ".cert")

    def service_cert(self, name):
        return os.path.join(self.services_dir, name + ".cert")

    def env(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith("KUMPPANI_")
               or key.startswith("KUMPPANI_TEST_")}
        env.update({
            "KUMPPANI_DB_CONNINFO": os.environ["KUMPPANI_TEST_CONNINFO"],
            "KUMPPANI_CERTS_DIR": self.admitted,
            "KUMPPANI_SERVICE_CERTS_DIR": self.services_dir,
            "KUMPPANI_HETU_KEY_FILE": self.hetu_keys,
            "KUMPPANI_CLIENT_CERT": self.cert("operator"),
            "KUMPPANI_STREAM_PUB_ENDPOINT": self.pub_endpoint,
            "KUMPPANI_LOG_LEVEL": "warn",
            "KUMPPANI_POLL_MS": "200",
        })
        for name, endpoint in self.endpoints.items():
            env["KUMPPANI_%s_ENDPOINT" % name.upper()] = endpoint
        return env

    def start(self, name):
        process = subprocess.Popen([os.path.join(BIN, name)], env=self.env())
        self.processes[name] = process
        deadline = time.monotonic() + 15
        client = self.client(name, "operator", timeout_ms=300, retries=0)
        try:
            while True:
                try:
                    client.call("health")
                    return process
                except NoReply:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("%s did not start" % name)
        finally:
            client.close()

    def signal(self, name, signum):
        self.processes[name].send_signal(signum)

    def client(self, service, org, **options):
        return Client(self.endpoints[service], self.service_cert(service), self.cert(org), **options)

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
