"""A calculator's input or assumption may cite a customer story (`cites: {story, says}`), so
the page can show "A logistics software company went from 14 to 2 hours a week" with a link
to the evidence. `buyerkit check` holds each citation to its story: the story must exist, and
every figure the citation states must be one of the story's sourced figures (its numbers'
before and after, its time to value), written the page language's way.
docs/customer-stories.md, "A calculator number that cites a story".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from buyerkit.content.calculators import Compiled
from buyerkit.content.figures import Figure, figures
from buyerkit.content.loading import Loc, Source, load_yaml
from buyerkit.content.schema.calculator import Cites
from buyerkit.content.schema.reference import Reference
from buyerkit.content.translations import TRANSLATION
from buyerkit.errors import ContentProblem


def stated(ref: Reference) -> list[str]:
    """The texts in which a story states its sourced figures: its time to value and each
    number's before and after ("3 weeks", "14", "2", "±18%")."""
    m = ref.meta
    texts = [m.time_to_value.value, *(t for n in m.numbers for t in (n.before, n.after))]
    return list(dict.fromkeys(texts))


def cite_problem(cites: Cites, refs: Mapping[str, Reference], lang: str,
                 story_lang: str) -> tuple[str, str] | None:
    """(field, message) when `cites` names no story or a figure its story does not state
    (`lang`: how `says` writes numbers; `story_lang`: how the stories write them)."""
    ref = refs.get(cites.story)
    if ref is None:
        known = ", ".join(sorted(refs)) or "none: add one under content/references/"
        return "story", (f"cites.story: '{cites.story}' is not a customer story: use one of "
                         f"{known}")
    own = stated(ref)
    values: set[Figure] = {f for t in own for f, _ in figures(t, story_lang)}
    for fig, written in figures(cites.says, lang):
        if fig not in values:
            return "says", (f"cites.says: '{written}' is not a figure the story "
                            f"'{cites.story}' states: use only its figures ({', '.join(own)})")
    return None


def _cited(data: object, source: object = None) -> Iterable[tuple[Loc, Cites]]:
    """Each (location, citation) in a calculator's raw data, inputs then assumptions; a
    translation's citation takes its story from `source` (the story is not translated)."""
    for group in ("inputs", "assumptions"):
        items = data.get(group) if isinstance(data, Mapping) else None
        origin = source.get(group) if isinstance(source, Mapping) else None
        for i, item in enumerate(items if isinstance(items, list) else ()):
            raw = item.get("cites") if isinstance(item, Mapping) else None
            if not isinstance(raw, Mapping):
                continue
            story = raw.get("story")
            if story is None and isinstance(origin, list) and i < len(origin) \
                    and isinstance(origin[i], Mapping) and isinstance(origin[i].get("cites"),
                                                                      Mapping):
                story = origin[i]["cites"].get("story")
                if not isinstance(raw.get("says"), str):
                    continue
            says = raw.get("says")
            if isinstance(story, str) and isinstance(says, str):
                yield (group, i, "cites"), Cites.model_construct(story=story, says=says)


def _at(data: object, loc: Loc) -> Mapping:
    """The mapping at `loc` in raw data (empty when there is none)."""
    for part in loc:
        data = data[part] if isinstance(data, Mapping | list) else None  # type: ignore[index]
    return data if isinstance(data, Mapping) else {}


def check_citations(root: Path, calculators: Mapping[str, Compiled],
                    refs: Mapping[str, Reference], problems: list[ContentProblem],
                    default: str = "en", languages: Iterable[str] = ()) -> None:
    """A located problem for every citation of an unknown story or of a figure the story
    does not state, in each calculator and its translations into the site's `languages`."""
    folder = root / "calculators"
    for slug in calculators:
        origin: object = None
        for path in [folder / f"{slug}.yaml", *sorted(folder.glob(f"{slug}.*.yaml"))]:
            m = TRANSLATION.match(path.name)
            if origin is not None and (m is None or m.group("stem") != slug
                                       or m.group("lang") not in languages):
                continue
            before = len(problems)
            src: Source = load_yaml(path, problems)
            del problems[before:]  # a broken file is reported where it is loaded or merged
            for loc, cites in _cited(src.data, origin):
                why = cite_problem(cites, refs, m.group("lang") if origin is not None
                                   and m else default, default)
                # a story the translation takes from its source is reported at the source
                if why and not (why[0] == "story" and origin is not None
                                and "story" not in _at(src.data, loc)):
                    problems.append(src.problem((*loc, why[0]), why[1]))
            if origin is None:
                origin = src.data if src.data is not None else {}
