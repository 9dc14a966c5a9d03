"""The atlas registry: every item the viewer can show, by id, grouped in layers,
with a search over names, Latin names and synonyms.

An item is a structure from the manifest (a bone, a muscle, the skin...) or,
once trigger maps are loaded, a trigger point or a referred-pain zone. The
registry holds names and grouping only; geometry belongs to the renderer.

Pure Python: no Qt, no VTK.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Iterator, Optional

from pathlib import Path

from .manifest import Kind, Manifest, ManifestError, Side, Structure, load_manifest
from .problems import Problem


class Layer(str, Enum):
    """The groups of the structure browser, in display order."""
    bones = "bones"
    muscles = "muscles"
    bursae_ligaments = "bursae_ligaments"
    nerves = "nerves"
    vessels = "vessels"
    organs = "organs"
    skin = "skin"
    trigger_points = "trigger_points"
    pain_zones = "pain_zones"

    @property
    def title(self) -> str:
        return LAYER_TITLES[self]


LAYER_TITLES = {
    Layer.bones: "Bones",
    Layer.muscles: "Muscles",
    Layer.bursae_ligaments: "Bursae and ligaments",
    Layer.nerves: "Nerves",
    Layer.vessels: "Vessels",
    Layer.organs: "Organs",
    Layer.skin: "Skin",
    Layer.trigger_points: "Trigger points",
    Layer.pain_zones: "Referred-pain zones",
}

LAYER_OF_KIND = {
    Kind.bone: Layer.bones,
    Kind.cartilage: Layer.bones,
    Kind.muscle: Layer.muscles,
    Kind.bursa: Layer.bursae_ligaments,
    Kind.ligament: Layer.bursae_ligaments,
    Kind.nerve: Layer.nerves,
    Kind.artery: Layer.vessels,
    Kind.vein: Layer.vessels,
    Kind.organ: Layer.organs,
    Kind.skin: Layer.skin,
}

# Layers the browser always lists, even while they are empty, so that users
# learn where trigger points and pain zones will appear.
ALWAYS_LISTED = (Layer.trigger_points, Layer.pain_zones)


@dataclass(frozen=True)
class AtlasItem:
    id: str
    name: str                      # display name without side
    layer: Layer
    side: Side
    kind: str                      # a manifest Kind value, "trigger_point" or "pain_zone"
    latin: str = ""
    synonyms: tuple[str, ...] = ()
    parent: Optional[str] = None   # e.g. the muscle a trigger point lies in

    @property
    def label(self) -> str:
        """Display name with its side, e.g. 'Psoas major (right)'."""
        return self.name if self.side is Side.midline else f"{self.name} ({self.side.value})"

    @property
    def pickable(self) -> bool:
        """Can a click in the 3D view select it? The skin would hide everything beneath."""
        return self.layer is not Layer.skin

    @classmethod
    def from_structure(cls, s: Structure) -> "AtlasItem":
        return cls(id=s.id, name=s.name, layer=LAYER_OF_KIND[s.kind], side=s.side,
                   kind=s.kind.value, latin=s.latin, synonyms=tuple(s.synonyms))


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: 'Músculus  ilio-psoas' -> 'musculus ilio psoas'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.split(r"[^0-9a-z]+", text)).strip()


class Atlas:
    """Items by id, in a stable order (the order they were given)."""

    def __init__(self, items: Iterable[AtlasItem] = ()):
        self._items: dict[str, AtlasItem] = {}
        for item in items:
            if item.id in self._items:
                raise ValueError(f"duplicate atlas id '{item.id}'")
            self._items[item.id] = item
        self._haystack = {i.id: self._words(i) for i in self._items.values()}

    @staticmethod
    def _words(item: AtlasItem) -> tuple[str, ...]:
        texts = [item.name, item.latin, *item.synonyms, item.id.replace("_", " ")]
        if item.side is not Side.midline:
            texts.append(item.side.value)
        return tuple(normalise(t) for t in texts if t)

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> "Atlas":
        return cls(AtlasItem.from_structure(s) for s in manifest.structures)

    def with_items(self, items: Iterable[AtlasItem]) -> "Atlas":
        """A new registry with these items added after the existing ones."""
        return Atlas([*self._items.values(), *items])

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def __getitem__(self, item_id: str) -> AtlasItem:
        return self._items[item_id]

    def get(self, item_id: str) -> Optional[AtlasItem]:
        return self._items.get(item_id)

    def __iter__(self) -> Iterator[AtlasItem]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def ids(self, layer: Optional[Layer] = None, side: Optional[Side] = None) -> list[str]:
        return [i.id for i in self._items.values()
                if (layer is None or i.layer is layer) and (side is None or i.side is side)]

    def layers(self) -> list[Layer]:
        """Layers to list: those with items plus the always-listed ones, in display order."""
        present = {i.layer for i in self._items.values()} | set(ALWAYS_LISTED)
        return [layer for layer in Layer if layer in present]

    def resolve(self, name: str) -> Optional[str]:
        """The id that `name` stands for: `name` itself, or, for a paired
        structure or trigger point named without its side ('iliacus',
        'tp_iliacus_fossa'), its right-side id, as the right side comes first
        everywhere in the atlas. None when it names nothing."""
        if name in self._items:
            return name
        right = f"{name}_right"
        return right if right in self._items else None

    def unknown_id_message(self, name: str) -> str:
        """Why `name` selects nothing, with up to three ids the user may have meant."""
        close = difflib.get_close_matches(name, list(self._items), n=3, cutoff=0.6) or self.search(name)[:3]
        # the right side first, as everywhere in the atlas
        bases = list(dict.fromkeys(_unsided(i) for i in close))
        close.sort(key=lambda i: (bases.index(_unsided(i)), i.endswith("_left")))
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"'{name}' is not an atlas id{hint}"

    def search(self, query: str) -> list[str]:
        """Ids whose name, Latin name, synonyms or side contain every word of the
        query (each as a word prefix or inside a word), best matches first:
        a name that starts with the query, then a Latin name or synonym that
        does, then items where every query word starts a word, then the rest;
        among equals, right and midline items before left ones."""
        words = normalise(query).split()
        if not words:
            return list(self._items)
        whole = " ".join(words)
        ranked = []
        for order, (item_id, texts) in enumerate(self._haystack.items()):
            joined = " | ".join(texts)
            if not all(w in joined for w in words):
                continue
            tokens = joined.split()
            if texts[0].startswith(whole):
                rank = 0
            elif any(t.startswith(whole) for t in texts[1:]):
                rank = 1
            elif all(any(tok.startswith(w) for tok in tokens) for w in words):
                rank = 2
            else:
                rank = 3
            # the right side comes first, as it does everywhere in the atlas
            ranked.append((rank, self._items[item_id].side is Side.left, order, item_id))
        return [entry[-1] for entry in sorted(ranked)]


def _unsided(item_id: str) -> str:
    """An id without its _right/_left suffix."""
    return re.sub(r"_(right|left)$", "", item_id)


MANIFEST_NAME = "atlas.json"


def load_atlas(meshes: Path) -> tuple[Optional[Manifest], Atlas, list[Problem]]:
    """Read `<meshes>/atlas.json`. Never raises for a bad file: a missing or
    broken manifest gives an empty atlas and a Problem that says why."""
    path = Path(meshes) / MANIFEST_NAME
    if not path.exists():
        return None, Atlas(), [Problem(str(path), "", "the atlas manifest is missing, so no "
                                       "structures can be shown (build it with `make atlas`)")]
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:
        prefix = str(path)
        problems = [Problem(prefix, "", line[len(prefix):].lstrip(": ") if line.startswith(prefix) else line)
                    for line in str(exc).splitlines()]
        return None, Atlas(), problems
    return manifest, Atlas.from_manifest(manifest), []


def trigger_items(maps) -> list[AtlasItem]:
    """Registry items for loaded trigger maps (`model.triggers.TriggerMaps`):
    each trigger point (parent: its first muscle) and each referred-pain zone."""
    items = []
    for p in maps.points.values():
        items.append(AtlasItem(id=p.id, name=p.name, layer=Layer.trigger_points, side=Side(p.side),
                               kind="trigger_point", parent=p.muscles[0] if p.muscles else None))
    for z in maps.zones.values():
        items.append(AtlasItem(id=z.id, name=z.name, layer=Layer.pain_zones, side=Side(z.side),
                               kind="pain_zone"))
    return items
