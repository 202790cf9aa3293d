"""The generated protobuf modules (protoc --python_out from proto/,
`make python-client` writes them to build/python/kumppani/v1/). Found on
sys.path, or in the repository's build/python, or where
KUMPPANI_PYTHON_GEN points."""
import os
import sys

try:
    from kumppani.v1 import envelope_pb2, stream_pb2, referral_pb2, intake_pb2, groups_pb2, reporting_pb2
except ImportError:
    _here = os.path.dirname(os.path.abspath(__file__))
    _gen = os.environ.get("KUMPPANI_PYTHON_GEN") or os.path.join(_here, "..", "..", "..", "build", "python")
    sys.path.insert(0, os.path.abspath(_gen))
    from kumppani.v1 import envelope_pb2, stream_pb2, referral_pb2, intake_pb2, groups_pb2, reporting_pb2

__all__ = ["envelope_pb2", "stream_pb2", "referral_pb2", "intake_pb2", "groups_pb2", "reporting_pb2"]
