# SPDX-License-Identifier: MIT
"""odata.py: the OData $filter subset that Azure Backup and the Retail
Prices API accept, parsed into a small tree and evaluated against records.

Grammar: or/and/not, parentheses, comparisons (eq ne gt ge lt le) between
field names, 'quoted strings' ('' escapes a quote), numbers, true/false/null,
and the functions contains, startswith, endswith, tolower, toupper.
Used by backup.py (jobs, items, recovery points: a conjunction of equalities)
and prices.py (Retail Prices API). Never evaluates anything but this tree."""

import re

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$./-]*)
)""", re.X)

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS = ("contains", "startswith", "endswith", "tolower", "toupper")


class FilterError(ValueError):
    pass


def _tokens(text):
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FilterError("cannot parse $filter at '%s'" % text[pos:])
        pos = m.end()
        if m.group("str") is not None:
            out.append(("str", m.group("str")[1:-1].replace("''", "'")))
        elif m.group("num") is not None:
            out.append(("num", float(m.group("num"))))
        elif m.group("punct") is not None:
            out.append(("punct", m.group("punct")))
        else:
            out.append(("word", m.group("word")))
    return out


class _Parser:
    def __init__(self, text):
        self.toks, self.i = _tokens(text), 0

    def peek(self, kind=None, value=None):
        if self.i >= len(self.toks):
            return None
        tok = self.toks[self.i]
        if kind and tok[0] != kind:
            return None
        if value is not None and (not isinstance(tok[1], str) or
                                  tok[1].lower() != value):
            return None
        return tok

    def take(self, kind=None, value=None):
        tok = self.peek(kind, value)
        if tok is None:
            got = self.toks[self.i][1] if self.i < len(self.toks) else "end"
            raise FilterError("$filter: expected %s, found '%s'" %
                              (value or kind or "more", got))
        self.i += 1
        return tok

    def parse(self):
        node = self.or_expr()
        if self.i != len(self.toks):
            raise FilterError("$filter: unexpected '%s'" %
                              self.toks[self.i][1])
        return node

    def or_expr(self):
        node = self.and_expr()
        while self.peek("word", "or"):
            self.i += 1
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self):
        node = self.unary()
        while self.peek("word", "and"):
            self.i += 1
            node = ("and", node, self.unary())
        return node

    def unary(self):
        if self.peek("word", "not"):
            self.i += 1
            return ("not", self.unary())
        if self.peek("punct", "("):
            self.i += 1
            node = self.or_expr()
            self.take("punct", ")")
            return node
        left = self.operand()
        tok = self.peek("word")
        if tok and tok[1].lower() in COMPARISONS:
            self.i += 1
            return ("cmp", tok[1].lower(), left, self.operand())
        if left[0] == "call":
            return left
        raise FilterError("$filter: expected a comparison after '%s'" %
                          (left[1],))

    def operand(self):
        tok = self.take()
        if tok[0] == "str":
            return ("lit", tok[1])
        if tok[0] == "num":
            return ("lit", tok[1])
        if tok[0] != "word":
            raise FilterError("$filter: unexpected '%s'" % tok[1])
        word = tok[1]
        low = word.lower()
        if low in ("true", "false"):
            return ("lit", low == "true")
        if low == "null":
            return ("lit", None)
        if low in FUNCTIONS and self.peek("punct", "("):
            self.i += 1
            args = [self.operand()]
            while self.peek("punct", ","):
                self.i += 1
                args.append(self.operand())
            self.take("punct", ")")
            return ("call", low, args)
        return ("field", word)


def parse(text):
    """The tree of a $filter expression; FilterError when malformed."""
    return _Parser(text).parse()


def conjunction(tree):
    """[(field, op, value)] for a filter made of 'field op literal' terms
    joined by 'and' (the only form Azure Backup accepts)."""
    if tree[0] == "and":
        return conjunction(tree[1]) + conjunction(tree[2])
    if tree[0] == "cmp" and tree[2][0] == "field" and tree[3][0] == "lit":
        return [(tree[2][1], tree[1], tree[3][1])]
    raise FilterError("$filter: only 'field eq 'value'' terms joined by "
                      "'and' are supported here")


def evaluate(tree, record, case_sensitive):
    """Evaluates tree against record (a dict; fields looked up by exact
    name, then case-insensitively)."""
    kind = tree[0]
    if kind == "or":
        return (evaluate(tree[1], record, case_sensitive) or
                evaluate(tree[2], record, case_sensitive))
    if kind == "and":
        return (evaluate(tree[1], record, case_sensitive) and
                evaluate(tree[2], record, case_sensitive))
    if kind == "not":
        return not evaluate(tree[1], record, case_sensitive)
    if kind == "cmp":
        a = _value(tree[2], record, case_sensitive)
        b = _value(tree[3], record, case_sensitive)
        return _compare(tree[1], a, b, case_sensitive)
    return bool(_value(tree, record, case_sensitive))


def _field(record, name):
    if name in record:
        return record[name]
    low = name.lower()
    for key, value in record.items():
        if key.lower() == low:
            return value
    return None


def _fold(v, case_sensitive):
    return v if case_sensitive or not isinstance(v, str) else v.lower()


def _value(node, record, case_sensitive):
    if node[0] == "lit":
        return node[1]
    if node[0] == "field":
        return _field(record, node[1])
    name, args = node[1], [_value(a, record, case_sensitive)
                           for a in node[2]]
    if name in ("tolower", "toupper"):
        if len(args) != 1:
            raise FilterError("%s takes one argument" % name)
        s = args[0]
        if not isinstance(s, str):
            return s
        return s.lower() if name == "tolower" else s.upper()
    if len(args) != 2:
        raise FilterError("%s takes two arguments" % name)
    s, sub = (_fold(a, case_sensitive) for a in args)
    if not isinstance(s, str) or not isinstance(sub, str):
        return False
    if name == "contains":
        return sub in s
    if name == "startswith":
        return s.startswith(sub)
    return s.endswith(sub)


def _compare(op, a, b, case_sensitive):
    a, b = _fold(a, case_sensitive), _fold(b, case_sensitive)
    if op == "eq":
        return a == b
    if op == "ne":
        return a != b
    if a is None or b is None:
        return False
    try:
        if op == "gt":
            return a > b
        if op == "ge":
            return a >= b
        if op == "lt":
            return a < b
        return a <= b
    except TypeError:
        return False
