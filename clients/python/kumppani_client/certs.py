"""CURVE keys from the zcert files kumppani uses (czmq's text format:
NAME.cert holds the public key, NAME.cert_secret both)."""
import re


def _read(path):
    keys = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r'\s*(public-key|secret-key)\s*=\s*"(.*)"\s*$', line)
            if match:
                keys[match.group(1)] = match.group(2).encode("ascii")
    return keys


def load_keys(cert_path):
    """(public, secret) of a certificate: reads cert_path and, for the
    secret, cert_path + "_secret" when cert_path itself has none. The
    secret is None for a public certificate (a service's)."""
    keys = _read(cert_path)
    if "secret-key" not in keys:
        try:
            keys.update(_read(cert_path + "_secret"))
        except FileNotFoundError:
            pass
    if "public-key" not in keys:
        raise ValueError("%s holds no CURVE public key" % cert_path)
    return keys["public-key"], keys.get("secret-key")


def meta(cert_path, key):
    """A metadata value of a certificate ("org_type"), or None."""
    with open(cert_path, encoding="utf-8") as handle:
        for line in handle:
            match = re.match(r'\s*%s\s*=\s*"(.*)"\s*$' % re.escape(key), line)
            if match:
                return match.group(1)
    return None
