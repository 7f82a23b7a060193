"""The controlled vocabulary of tags of the built-in banks (content/vocabulary/tags.yaml).

Plain data beside the banks, in a subfolder the bank loader never reads.
`bank lint` checks the built-in banks' tags against it, and an unknown
`--tag` is answered with the tags it most likely meant. Read on demand only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from quizcli.model import Text

VOCABULARY_FILE = Path("vocabulary") / "tags.yaml"


class Tag(NamedTuple):
    id: str
    means: Text
    aliases: tuple[str, ...] = ()


class Vocabulary(NamedTuple):
    tags: dict[str, Tag]

    def canonical(self, tag: str) -> str | None:
        """The vocabulary tag that `tag` is or spells differently (an alias, a plural, another separator)."""
        if tag in self.tags:
            return tag
        key = spelling_key(tag)
        for t in self.tags.values():
            if tag in t.aliases or spelling_key(t.id) == key:
                return t.id
        return None


def spelling_key(tag: str) -> str:
    """What two spellings of one tag share: case, separators and a plural ending dropped
    (`Activations` and `activation`, `weight_decay` and `weight-decay`)."""
    key = re.sub(r"[\s_\-./]+", "", tag.casefold())
    if len(key) < 4:
        return key
    if key.endswith("ies"):
        return key[:-3] + "y"
    if re.search(r"(ss|x|z|ch|sh)es$", key):
        return key[:-2]
    if key.endswith("s") and not re.search(r"(ss|us|is|as)$", key):
        return key[:-1]
    return key


def vocabulary_path() -> Path:
    from quizcli import paths

    return paths.builtin_content_dir() / VOCABULARY_FILE


def parse_vocabulary(data: Any) -> Vocabulary:
    if not isinstance(data, dict) or data.get("format_version") != 1:
        raise ValueError("format_version: expected 1")
    tags: dict[str, Tag] = {}
    for i, t in enumerate(data.get("tags") or []):
        if not isinstance(t, dict) or not isinstance(t.get("id"), str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", t["id"]):
            raise ValueError(f"tags[{i}].id: expected a lower-case tag")
        means = t.get("means")
        if not isinstance(means, dict) or not all(isinstance(means.get(k), str) for k in ("en", "zh")):
            raise ValueError(f"tags[{i}].means: expected {{en: ..., zh: ...}}")
        aliases = t.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ValueError(f"tags[{i}].aliases: expected a list of tags")
        if t["id"] in tags:
            raise ValueError(f"tags[{i}].id: `{t['id']}` is listed twice")
        tags[t["id"]] = Tag(t["id"], Text(means["en"], means["zh"]), tuple(aliases))
    return Vocabulary(tags)


def load_vocabulary(path: Path | None = None) -> Vocabulary | None:
    """The vocabulary, or None where the built-in content has none (a custom QUIZCLI_CONTENT)."""
    from quizcli.bank import yamlio

    path = path or vocabulary_path()
    return yamlio.load_data_file(path, parse_vocabulary, "see content/README.md, \"Tags\"")
