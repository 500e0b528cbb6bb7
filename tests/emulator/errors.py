# SPDX-License-Identifier: MIT
"""errors.py: the request, response and error types the emulator's modules
pass around. ArmError renders as ARM's {"error":{"code","message"}} body.
No I/O here."""

import json


class Request:
    """One HTTP request as the handlers see it."""

    def __init__(self, method, raw_path, path, query, headers, body, base):
        self.method = method
        self.raw_path = raw_path   # path and query exactly as received
        self.path = path           # percent-decoded path, no query
        self.query = query         # [(name, value)] in order, decoded
        self.headers = headers
        self.body = body
        self.base = base           # scheme://host[:port] the client used
        self.api_version = None

    def q(self, name, default=None):
        """Last value of a query parameter, name matched case-insensitively
        (ARM accepts $skipToken and $skiptoken alike)."""
        low = name.lower()
        for key, value in reversed(self.query):
            if key.lower() == low:
                return value
        return default

    def json(self):
        if not self.body:
            raise ArmError(400, "InvalidRequestContent",
                           "The request content was invalid and could not "
                           "be deserialized: the body is empty.")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as e:
            raise ArmError(400, "InvalidRequestContent",
                           "The request content was invalid and could not "
                           "be deserialized: %s" % e)


class Response:
    """status, body (a JSON-able object, bytes, or None) and headers."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.fault = None

    def payload(self):
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, separators=(",", ":")).encode()


class ArmError(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    def response(self):
        return Response(self.status, {"error": {
            "code": self.code, "message": self.message}}, self.headers)
