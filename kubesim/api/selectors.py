"""Label and field selectors, parsed and matched the way the Kubernetes API server does.

Label selectors (``app=web,tier!=db,env in (a,b),!legacy,release notin (x),key,replicas>2``) follow the
apiserver's grammar and error messages; ``label_selector_from_object`` reads the ``matchLabels`` /
``matchExpressions`` form that workload specs carry.

Field selectors (``metadata.name=x,status.phase!=Running``) are parsed without knowing the resource; the
list and watch handlers then call ``FieldSelector.for_resource`` to reject the fields a resource does not
support (with that resource's own message) and to map the aliases some resources accept (``spec.host``).
``FieldSelector.matches`` reads a field from a JSON object as the server's field sets present it: booleans
and numbers as text, a missing field as its zero value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kubesim.api.goformat import go_quote, go_string_slice

# -- errors ------------------------------------------------------------------------------------------------


class SelectorError(ValueError):
    """A selector the API server would refuse with 400 Bad Request; the message is the server's."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _go_string_slice(values: Sequence[str]) -> str:
    """Go's %#v of a []string built by appending to nil, as field errors print a bad value list."""
    return go_string_slice(values) if values else "[]string(nil)"


def _invalid(path: str, value: str, details: list[str]) -> str:
    """A field.Invalid error as Go prints it (a selector parsed without a path prints "<nil>")."""
    return f"{path}: Invalid value: {value}: {'; '.join(details)}"


def _aggregate(messages: list[str]) -> str:
    """utilerrors.Aggregate: one message alone, several in brackets, duplicates dropped."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


# -- label keys and values ---------------------------------------------------------------------------------

_NAME_FORMAT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_NAME = re.compile(f"^{_NAME_FORMAT}$")
_NAME_MESSAGE = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
)
_VALUE_FORMAT = f"({_NAME_FORMAT})?"
_VALUE = re.compile(f"^{_VALUE_FORMAT}$")
_VALUE_MESSAGE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS_LABEL_FORMAT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN_FORMAT = _DNS_LABEL_FORMAT + "(\\." + _DNS_LABEL_FORMAT + ")*"
_DNS_SUBDOMAIN = re.compile(f"^{_DNS_SUBDOMAIN_FORMAT}$")
_DNS_SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_MAX_NAME_BYTES = 63
_MAX_SUBDOMAIN_BYTES = 253


def _regex_message(message: str, pattern: str, *examples: str) -> str:
    shown = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {shown}regex used for validation is '{pattern}')"


def _too_long(limit: int) -> str:
    return f"must be no more than {limit} bytes"


def label_key_errors(key: str) -> list[str]:
    """Why ``key`` is not a label key (an optional DNS-subdomain prefix and '/', then a name), or []."""
    errors: list[str] = []
    parts = key.split("/")
    name_examples = ("MyName", "my.name", "123-abc")
    if len(parts) > 2:
        return [
            "a valid label key "
            + _regex_message(_NAME_MESSAGE, _NAME_FORMAT, *name_examples)
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    name = parts[-1]
    if len(parts) == 2:
        errors.extend("prefix part " + error for error in _prefix_errors(parts[0]))
    if not name:
        errors.append("name part must be non-empty")
    elif len(name.encode()) > _MAX_NAME_BYTES:
        errors.append("name part " + _too_long(_MAX_NAME_BYTES))
    if not _NAME.match(name):
        errors.append("name part " + _regex_message(_NAME_MESSAGE, _NAME_FORMAT, *name_examples))
    return errors


def _prefix_errors(prefix: str) -> list[str]:
    if not prefix:
        return ["must be non-empty"]
    errors = [_too_long(_MAX_SUBDOMAIN_BYTES)] if len(prefix.encode()) > _MAX_SUBDOMAIN_BYTES else []
    if not _DNS_SUBDOMAIN.match(prefix):
        errors.append(_regex_message(_DNS_SUBDOMAIN_MESSAGE, _DNS_SUBDOMAIN_FORMAT, "example.com"))
    return errors


def label_value_errors(value: str) -> list[str]:
    """Why ``value`` is not a label value (empty, or at most 63 name characters), or []."""
    errors = [_too_long(_MAX_NAME_BYTES)] if len(value.encode()) > _MAX_NAME_BYTES else []
    if not _VALUE.match(value):
        errors.append(_regex_message(_VALUE_MESSAGE, _VALUE_FORMAT, "MyValue", "my_value", "12345"))
    return errors


# -- label selectors ---------------------------------------------------------------------------------------

IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS = "in", "notin", "=", "==", "!="
EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN = "exists", "!", "gt", "lt"
_BINARY_OPERATORS = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)
_OPERATORS = frozenset({*_BINARY_OPERATORS, EXISTS, DOES_NOT_EXIST})
_INT64 = re.compile(r"^[+-]?\d+$")
_INT64_RANGE = range(-(2**63), 2**63)


def _as_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None where it fails."""
    if not _INT64.match(text) or int(text) not in _INT64_RANGE:
        return None
    return int(text)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One condition of a label selector: key, operator (in, notin, =, ==, !=, exists, !, gt, lt), values."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, Any]) -> bool:
        present = self.key in labels
        value = str(labels[self.key]) if present else ""
        if self.operator in (IN, EQUALS, DOUBLE_EQUALS):
            return present and value in self.values
        if self.operator in (NOT_IN, NOT_EQUALS):
            return not present or value not in self.values
        if self.operator == EXISTS:
            return present
        if self.operator == DOES_NOT_EXIST:
            return not present
        return present and self._compares(value)

    def _compares(self, value: str) -> bool:
        actual = _as_int64(value)
        bound = _as_int64(self.values[0]) if len(self.values) == 1 else None
        if actual is None or bound is None:
            return False
        return actual > bound if self.operator == GREATER_THAN else actual < bound

    def __str__(self) -> str:
        if self.operator == EXISTS:
            return self.key
        if self.operator == DOES_NOT_EXIST:
            return "!" + self.key
        values = ",".join(sorted(self.values))
        if self.operator in (IN, NOT_IN):
            return f"{self.key} {self.operator} ({values})"
        symbol = {GREATER_THAN: ">", LESS_THAN: "<"}.get(self.operator, self.operator)
        return f"{self.key}{symbol}{values}"


