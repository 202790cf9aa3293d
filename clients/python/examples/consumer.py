#!/usr/bin/env python3
"""consumer.py — a stream consumer that survives being killed.

Writes one JSON line per event to --out and keeps its cursor in that same
file: the last complete line's seq. Killed at any moment (even kill -9
half way through a line), it starts again after the last event it wrote,
so the file ends up with every event exactly once, in seq order.

    consumer.py --out events.jsonl [--topic referral.] [--idle-exit 5000]

Endpoints and certificates come from the same variables as the CLI's:
KUMPPANI_STREAM_ENDPOINT (replay), KUMPPANI_STREAM_PUB_ENDPOINT (live),
KUMPPANI_SERVICE_CERTS_DIR (stream.cert) and KUMPPANI_CLIENT_CERT."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from kumppani_client import Subscriber  # noqa: E402


def resume(path):
    """The seq of the last complete line of path (0 if none); a partial
    last line (the process died writing it) is cut off."""
    if not os.path.exists(path):
        return 0
    with open(path, "rb+") as handle:
        data = handle.read()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            handle.truncate(end)
        lines = data[:end].splitlines()
    return json.loads(lines[-1])["seq"] if lines else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--topic", action="append", default=[])
    parser.add_argument("--idle-exit", type=int, default=0, help="exit after MS ms without an event")
    args = parser.parse_args()
    env = os.environ
    stream_cert = os.path.join(env["KUMPPANI_SERVICE_CERTS_DIR"], "stream.cert")
    after = resume(args.out)
    with Subscriber(env["KUMPPANI_STREAM_ENDPOINT"], env["KUMPPANI_STREAM_PUB_ENDPOINT"], stream_cert,
                    env["KUMPPANI_CLIENT_CERT"], prefixes=args.topic, after_seq=after) as subscriber, \
            open(args.out, "a", encoding="utf-8") as out:
        print("consumer: resuming after seq %d" % after, file=sys.stderr, flush=True)
        while True:
            event = subscriber.next(args.idle_exit or 1000)
            if event is None:
                if args.idle_exit:
                    return 0
                continue
            line = {"seq": event.seq, "topic": event.topic, "aggregate_id": event.aggregate_id,
                    "occurred_at": event.occurred_at}
            out.write(json.dumps(line) + "\n")
            out.flush()
            os.fsync(out.fileno())


if __name__ == "__main__":
    sys.exit(main())
