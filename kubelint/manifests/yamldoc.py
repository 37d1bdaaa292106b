"""YAML documents as plain Python data that remembers where each value was written.

libyaml composes the node tree (fast, C); this module turns nodes into ``Mapping`` and
``Sequence`` (a dict and a list that keep their nodes) so that rules read ordinary data and
still report the exact line and column of any key or value.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kubelint.findings import Span

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_constructor = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = {
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
}
_DOCUMENT_START = re.compile(r"^---(?=\s|$)", re.MULTILINE)


def node_span(node: Node) -> Span:
    start, end = node.start_mark, node.end_mark
    if end.line > start.line and end.column == 0 and isinstance(node, ScalarNode):
        # A block scalar ends at the start of the next line; keep the region on its own lines.
        return Span(start.line + 1, start.column + 1, end.line, 10_000)
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class Mapping(dict[Any, Any]):
    """A YAML mapping: a dict whose keys and values know their positions."""

    __slots__ = ("key_nodes", "node", "value_nodes")

    def __init__(self, node: Node) -> None:
        super().__init__()
        self.node = node
        self.key_nodes: dict[Any, Node] = {}
        self.value_nodes: dict[Any, Node] = {}

    @property
    def span(self) -> Span:
        """Where the mapping starts: its first key, so that a report points at one line."""
        first = next(iter(self.key_nodes.values()), None)
        return node_span(first) if first is not None else node_span(self.node)

    def key_span(self, key: Any) -> Span:
        node = self.key_nodes.get(key)
        return node_span(node) if node is not None else self.span

    def value_span(self, key: Any) -> Span:
        node = self.value_nodes.get(key)
        return node_span(node) if node is not None else self.key_span(key)

    def entry_span(self, key: Any) -> Span:
        """From the key to the end of its value."""
        key_node, value_node = self.key_nodes.get(key), self.value_nodes.get(key)
        if key_node is None or value_node is None:
            return self.key_span(key)
        start, end = node_span(key_node), node_span(value_node)
        return Span(start.line, start.column, end.end_line, end.end_column)


class Sequence(list[Any]):
    """A YAML sequence: a list whose items know their positions."""

    __slots__ = ("item_nodes", "node")

    def __init__(self, node: Node) -> None:
        super().__init__()
        self.node = node
        self.item_nodes: list[Node] = []

    @property
    def span(self) -> Span:
        return node_span(self.node)

    def item_span(self, index: int) -> Span:
        if 0 <= index < len(self.item_nodes):
            return node_span(self.item_nodes[index])
        return self.span


def span_of(value: Any) -> Span | None:
    """The position of a Mapping or Sequence, None for plain scalars (ask their parent)."""
    if isinstance(value, Mapping | Sequence):
        return value.span
    return None


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A problem found while reading YAML, before any rule runs."""

    rule: str
    message: str
    span: Span


@dataclass(slots=True)
class YamlDocument:
    index: int
    root: Any
    span: Span


@dataclass(slots=True)
class YamlFile:
    path: str
    text: str
    documents: list[YamlDocument] = field(default_factory=list)
    problems: list[YamlProblem] = field(default_factory=list)


