"""One strict YAML loader for the course's data files (question banks, the clinical data layer).

``yaml.safe_load`` keeps the last of two equal keys silently; a bank or fact written twice would then lose
half of itself. :class:`StrictLoader` rejects a key written twice in one mapping, naming both lines.
"""

from __future__ import annotations

from typing import Any

import yaml


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A key appears twice in one mapping."""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(
                    None,
                    None,
                    f"key {key!r} appears twice in one mapping (first on line {seen[key].start_mark.line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping
