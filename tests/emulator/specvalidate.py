# SPDX-License-Identifier: MIT
"""specvalidate.py: checks ARM requests and responses against Microsoft's
OpenAPI (Swagger 2.0) documents kept in tests/spec/ (see its README):
required properties, types (integer is not string), enums, discriminators
(objectType, protectedItemType, jobType, ...), date-time and duration
formats, and properties the schema does not have. Python standard library
only; used by armemu.py (--spec-log) and test_specvalidate.py.

An enum is closed unless its x-ms-enum says modelAsString: AutoRest
clients read such an open enum as a string and accept any value, so a
value outside it is a Note (counted, not a violation); outside a closed
enum it is a violation.

An exchange is checked when its path matches an operation of a document
whose version is the request's api-version; others are "unchecked". A
{scope} path parameter (sent unencoded: Cost Management, Tags) spans segments.
A JSON null stands for an absent optional property, and a bare "type":
"object" (no properties) stands for any JSON value, as AutoRest clients
read them.
Error bodies (status 400 and up) are checked against the operation's
"default" schema without the unknown-property rule. One rule comes from
ARM's resource-provider contract rather than the documents: the result
(Location) URL of a running operation answers 202 with no body, as ARM
clients poll it, where some documents list only 200."""

import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_ROOT = os.path.join(os.path.dirname(HERE), "spec", "specification")

DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,7})?)?"
                       r"(Z|[+-]\d\d:\d\d)?$")