def new_requirement(key: str, operator: str, values: Sequence[str]) -> Requirement:
    """labels.NewRequirement: check the key, the number of values the operator takes, and every value."""
    if operator not in _OPERATORS:
        raise ValueError(f"{operator!r} is not a label selector operator")
    errors: list[str] = []
    if key_errors := label_key_errors(key):
        errors.append(_invalid("key", go_quote(key), key_errors))
    errors.extend(_operator_errors(operator, values))
    for index, value in enumerate(values):
        if value_errors := label_value_errors(value):
            errors.append(_invalid(f"values[{index}][{key}]", go_quote(value), value_errors))
    if errors:
        raise SelectorError(_aggregate(errors))
    return Requirement(key, operator, tuple(values))


def _operator_errors(operator: str, values: Sequence[str]) -> list[str]:
    """What is wrong with the number (or, for gt and lt, the form) of the values an operator is given."""
    shown = _go_string_slice(values)
    if operator in (IN, NOT_IN):
        return [] if values else [_invalid("values", shown, ["for 'in', 'notin' operators, values set can't be empty"])]
    if operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS):
        one = len(values) == 1
        return [] if one else [_invalid("values", shown, ["exact-match compatibility requires one single value"])]
    if operator in (EXISTS, DOES_NOT_EXIST):
        none = not values
        return [] if none else [_invalid("values", shown, ["values set must be empty for exists and does not exist"])]
    errors = []
    if len(values) != 1:
        errors.append(_invalid("values", shown, ["for 'Gt', 'Lt' operators, exactly one value is required"]))
    for index, value in enumerate(values):
        if _as_int64(value) is None:
            message = "for 'Gt', 'Lt' operators, the value must be an integer"
            errors.append(_invalid(f"values[{index}]", go_quote(value), [message]))
    return errors


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """Requirements that must all hold; ``selects_nothing`` is the selector of a missing (null) selector."""

    requirements: tuple[Requirement, ...] = ()
    selects_nothing: bool = False

    @property
    def empty(self) -> bool:
        """True when the selector selects everything."""
        return not self.requirements and not self.selects_nothing

    def matches(self, labels: Mapping[str, Any] | None) -> bool:
        if self.selects_nothing:
            return False
        present = labels or {}
        return all(requirement.matches(present) for requirement in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


def _sorted_by_key(requirements: list[Requirement]) -> tuple[Requirement, ...]:
    return tuple(sorted(requirements, key=lambda requirement: requirement.key))


def parse_label_selector(text: str) -> LabelSelector:
    """Parse a label selector string as the ``labelSelector`` query parameter carries it."""
    return LabelSelector(_sorted_by_key(_LabelParser(text).parse()))


def label_selector_from_object(selector: Mapping[str, Any] | None) -> LabelSelector:
    """metav1.LabelSelectorAsSelector: a null selector selects nothing, an empty one everything."""
    if selector is None:
        return LabelSelector(selects_nothing=True)
    requirements = [
        new_requirement(key, EQUALS, [str(value)]) for key, value in (selector.get("matchLabels") or {}).items()
    ]
    for expression in selector.get("matchExpressions") or []:
        operator = _EXPRESSION_OPERATORS.get(expression.get("operator", ""))
        if operator is None:
            raise SelectorError(
                f"{go_quote(str(expression.get('operator', '')))} is not a valid label selector operator"
            )
        values = [str(value) for value in expression.get("values") or []]
        requirements.append(new_requirement(str(expression.get("key", "")), operator, values))
    return LabelSelector(_sorted_by_key(requirements))


_EXPRESSION_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}

