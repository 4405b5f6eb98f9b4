"""Language: Japanese source strings, English from ``posapp/resources/translations/posapp_en.ts``.

The ``.ts`` file is the one catalogue. A compiled ``.qm`` next to it is used when present (the
packaged build makes one with ``pyside6-lrelease``); otherwise the ``.ts`` XML is read directly, so
tests and a fresh checkout need no compile step. Installing or removing the translator makes Qt send
``LanguageChange`` to every widget, and the views re-label themselves live.

``make lupdate`` (``pyside6-lupdate``) keeps the ``.ts`` in step with the code. lupdate files a plain
``tr("…")`` call under the empty context, so that is the context used here, and it reads only literal
strings: text held in a dict or tuple and translated later is marked ``QT_TR_NOOP("…")`` where it is
written, and ``tr()`` is not called inside an f-string (lupdate does not look in them; concatenate).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QTranslator

from posapp.resources import RESOURCES

CONTEXT = ""  # the context pyside6-lupdate gives tr() and QT_TR_NOOP outside a Qt class
LANGUAGES = ("ja", "en")
TRANSLATIONS_DIR = RESOURCES / "translations"


def QT_TR_NOOP(text: str) -> str:
    """``text`` unchanged: marks a string kept in a dict or tuple for lupdate; ``tr()`` it when shown."""
    return text


def tr(text: str) -> str:
    """``text`` (Japanese) in the current language."""
    return QCoreApplication.translate(CONTEXT, text)


def read_ts(path: Path) -> dict[str, str]:
    """Source → translation pairs of one context of a Qt ``.ts`` file (unfinished ones left out)."""
    import xml.etree.ElementTree as ElementTree  # only when English is chosen and no .qm is built

    catalogue: dict[str, str] = {}
    root = ElementTree.parse(path).getroot()
    for context in root.iter("context"):
        if context.findtext("name") != CONTEXT:
            continue
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "obsolete"):
                continue
            if translation.text:
                catalogue[source] = translation.text
    return catalogue


class TsTranslator(QTranslator):
    """A translator answering from a ``.ts`` file read at start (no ``.qm`` needed)."""

    def __init__(self, catalogue: dict[str, str]) -> None:
        super().__init__()
        self.catalogue = catalogue

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,  # noqa: ARG002
        n: int = -1,  # noqa: ARG002 - QTranslator.translate's signature
    ) -> str:
        """The English of ``source_text``, or "" so Qt keeps the Japanese."""
        return self.catalogue.get(source_text, "") if context == CONTEXT else ""

    def isEmpty(self) -> bool:
        """Never empty once loaded."""
        return not self.catalogue


_installed: QTranslator | None = None
_language = "ja"


def current_language() -> str:
    """``ja`` or ``en``."""
    return _language


def load_translator(language: str) -> QTranslator | None:
    """The translator for ``language`` (``None`` for Japanese, the source language)."""
    if language == "ja":
        return None
    compiled = TRANSLATIONS_DIR / f"posapp_{language}.qm"
    source = TRANSLATIONS_DIR / f"posapp_{language}.ts"
    if compiled.exists() and (not source.exists() or compiled.stat().st_mtime >= source.stat().st_mtime):
        translator = QTranslator()
        if translator.load(str(compiled)):
            return translator
    return TsTranslator(read_ts(source)) if source.exists() else None


def set_language(language: str) -> None:
    """Switch the whole application to ``language``; open windows re-label themselves."""
    global _installed, _language
    if language not in LANGUAGES:
        language = "ja"
    app = QCoreApplication.instance()
    if app is None or (language == _language and (_installed is not None) == (language != "ja")):
        _language = language
        return
    if _installed is not None:
        QCoreApplication.removeTranslator(_installed)
        _installed = None
    translator = load_translator(language)
    if translator is not None:
        QCoreApplication.installTranslator(translator)
        _installed = translator
    _language = language


def is_language_change(event: QEvent) -> bool:
    """True for the event Qt sends every widget when a translator comes or goes."""
    return event.type() == QEvent.Type.LanguageChange