DURATION = re.compile(r"^-?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?"
                      r"(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
INT32 = (-2 ** 31, 2 ** 31 - 1)
INT64 = (-2 ** 63, 2 ** 63 - 1)


class Note(str):
    """A finding that breaks no rule: a value outside an open enum
    (x-ms-enum modelAsString), which AutoRest clients accept as a
    string. Callers count notes apart from violations (split)."""


def split(problems):
    """(violations, notes) of a list of (where, problem)."""
    return ([p for p in problems if not isinstance(p[1], Note)],
            [p for p in problems if isinstance(p[1], Note)])


class Schema:
    """A schema node and the document it sits in (for relative $refs);
    name is the definition's name when the node is a definition."""

    def __init__(self, doc, node, name=None):
        self.doc, self.node, self.name = doc, node, name


class Specs:
    """Every document under root, its operations and definitions."""

    def __init__(self, root=SPEC_ROOT):
        self.docs = {}
        self.ops = []
        for top, _, files in os.walk(root):
            for f in sorted(files):
                if f.endswith(".json"):
                    self._load(os.path.join(top, f))

    def _load(self, path):
        path = os.path.normpath(path)
        if path not in self.docs:
            with open(path, encoding="utf-8") as f:
                self.docs[path] = json.load(f)
            self._index(path)
        return self.docs[path]

    def _index(self, path):
        doc = self.docs[path]
        version = doc.get("info", {}).get("version")
        for template, item in doc.get("paths", {}).items():
            escaped = re.escape(template.rstrip("/"))
            escaped = escaped.replace(r"\{scope\}", ".+")
            regex = re.compile("^" + re.sub(
                r"\\\{[^}]+\\\}", "[^/]+", escaped) + "/?$", re.I)
            literal = len(re.sub(r"\{[^}]+\}", "", template))
            for method, op in item.items():
                self.ops.append((method.upper(), regex, literal, version,
                                 path, op))

    def operation(self, method, path, api_version):
        """(document path, operation) for a request, or None."""
        best = None
        for m, regex, literal, version, doc, op in self.ops:
            if m == method and version == api_version and \
                    regex.match(path) and (best is None or
                                           literal > best[0]):
                best = (literal, doc, op)
        return best[1:] if best else None

    # ---- references ----

    def resolve(self, s):
        """Follows $ref until a schema without one."""
        seen = 0
        while "$ref" in s.node:
            ref = s.node["$ref"]
            target, _, pointer = ref.partition("#")
            doc = self._load(os.path.join(os.path.dirname(s.doc), target)) \
                if target else self.docs[s.doc]
            docpath = os.path.normpath(os.path.join(
                os.path.dirname(s.doc), target)) if target else s.doc
            parts = pointer.strip("/").split("/")
            node = doc
            for p in parts:
                node = node[p]
            name = parts[1] if parts[0] == "definitions" else None
            s = Schema(docpath, node, name)
            seen += 1
            if seen > 50:
                raise ValueError("$ref loop at " + ref)
        return s

    def parents(self, s):
        for sub in s.node.get("allOf", []):
            yield self.resolve(Schema(s.doc, sub))

    def ancestry(self, s):
        """s and every allOf ancestor, nearest first."""
        out, todo = [], [s]
        while todo:
            cur = todo.pop(0)
            out.append(cur)
            todo.extend(self.parents(cur))
        return out

    def merged(self, s):
        """(properties {name: Schema}, required set, additional Schema)."""
        props, required, extra = {}, set(), None
        for a in reversed(self.ancestry(s)):
            for k, v in a.node.get("properties", {}).items():
                props[k] = Schema(a.doc, v)
            required.update(a.node.get("required", []))
            if isinstance(a.node.get("additionalProperties"), dict):
                extra = Schema(a.doc, a.node["additionalProperties"])
        return props, required, extra

    def discriminator(self, s):
        for a in self.ancestry(s):
            if "discriminator" in a.node:
                return a
        return None

    def subtype(self, s, value):
        """The definition under s (or s) whose discriminator value is
        value, or None."""
        if s.name and s.node.get("x-ms-discriminator-value",
                                 s.name) == value:
            return s
        defs = self.docs[s.doc].get("definitions", {})
        for name, node in defs.items():
            cand = Schema(s.doc, node, name)
            if node.get("x-ms-discriminator-value", name) != value:
                continue
            if any(a.name == s.name and a.doc == s.doc
                   for a in self.ancestry(cand)[1:]):
                return cand
        return None

    # ---- values ----

    def check(self, s, value, where, strict, out):
        """Appends (where, problem) for each way value breaks s."""
        s = self.resolve(s)
        node = s.node
        kind = node.get("type")
        if kind is None and any(k in node for k in (
                "properties", "allOf", "additionalProperties")):
            kind = "object"
        if kind == "object" and not any(
                k in node for k in ("properties", "allOf",
                                    "additionalProperties")):
            return  # a bare object is AutoRest's "any" (ARG's data)
        if kind == "object":
            self._object(s, value, where, strict, out)
        elif kind == "array":
            if not isinstance(value, list):
                out.append((where, "array expected, got %s" % show(value)))
                return
            for i, v in enumerate(value):
                self.check(Schema(s.doc, node["items"]), v,
                           "%s[%d]" % (where, i), strict, out)
        elif kind is not None:
            problem = scalar(node, value)
            if problem:
                out.append((where, problem))

    def _object(self, s, value, where, strict, out):
        if not isinstance(value, dict):
            out.append((where, "object expected, got %s" % show(value)))
            return
        base = self.discriminator(s)
        if base is not None:
            prop = base.node["discriminator"]
            tag = value.get(prop)
            if isinstance(tag, str):
                sub = self.subtype(s, tag)
                if sub is None:
                    out.append((where + "." + prop, "discriminator value "
                                "%r names no subtype of %s" % (tag, s.name)))
                    return
                s = sub
        props, required, extra = self.merged(s)
        for name in sorted(required):
            if value.get(name) is None:
                out.append((where, "required property '%s' missing" % name))
        for name, v in value.items():
            if v is None:
                continue
            if name in props:
                self.check(props[name], v, where + "." + name, strict, out)
            elif extra is not None:
                self.check(extra, v, where + "." + name, strict, out)
            elif strict and props:
                out.append((where + "." + name, "property not in %s" %
                            (s.name or "the schema")))

    # ---- exchanges ----

    def check_response(self, method, path, api_version, status, body):
        """None when no operation matches, else a list of (where,
        problem)."""
        found = self.operation(method, path, api_version)
        if found is None:
            return None
        doc, op = found
        responses = op.get("responses", {})
        resp = responses.get(str(status))
        error = status >= 400
        if resp is None and status == 202 and method == "GET" and \
                "OperationResult" in op.get("operationId", ""):
            resp = {"description": "ARM's RPC: the Location of a running "
                    "operation answers 202 until it ends"}
        if resp is None:
            resp = responses.get("default") if error else None
        if resp is None:
            return [("status", "%d is not a response of %s" %
                     (status, op.get("operationId")))]
        out = []
        if "schema" not in resp:
            if body not in (None, b"", "", {}):
                out.append(("$", "%s answers %d with no body" %
                            (op.get("operationId"), status)))
            return out
        if body is None or isinstance(body, bytes) and not body:
            out.append(("$", "body expected"))
            return out
        self.check(Schema(doc, resp["schema"]), body, "$", not error, out)
        return out

    def check_request(self, method, path, api_version, body):
        """None when no operation matches, else a list of (where,
        problem) about the request body."""
        found = self.operation(method, path, api_version)
        if found is None:
            return None
        doc, op = found
        param = next((p for p in op.get("parameters", [])
                      if p.get("in") == "body"), None)
        out = []
        if param is None:
            return out
        if not body:
            if param.get("required"):
                out.append(("$", "request body required"))
            return out
        try:
            value = json.loads(body)
        except ValueError as e:
            return [("$", "request body is not JSON: %s" % e)]
        self.check(Schema(doc, param["schema"]), value, "$", True, out)
        return out


def scalar(node, value):
    """The problem with a string/number/boolean value, or None."""
    kind, fmt = node["type"], node.get("format")
    if kind == "string":
        if not isinstance(value, str):
            return "string expected, got %s" % show(value)
        if fmt == "date-time" and not DATE_TIME.match(value):
            return "date-time expected, got %r" % value
        if fmt == "duration" and not DURATION.match(value):
            return "ISO 8601 duration expected, got %r" % value
        if "enum" in node and value not in node["enum"]:
            problem = "%r is not one of %s" % (value, ", ".join(node["enum"]))
            if node.get("x-ms-enum", {}).get("modelAsString"):
                return Note(problem + " (an open enum)")
            return problem
        return None
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return "integer expected, got %s" % show(value)
        lo, hi = INT64 if fmt == "int64" else INT32
        if not lo <= value <= hi:
            return "%d is out of the %s range" % (value, fmt or "int32")
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "number expected, got %s" % show(value)
        return None
    if kind == "boolean":
        if not isinstance(value, bool):
            return "boolean expected, got %s" % show(value)
        return None
    return None


def show(value):
    text = json.dumps(value)
    kind = {str: "string", bool: "boolean", int: "integer", float: "number",
            list: "array", dict: "object"}.get(type(value), "null")
    return "%s %s" % (kind, text if len(text) < 40 else text[:37] + "...")