# Tokens of the label selector language.
_END, _CLOSE, _COMMA, _NOT, _DOUBLE_EQ, _EQ, _GT, _IDENT, _IN, _LT, _NOT_EQ, _NOT_IN, _OPEN = range(13)
_SYMBOLS = {
    ")": _CLOSE,
    ",": _COMMA,
    "!": _NOT,
    "==": _DOUBLE_EQ,
    "=": _EQ,
    ">": _GT,
    "<": _LT,
    "!=": _NOT_EQ,
    "(": _OPEN,
}
_KEYWORDS = {"in": _IN, "notin": _NOT_IN}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_TOKEN_OPERATORS = {
    _IN: IN,
    _EQ: EQUALS,
    _DOUBLE_EQ: DOUBLE_EQUALS,
    _GT: GREATER_THAN,
    _LT: LESS_THAN,
    _NOT_IN: NOT_IN,
    _NOT_EQ: NOT_EQUALS,
}


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """Split a selector into (token, literal) pairs, ending with (_END, "")."""
    position = 0
    while True:
        while position < len(text) and text[position] in _WHITESPACE:
            position += 1
        if position == len(text):
            yield _END, ""
            return
        if text[position] in _SPECIAL:
            literal = text[position]
            # Operators grow while the longer text is still an operator ("!" then "!=").
            while position + len(literal) < len(text) and literal + text[position + len(literal)] in _SYMBOLS:
                literal += text[position + len(literal)]
            position += len(literal)
            yield _SYMBOLS[literal], literal
        else:
            start = position
            while position < len(text) and text[position] not in _SPECIAL and text[position] not in _WHITESPACE:
                position += 1
            literal = text[start:position]
            yield _KEYWORDS.get(literal, _IDENT), literal


