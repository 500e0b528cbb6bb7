# SPDX-License-Identifier: MIT
"""jwtrsa.py: RSA signatures (RS256 = PKCS#1 v1.5, PS256 = RSASSA-PSS with
SHA-256, MGF1-SHA-256 and a 32-byte salt) and JWT client assertions in pure
Python, with a small DER walker for X.509 certificates and RSA private keys.

Used by armemu.py to verify client assertions the way Microsoft Entra ID
does, and by test_armemu.py to sign them. Test code: it makes no attempt to
resist timing attacks beyond constant-time comparisons, and it never
generates keys (tests/emulator/certs/make-certs.sh does, with openssl)."""

import base64
import hashlib
import hmac
import json
import os

SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
RSA_ENCRYPTION_OID = bytes.fromhex("2a864886f70d010101")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    if not isinstance(text, str) or any(c in text for c in "+/="):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ---- DER ----

def der_item(buf, pos):
    """Returns (tag, content_start, content_end) of the element at pos."""
    if pos + 2 > len(buf):
        raise ValueError("truncated DER")
    tag, length = buf[pos], buf[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(buf):
            raise ValueError("bad DER length")
        length = int.from_bytes(buf[pos:pos + count], "big")
        pos += count
    if pos + length > len(buf):
        raise ValueError("truncated DER")
    return tag, pos, pos + length


def der_children(buf, start, end):
    items, pos = [], start
    while pos < end:
        tag, s, e = der_item(buf, pos)
        items.append((tag, s, e))
        pos = e
    return items


def der_sequence(buf, item):
    tag, s, e = item
    if tag != 0x30:
        raise ValueError("expected a DER SEQUENCE")
    return der_children(buf, s, e)


def der_int(buf, item):
    tag, s, e = item
    if tag != 0x02:
        raise ValueError("expected a DER INTEGER")
    return int.from_bytes(buf[s:e], "big", signed=True)


def pem_blocks(text):
    """[(label, der)] for every PEM block in text."""
    blocks, label, lines = [], None, []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("-----BEGIN ") and line.endswith("-----"):
            label, lines = line[11:-5], []
        elif line.startswith("-----END ") and label is not None:
            blocks.append((label, base64.b64decode("".join(lines))))
            label = None
        elif label is not None:
            lines.append(line)
    return blocks


def pem_first(path, labels):
    with open(path, encoding="ascii") as f:
        for label, der in pem_blocks(f.read()):
            if label in labels:
                return label, der
    raise ValueError("%s: no %s block" % (path, " or ".join(labels)))


class RsaKey:
    """n, e and, for a private key, d."""

    def __init__(self, n, e, d=None):
        self.n, self.e, self.d = n, e, d
        self.bits = n.bit_length()
        self.size = (self.bits + 7) // 8


def _rsa_public_key_info(buf, item):
    alg, bits = der_sequence(buf, item)[:2]
    oid = der_sequence(buf, alg)[0]
    if buf[oid[1]:oid[2]] != RSA_ENCRYPTION_OID:
        raise ValueError("certificate key is not RSA")
    if bits[0] != 0x03 or buf[bits[1]] != 0:
        raise ValueError("bad subjectPublicKey")
    inner = buf[bits[1] + 1:bits[2]]
    n_item, e_item = der_sequence(inner, der_item(inner, 0))[:2]
    return RsaKey(der_int(inner, n_item), der_int(inner, e_item))


def certificate_key(der):
    """The RSA public key of a DER X.509 certificate."""
    tbs = der_sequence(der, der_sequence(der, der_item(der, 0))[0])
    if tbs[0][0] == 0xA0:  # [0] version
        tbs = tbs[1:]
    # serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    return _rsa_public_key_info(der, tbs[5])


def private_key(label, der):
    """An RSA private key from PKCS#1 or PKCS#8 DER."""
    if label == "PRIVATE KEY":
        parts = der_sequence(der, der_item(der, 0))
        tag, s, e = parts[2]
        if tag != 0x04:
            raise ValueError("bad PKCS#8 key")
        der = der[s:e]
    parts = der_sequence(der, der_item(der, 0))
    n, e, d = (der_int(der, parts[i]) for i in (1, 2, 3))
    return RsaKey(n, e, d)


def thumbprints(cert_der):
    """(x5t, x5t#S256) of a certificate: base64url SHA-1 and SHA-256."""
    return (b64url(hashlib.sha1(cert_der).digest()),
            b64url(hashlib.sha256(cert_der).digest()))


# ---- signature schemes ----

def _mgf1(seed, length):
    out, counter = b"", 0
    while len(out) < length:
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def _pkcs1v15_encoded(mhash, em_len):
    t = SHA256_DIGEST_INFO + mhash
    if em_len < len(t) + 11:
        raise ValueError("key too short")
    return b"\x00\x01" + b"\xff" * (em_len - len(t) - 3) + b"\x00" + t


def _pss_encode(mhash, em_bits, salt):
    h_len, em_len = 32, (em_bits + 7) // 8
    if em_len < h_len + len(salt) + 2:
        raise ValueError("key too short")
    h = hashlib.sha256(b"\x00" * 8 + mhash + salt).digest()
    db = b"\x00" * (em_len - len(salt) - h_len - 2) + b"\x01" + salt
    masked = bytes(a ^ b for a, b in zip(db, _mgf1(h, em_len - h_len - 1)))
    clear = 8 * em_len - em_bits
    masked = bytes([masked[0] & (0xFF >> clear)]) + masked[1:]
    return masked + h + b"\xbc"


def _pss_verify(mhash, em, em_bits):
    h_len, s_len, em_len = 32, 32, (em_bits + 7) // 8
    if len(em) != em_len or em_len < h_len + s_len + 2 or em[-1] != 0xBC:
        return False
    masked, h = em[:em_len - h_len - 1], em[em_len - h_len - 1:-1]
    clear = 8 * em_len - em_bits
    if masked[0] & ~(0xFF >> clear) & 0xFF:
        return False
    db = bytes(a ^ b for a, b in zip(masked, _mgf1(h, em_len - h_len - 1)))
    db = bytes([db[0] & (0xFF >> clear)]) + db[1:]
    pad = em_len - h_len - s_len - 2
    if any(db[:pad]) or db[pad] != 0x01:
        return False
    salt = db[-s_len:]
    return hmac.compare_digest(
        h, hashlib.sha256(b"\x00" * 8 + mhash + salt).digest())


def sign(alg, message, key):
    mhash = hashlib.sha256(message).digest()
    if alg == "RS256":
        em = _pkcs1v15_encoded(mhash, key.size)
    elif alg == "PS256":
        em = _pss_encode(mhash, key.bits - 1, os.urandom(32))
    else:
        raise ValueError("unsupported alg " + alg)
    return pow(int.from_bytes(em, "big"), key.d, key.n).to_bytes(
        key.size, "big")


def verify(alg, message, signature, key):
    """True when signature is a valid alg signature of message by key."""
    if len(signature) != key.size:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    m = pow(s, key.e, key.n)
    mhash = hashlib.sha256(message).digest()
    if alg == "RS256":
        return hmac.compare_digest(m.to_bytes(key.size, "big"),
                                   _pkcs1v15_encoded(mhash, key.size))
    if alg == "PS256":
        em_bits = key.bits - 1
        if m.bit_length() > em_bits:
            return False
        return _pss_verify(mhash, m.to_bytes((em_bits + 7) // 8, "big"),
                           em_bits)
    return False


# ---- JWT ----

def jwt_encode(header, claims, key):
    signing_input = (b64url(json.dumps(header).encode()) + "." +
                     b64url(json.dumps(claims).encode()))
    sig = sign(header["alg"], signing_input.encode("ascii"), key)
    return signing_input + "." + b64url(sig)


def jwt_decode(token):
    """(header, claims, signing_input bytes, signature bytes); ValueError
    when token is not a well-formed JWS compact serialization."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise ValueError("a JWT has three dot-separated parts")
    header = json.loads(b64url_decode(parts[0]))
    claims = json.loads(b64url_decode(parts[1]))
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise ValueError("JWT header and claims must be JSON objects")
    return (header, claims, (parts[0] + "." + parts[1]).encode("ascii"),
            b64url_decode(parts[2]))
