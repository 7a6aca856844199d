"""The recording book: every prompt per language with its fields, and the audio a voice
talent must record (each `play` file, each say/ask text per language, with an id)."""

from __future__ import annotations

from dataclasses import dataclass

from dialscript.graph.flowgraph import FlowGraph
from dialscript.graph.model import Node, Text
from dialscript.graph.prompts import recording_id
from dialscript.render.text import Segment, fields_of, segments

__all__ = ["BookView", "Recording", "build_book"]


@dataclass(frozen=True, slots=True)
class Recording:
    id: str  # file-name safe: flow-node-part-lang
    flow: str
    step: str
    kind: str  # say | ask | reprompt | hint-free prompt kinds | play
    lang: str
    segments: tuple[Segment, ...]
    fields: tuple[str, ...]  # placeholders: record around them or synthesise
    audio: str = ""  # for `play`: the file the flow plays


@dataclass(frozen=True, slots=True)
class LanguageBook:
    lang: str
    prompts: tuple[Recording, ...]


@dataclass(frozen=True, slots=True)
class BookView:
    name: str
    title: str
    languages: tuple[LanguageBook, ...]
    audio_files: tuple[Recording, ...]
    with_fields: int


def _texts(node: Node) -> list[tuple[str, Text]]:
    """(part, text) pairs spoken by the node: its prompt, then reprompts and checks."""
    match node.kind:
        case "say":
            return [("say", node.text)]
        case "ask":
            parts: list[tuple[str, Text]] = [("ask", node.text)] if node.text else []
            parts += [(f"reprompt{i}", r) for i, r in enumerate(node.reprompts, start=2)]
            parts += [(f"require{i}", c.text) for i, c in enumerate(node.requires, start=1)]
            parts += [(f"confirm{i}", c.text) for i, c in enumerate(node.confirms, start=1)]
            return parts
        case "record":
            return [("record", node.prompt)] if node.prompt else []
    return []


def _collect(graph: FlowGraph, seen: set[str]) -> tuple[list[Recording], list[Recording]]:
    spoken: list[Recording] = []
    audio: list[Recording] = []
    flow = graph.name
    if flow in seen:
        return spoken, audio
    seen.add(flow)
    for node in graph.model.nodes:
        if node.kind == "play":
            for lang, file in node.audio.items():
                audio.append(Recording(recording_id(flow, node.id, "play", lang), flow, node.step,
                                       "play", lang, (), (), file))  # fmt: skip
        for part, text in _texts(node):
            for lang, source in text.items():
                spoken.append(
                    Recording(recording_id(flow, node.id, part, lang), flow, node.step, part,
                              lang, segments(source), fields_of(source))
                )  # fmt: skip
    for sub in graph.subflows.values():
        more_spoken, more_audio = _collect(sub, seen)
        spoken += more_spoken
        audio += more_audio
    return spoken, audio


def build_book(graph: FlowGraph) -> BookView:
    """Prompts grouped by language (flow languages first) and the `play` files."""
    spoken, audio = _collect(graph, set())
    order = list(graph.model.languages) + sorted({r.lang for r in spoken} -
                                                 set(graph.model.languages))  # fmt: skip
    languages = tuple(
        LanguageBook(lang, tuple(r for r in spoken if r.lang == lang)) for lang in order
    )
    return BookView(
        name=graph.name,
        title=graph.model.title or graph.name,
        languages=languages,
        audio_files=tuple(audio),
        with_fields=sum(1 for r in spoken if r.fields),
    )