class _LabelParser:
    """The apiserver's recursive-descent parser for label selectors, with its messages."""

    def __init__(self, text: str) -> None:
        self.items = list(_tokens(text))
        self.position = 0

    def peek(self, as_values: bool = True) -> tuple[int, str]:
        return self._as_read(self.items[self.position], as_values)

    def take(self, as_values: bool = True) -> tuple[int, str]:
        self.position += 1
        return self._as_read(self.items[self.position - 1], as_values)

    @staticmethod
    def _as_read(item: tuple[int, str], as_values: bool) -> tuple[int, str]:
        # Where a value may stand, "in" and "notin" are plain words (``key in (in, notin)``).
        token, literal = item
        return (_IDENT, literal) if as_values and token in (_IN, _NOT_IN) else (token, literal)

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            token, literal = self.peek()
            if token == _END:
                return requirements
            if token not in (_IDENT, _NOT):
                raise SelectorError(f"found '{literal}', expected: !, identifier, or 'end of string'")
            try:
                requirements.append(self.requirement())
            except SelectorError as error:
                raise SelectorError(f"unable to parse requirement: {error.message}") from None
            token, literal = self.take()
            if token == _END:
                return requirements
            if token != _COMMA:
                raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
            token, literal = self.peek()
            if token not in (_IDENT, _NOT):
                raise SelectorError(f"found '{literal}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        key, unary = self.key_and_unary_operator()
        if unary is not None:
            return new_requirement(key, unary, [])
        operator = self.operator()
        values = self.value_set() if operator in (IN, NOT_IN) else self.exact_value()
        return new_requirement(key, operator, sorted(values))

    def key_and_unary_operator(self) -> tuple[str, str | None]:
        token, literal = self.take()
        negated = token == _NOT
        if negated:
            token, literal = self.take()
        if token != _IDENT:
            raise SelectorError(f"found '{literal}', expected: identifier")
        if key_errors := label_key_errors(literal):
            # The parser checks the key before building the requirement, with no field path: Go prints "<nil>".
            raise SelectorError(_invalid("<nil>", go_quote(literal), key_errors))
        if negated:
            return literal, DOES_NOT_EXIST
        return literal, EXISTS if self.peek()[0] in (_END, _COMMA) else None

    def operator(self) -> str:
        token, literal = self.take(as_values=False)
        if token not in _TOKEN_OPERATORS:
            raise SelectorError(f"found '{literal}', expected: {', '.join(_BINARY_OPERATORS)}")
        return _TOKEN_OPERATORS[token]

    def value_set(self) -> set[str]:
        token, literal = self.take()
        if token != _OPEN:
            raise SelectorError(f"found '{literal}' expected: '('")
        token, literal = self.peek()
        if token == _CLOSE:  # "()" holds the empty value
            self.take()
            return {""}
        if token not in (_IDENT, _COMMA):
            raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")
        values = self.value_list()
        if self.take()[0] != _CLOSE:
            # The server names the token seen before the list here, not the one it stopped at.
            raise SelectorError(f"found '{literal}', expected: ')'")
        return values

    def value_list(self) -> set[str]:
        """Comma-separated values, where a missing value between commas is the empty value."""
        values: set[str] = set()
        while True:
            token, literal = self.take()
            if token == _IDENT:
                values.add(literal)
                following, following_literal = self.peek()
                if following == _CLOSE:
                    return values
                if following != _COMMA:
                    raise SelectorError(f"found '{following_literal}', expected: ',' or ')'")
            elif token == _COMMA:
                following = self.peek()[0]
                if not values or following in (_CLOSE, _COMMA):
                    values.add("")
                if following == _CLOSE:
                    return values
            else:
                raise SelectorError(f"found '{literal}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.peek()[0] in (_END, _COMMA):
            return {""}
        token, literal = self.take()
        if token != _IDENT:
            raise SelectorError(f"found '{literal}', expected: identifier")
        return {literal}


# -- field selectors ---------------------------------------------------------------------------------------

_FIELD_OPERATORS = ("!=", "==", "=")
METADATA_FIELDS = frozenset({"metadata.name", "metadata.namespace"})

# The fields each resource accepts beyond the default pair, as its field label conversion lists them (a resource
# missing here accepts only metadata.name and metadata.namespace). Where the list leaves out metadata.namespace
# the server refuses it too, even for the namespaced pod certificate requests.
SUPPORTED_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    ("", "pods"): METADATA_FIELDS
    | {
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.podIPs",
        "status.nominatedNodeName",
        "spec.host",
    },
    ("", "nodes"): frozenset({"metadata.name", "spec.unschedulable"}),
    ("", "replicationcontrollers"): METADATA_FIELDS | {"status.replicas"},
    ("", "events"): METADATA_FIELDS
    | {
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    },
    ("", "namespaces"): frozenset({"metadata.name", "status.phase"}),
    ("", "secrets"): METADATA_FIELDS | {"type"},
    ("", "services"): METADATA_FIELDS | {"spec.clusterIP", "spec.type"},
    ("batch", "jobs"): METADATA_FIELDS | {"status.successful"},
    ("certificates.k8s.io", "certificatesigningrequests"): frozenset({"metadata.name", "spec.signerName"}),
    ("certificates.k8s.io", "clustertrustbundles"): frozenset({"metadata.name", "spec.signerName"}),
    ("certificates.k8s.io", "podcertificaterequests"): frozenset(
        {"metadata.name", "spec.signerName", "spec.podName", "spec.nodeName"}
    ),
    ("events.k8s.io", "events"): METADATA_FIELDS
    | {
        "regarding.kind",
        "regarding.namespace",
        "regarding.name",
        "regarding.uid",
        "regarding.apiVersion",
        "regarding.resourceVersion",
        "regarding.fieldPath",
        "reason",
        "reportingController",
        "source",
        "type",
    },
}

# Names a resource accepts for a field its objects expose under another name: old clients send spec.host, and
# events.k8s.io selects on the core event's fields (the two APIs share one storage).
_REFERENCE_FIELDS = ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
_FIELD_ALIASES: dict[tuple[str, str], dict[str, str]] = {
    ("", "pods"): {"spec.host": "spec.nodeName"},
    ("events.k8s.io", "events"): {
        "reportingController": "reportingComponent",
        **{f"regarding.{name}": f"involvedObject.{name}" for name in _REFERENCE_FIELDS},
    },
}
_DEFAULT_REFUSAL = '{label} is not a known field selector: only "metadata.name", "metadata.namespace"'
_REFUSALS = {("batch", "jobs"): "field label {label} not supported for Job"}


def supported_fields(group: str, plural: str) -> frozenset[str]:
    """The field labels a resource's list and watch accept."""
    return SUPPORTED_FIELDS.get((group, plural), METADATA_FIELDS)


def _refusal(group: str, plural: str, label: str) -> str:
    if (group, plural) in _REFUSALS:
        return _REFUSALS[group, plural].format(label=go_quote(label))
    if (group, plural) in SUPPORTED_FIELDS:
        return f"field label not supported: {label}"
    return _DEFAULT_REFUSAL.format(label=go_quote(label))


@dataclass(frozen=True, slots=True)
class FieldRequirement:
    field: str
    operator: str  # "=", "==" or "!="
    value: str

    def matches(self, obj: Mapping[str, Any]) -> bool:
        equal = field_value(obj, self.field) == self.value
        return not equal if self.operator == "!=" else equal

    def __str__(self) -> str:
        return f"{self.field}{'!=' if self.operator == '!=' else '='}{self.value}"


@dataclass(frozen=True, slots=True)
class FieldSelector:
    requirements: tuple[FieldRequirement, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return all(requirement.matches(obj) for requirement in self.requirements)

    def for_resource(self, group: str, plural: str) -> FieldSelector:
        """Check every field against what the resource supports (raising the server's message for the first
        one it does not, in the selector's sorted order) and rename the aliases it accepts."""
        allowed = supported_fields(group, plural)
        aliases = _FIELD_ALIASES.get((group, plural), {})
        converted = []
        for requirement in self.requirements:
            if requirement.field not in allowed:
                raise SelectorError(_refusal(group, plural, requirement.field))
            converted.append(replace(requirement, field=aliases.get(requirement.field, requirement.field)))
        return FieldSelector(tuple(converted))

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


def parse_field_selector(text: str) -> FieldSelector:
    """Parse a field selector string: comma-separated ``field=value``, ``field==value`` or ``field!=value``
    terms, where a value may escape ``\\``, ``,`` and ``=`` with a backslash."""
    requirements = []
    for term in sorted(_split_terms(text)):
        if not term:
            continue
        field, operator, raw_value = _split_term(term)
        if not operator:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{term}'")
        requirements.append(FieldRequirement(field, operator, _unescape(raw_value)))
    return FieldSelector(tuple(requirements))


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not escaped, keeping the escapes for ``_unescape``."""
    if not text:
        return []
    terms, start, escaped = [], 0, False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            terms.append(text[start:index])
            start = index + 1
    terms.append(text[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str]:
    """The field, operator and raw value of a term; the field cannot escape, so the first operator splits."""
    for index in range(len(term)):
        for operator in _FIELD_OPERATORS:
            if term.startswith(operator, index):
                return term[:index], operator, term[index + len(operator) :]
    return term, "", ""


def _unescape(raw: str) -> str:
    value, escaped = [], False
    for char in raw:
        if escaped:
            if char not in "\\,=":
                raise SelectorError(f"invalid field selector: invalid escape sequence: \\{char}")
            value.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ",=":
            # Go prints the offending rune with %v, that is as its number.
            raise SelectorError(f"invalid field selector: unescaped character in value: {ord(char)}")
        else:
            value.append(char)
    if escaped:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(value)


# -- reading fields from objects ---------------------------------------------------------------------------

# What a field reads when the object leaves it out: the zero value of its Go type, as text.
_ZERO_VALUES = {
    "spec.hostNetwork": "false",
    "spec.unschedulable": "false",
    "status.replicas": "0",
    "status.successful": "0",
}


def field_value(obj: Mapping[str, Any], field: str) -> str:
    """A selectable field of an object as the server's field set holds it."""
    if field == "status.podIP":
        return _pod_ip(obj)
    if field == "status.successful":
        return _text(_lookup(obj, "status.succeeded"), "0")
    if field == "status.podIPs":  # accepted, but not part of the pod's field set
        return ""
    if field == "source":
        component = _lookup(obj, "source.component") or _lookup(obj, "deprecatedSource.component")
        return _text(component or _reporting_controller(obj), "")
    if field == "reportingComponent":
        return _text(_reporting_controller(obj), "")
    if field.startswith("involvedObject.") and _lookup(obj, "involvedObject") is None:
        # An event written through events.k8s.io names its object "regarding".
        field = "regarding." + field.removeprefix("involvedObject.")
    return _text(_lookup(obj, field), _ZERO_VALUES.get(field, ""))


def _pod_ip(obj: Mapping[str, Any]) -> str:
    pod_ips = _lookup(obj, "status.podIPs") or []
    if pod_ips and isinstance(pod_ips[0], Mapping):
        return _text(pod_ips[0].get("ip"), "")
    return _text(_lookup(obj, "status.podIP"), "")


def _reporting_controller(obj: Mapping[str, Any]) -> Any:
    return _lookup(obj, "reportingComponent") or _lookup(obj, "reportingController")


def _lookup(obj: Mapping[str, Any], path: str) -> Any:
    current: Any = obj
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def _text(value: Any, zero: str) -> str:
    if value is None:
        return zero
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