class _Builder:
    """Turns one composed node tree into Mapping/Sequence/scalars, noting duplicate keys."""

    def __init__(self, problems: list[YamlProblem]) -> None:
        self.problems = problems
        self.memo: dict[int, Any] = {}

    def build(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        cls = node.__class__
        known = self.memo.get(id(node))
        if known is not None:
            return known  # an alias: share the value instead of copying it
        if cls is MappingNode:
            return self.mapping(node)
        if cls is SequenceNode:
            sequence = Sequence(node)
            self.memo[id(node)] = sequence
            for item in node.value:
                sequence.item_nodes.append(item)
                sequence.append(self.build(item))
            return sequence
        return None

    @staticmethod
    def scalar(node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        construct = _SCALAR_CONSTRUCTORS.get(tag)
        if construct is None:
            return node.value  # timestamps, binary and custom tags stay text, as in JSON
        try:
            return construct(node)
        except (ValueError, yaml.YAMLError):
            return node.value

    def mapping(self, node: Node) -> Mapping:
        mapping = Mapping(node)
        self.memo[id(node)] = mapping
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self.key(key_node)
            if key in mapping.key_nodes:
                first = mapping.key_nodes[key].start_mark.line + 1
                self.problems.append(
                    YamlProblem(
                        "yaml-duplicate-key",
                        f'duplicate key "{key}" (first defined on line {first}); '
                        "Kubernetes rejects the object, keep one of them",
                        node_span(key_node),
                    )
                )
            mapping.key_nodes[key] = key_node
            mapping.value_nodes[key] = value_node
            mapping[key] = self.build(value_node)
        for merge in merges:
            self.merge_into(mapping, merge)
        return mapping

    def merge_into(self, mapping: Mapping, merge: Node) -> None:
        """YAML merge keys (<<): explicit keys win over merged ones."""
        sources = merge.value if isinstance(merge, SequenceNode) else [merge]
        for source in sources:
            value = self.build(source)
            if not isinstance(value, Mapping):
                continue
            for key, item in value.items():
                if key not in mapping:
                    mapping[key] = item
                    mapping.key_nodes[key] = value.key_nodes[key]
                    mapping.value_nodes[key] = value.value_nodes[key]

    def key(self, node: Node) -> Any:
        if node.__class__ is ScalarNode:
            key = self.scalar(node)
            return key if key is not None else "null"
        return f"<{node.__class__.__name__} key on line {node.start_mark.line + 1}>"


def _syntax_problem(error: yaml.YAMLError, line_offset: int) -> YamlProblem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 + line_offset if mark else 1 + line_offset
    column = mark.column + 1 if mark else 1
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"{context}, {problem}" if context and context not in problem else problem
    return YamlProblem("yaml-syntax", f"invalid YAML: {message}", Span.point(line, column))


def _compose(text: str, line_offset: int, yaml_file: YamlFile, first_index: int) -> yaml.YAMLError | None:
    builder = _Builder(yaml_file.problems)
    index = first_index
    try:
        for node in yaml.compose_all(text, Loader=_Loader):
            if node is None:
                continue
            root = builder.build(node)
            span = node_span(node)
            if line_offset:
                span = Span(span.line + line_offset, span.column, span.end_line + line_offset, span.end_column)
                _shift_lines(root, node, line_offset, set())
            yaml_file.documents.append(YamlDocument(index, root, span))
            index += 1
    except yaml.YAMLError as error:
        return error
    except RecursionError:
        return yaml.YAMLError("the document is nested too deeply to be a Kubernetes object")
    return None


def _shift_lines(value: Any, node: Node, offset: int, seen: set[int]) -> None:
    """Move the marks of a document parsed on its own back to its place in the whole file."""
    for mark_owner in _walk_nodes(node, seen):
        for attr in ("start_mark", "end_mark"):
            mark = getattr(mark_owner, attr)
            setattr(
                mark_owner,
                attr,
                yaml.Mark(mark.name, mark.index, mark.line + offset, mark.column, None, 0),
            )


def _walk_nodes(node: Node, seen: set[int]) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, MappingNode):
            for key, value in current.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


def read_yaml(text: str, path: str) -> YamlFile:
    """Read every document of a YAML stream; a broken document does not hide the others."""
    yaml_file = YamlFile(path, text)
    error = _compose(text, 0, yaml_file, 0)
    if error is None:
        return yaml_file
    # libyaml stops at the first error: read the stream again one document at a time.
    yaml_file.documents.clear()
    yaml_file.problems.clear()
    for line_offset, chunk in _split_documents(text):
        chunk_error = _compose(chunk, line_offset, yaml_file, len(yaml_file.documents))
        if chunk_error is not None:
            yaml_file.problems.append(_syntax_problem(chunk_error, line_offset))
    return yaml_file


def _split_documents(text: str) -> Iterator[tuple[int, str]]:
    starts = [match.start() for match in _DOCUMENT_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    for begin, end in itertools.pairwise(starts):
        yield text.count("\n", 0, begin), text[begin:end]
