"""How the ESL channel renders a flow on one FreeSWITCH: TTS, audio, recordings, queues.

Read from the bindings file's environment (``[production.tts]``,
``[production.audio]``, ``[production.recordings]``, ``[production.telephony]``)
beside the logical names a flow uses, so one file says everything that differs
between the test rig and production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from dialscript.runtime.bindings import RuntimeBindings

__all__ = ["ChannelConfig", "QueueTarget", "queue_target"]

_WORD = re.compile(r"[A-Za-z0-9_.:/-]+\Z")
_QUEUE = re.compile(r"[A-Za-z0-9_.@+-]+\Z")


@dataclass(frozen=True, slots=True)
class QueueTarget:
    """A queue binding resolved to the FreeSWITCH application that serves it."""

    app: str  # "callcenter" | "fifo"
    name: str

    @property
    def arg(self) -> str:
        return f"{self.name} in" if self.app == "fifo" else self.name


def queue_target(binding: str) -> QueueTarget:
    """``fifo:name`` → mod_fifo, ``callcenter:name`` or a bare ``name@domain`` → mod_callcenter.

    >>> queue_target("general_support@cc-prod"), queue_target("fifo:support")
    (QueueTarget(app='callcenter', name='general_support@cc-prod'), QueueTarget(app='fifo', name='support'))
    """  # noqa: E501
    app, sep, name = binding.partition(":")
    if not sep:
        app, name = "callcenter", binding
    if app not in ("callcenter", "fifo") or not _QUEUE.match(name):
        raise ValueError(f"bad queue binding {binding!r} (want [fifo:|callcenter:]name)")
    return QueueTarget(app, name)


def _engine_voice(lang: str, spec: str) -> tuple[str, str]:
    """``"engine|voice"`` (a ``[env.voices]`` value) split; a bad one is a ValueError.

    >>> _engine_voice("ru", "tts_commandline|ru")
    ('tts_commandline', 'ru')
    """
    engine, sep, voice = spec.partition("|")
    if not sep or not engine or not voice:
        raise ValueError(f'voice for {lang!r} must be "engine|voice", not {spec!r}')
    return engine, voice


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """Per-environment rendering choices; defaults suit the vanilla FreeSWITCH config."""

    tts_engine: str = "flite"
    tts_voice: str = "slt"
    audio_base: str = ""  # prefix of `play` files on the FreeSWITCH host
    prompts: str = ""  # absolute folder of recorded prompts (`<recording id>.wav`); "": TTS only
    recordings: str = "/var/lib/freeswitch/recordings/dialscript"
    dialplan: str = "XML"
    context: str = "default"
    digit_timeout_ms: int = 3000  # between keys of a multi-key answer
    text_answer_seconds: int = 30  # a free-text question over the keypad is recorded
    voices: tuple[tuple[str, str, str], ...] = ()  # (language, engine, voice), `[env.voices]`
    no_input_ms: int = 0  # caps every question's wait for a first key (test rigs); 0: the flow's

    @property
    def languages_voiced(self) -> frozenset[str]:
        """Languages with a voice of their own in ``[env.voices]``."""
        return frozenset(lang for lang, _, _ in self.voices)

    def voice(self, lang: str | None) -> tuple[str, str]:
        """The TTS ``(engine, voice)`` for a language: its own voice, else the default one.

        >>> cfg = ChannelConfig(voices=(("ru", "tts_commandline", "ru"),))
        >>> cfg.voice("ru"), cfg.voice("en"), cfg.voice(None)
        (('tts_commandline', 'ru'), ('flite', 'slt'), ('flite', 'slt'))
        """
        for language, engine, voice in self.voices:
            if language == lang:
                return engine, voice
        return self.tts_engine, self.tts_voice

    def __post_init__(self) -> None:
        voiced = [part for _, engine, voice in self.voices for part in (engine, voice)]
        for value in (self.tts_engine, self.tts_voice, self.dialplan, self.context, *voiced):
            if not _WORD.match(value):
                raise ValueError(f"bad channel setting {value!r}")

    @classmethod
    def from_bindings(cls, bindings: RuntimeBindings) -> ChannelConfig:
        """The settings of ``bindings.env`` (missing ones keep their defaults)."""
        b, env = bindings.bindings, bindings.env
        found: dict[str, object] = {}
        for category, key, attr in (
            ("tts", "engine", "tts_engine"),
            ("tts", "voice", "tts_voice"),
            ("audio", "base", "audio_base"),
            ("audio", "prompts", "prompts"),
            ("recordings", "dir", "recordings"),
            ("telephony", "dialplan", "dialplan"),
            ("telephony", "context", "context"),
        ):
            value = b.lookup(env, category, key)
            if value is not None:
                found[attr] = str(value)
        for key in ("no_input_ms", "digit_timeout_ms"):
            value = b.lookup(env, "telephony", key)
            if value is not None:
                found[key] = int(str(value))
        voices = b.table(env, "voices")
        if voices:
            found["voices"] = tuple(
                (lang, *_engine_voice(lang, str(spec))) for lang, spec in sorted(voices.items())
            )
        return replace(cls(), **found)  # type: ignore[arg-type]

    def audio_path(self, audio: str) -> str:
        """Where FreeSWITCH finds a flow's ``play`` file (absolute paths are kept)."""
        if not self.audio_base or audio.startswith("/") or "://" in audio:
            return audio
        return str(PurePosixPath(self.audio_base) / audio)

    def prompt_path(self, prompt: str) -> str:
        """Where FreeSWITCH finds the recording of a prompt (its recording-book id)."""
        return str(PurePosixPath(self.prompts) / f"{prompt}.wav")

    def recording_path(self, call_uuid: str, reference: str) -> str:
        """``<recordings>/<call uuid>/<reference with / as _>.wav``."""
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", reference)
        return str(PurePosixPath(self.recordings) / call_uuid / f"{name}.wav")
