"""One error family for everything a user can get wrong or meet in bad input.

Every message says what failed, where, and how to fix it; the command line prints
them without a traceback.
"""

from __future__ import annotations


class CorpusError(Exception):
    """Base of every error the corpus raises on purpose."""


class UsageError(CorpusError):
    """The caller asked for something that cannot be done (unknown id, bad option)."""


class StoreError(CorpusError):
    """The store cannot be opened or is not in the expected state."""


class SettingsMismatchError(StoreError):
    """The store was built with other fingerprint settings than the ones asked for."""


class StoreFailedError(StoreError):
    """SQLite failed on a store that opened: locked past the wait, a full disk, a damaged file.

    Unlike the other :class:`StoreError` cases the command was not asked for the wrong
    thing, so the command line exits 1, not 2.
    """


class SettingsError(CorpusError, ValueError):
    """Fingerprint settings that cannot work together (more bands × rows than permutations).

    Also a :class:`ValueError`, which is what a bad argument is in Python.
    """


class DecodeError(CorpusError):
    """The bytes of a source are not text in any encoding we can justify."""


class ReaderError(CorpusError):
    """No reader could turn a source into an extract, or the chosen reader failed."""


class ExtractError(ReaderError, TypeError):
    """A reader built an :class:`corpus.Extract` of the wrong shape (a paragraph that is not a str).

    Also a :class:`TypeError`, which is what a wrong argument type is in Python.
    """


class PluginError(CorpusError):
    """A plugin could not be loaded or registered something invalid."""
