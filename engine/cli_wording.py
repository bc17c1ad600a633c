"""The words typer itself prints, in Bahasa Indonesia: help panels, the usage line, usage errors.

typer 0.29 carries its own copy of click whose messages are English f-strings with no message
catalogue, so there is nothing to translate through gettext. Its extension points are used
instead: the panel titles are ``typer.rich_utils`` settings (set when help or an error is shown),
and ``IkuGroup``/``IkuCommand`` (the ``cls`` of every group and command) write the usage line,
word the help option and print usage errors themselves. A usage error still exits with 2 (data contract); a message this module does
not know is shown as typer wrote it rather than hidden.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType
from typing import Any, NoReturn

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from typer import Abort
from typer._click.exceptions import BadParameter, MissingParameter, NoArgsIsHelpError, NoSuchOption, UsageError
from typer.core import TyperCommand, TyperGroup
from engine.terminal import SafeConsole

USAGE_PREFIX = "Pemakaian: "
HELP_TEXT = "Tampilkan bantuan ini lalu keluar."


def _rich_utils() -> ModuleType:
    """typer's help and error layout, with its titles and labels in Indonesian. Loaded only when help
    or an error is shown: it brings rich's Markdown and its parser (≈ 0.1 s), which a command that
    just runs, such as ``iku explain --run``, never needs."""
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "Argumen"
    rich_utils.OPTIONS_PANEL_TITLE = "Opsi"
    rich_utils.COMMANDS_PANEL_TITLE = "Perintah"
    rich_utils.ERRORS_PANEL_TITLE = "Galat"
    rich_utils.REQUIRED_LONG_STRING = "[wajib]"
    rich_utils.DEFAULT_STRING = "[bawaan: {}]"
    rich_utils.ENVVAR_STRING = "[variabel lingkungan: {}]"
    rich_utils.DEPRECATED_STRING = "(usang) "
    rich_utils.ABORTED_TEXT = "Dibatalkan."
    return rich_utils


# Messages click and pydantic write as text only: English pattern → Indonesian wording.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), wording) for pattern, wording in (
    (r"^No such command '(?P<a>.*)'\.(?: Did you mean '(?P<b>.*)'\?)?$", "perintah '{a}' tidak dikenal"),
    (r"^Missing command\.$", "perintah belum diberikan"),
    (r"^Got unexpected extra arguments?(?:\(s\))? \((?P<a>.*)\)$", "argumen berlebih: {a}"),
    (r"^Option '(?P<a>.*)' requires an argument\.$", "opsi '{a}' memerlukan nilai"),
    (r"^Option '(?P<a>.*)' does not take a value\.$", "opsi '{a}' tidak menerima nilai"),
    (r"^Input should be a valid integer.*$", "harus bilangan bulat"),
    (r"^Input should be a valid number.*$", "harus bilangan"),
    (r"^Input should be greater than or equal to (?P<a>\S+)$", "harus sedikitnya {a}"),
    (r"^Input should be less than or equal to (?P<a>\S+)$", "paling banyak {a}"),
))
_SUGGESTION = re.compile(r"Did you mean '(?P<b>[^']*)'\?")


def indonesian(message: str) -> str:
    """A click or pydantic message in Indonesian, or the message itself when it is not a known one."""
    for pattern, wording in _MESSAGES:
        match = pattern.match(message)
        if match:
            text = wording.format(**match.groupdict())
            suggested = _SUGGESTION.search(message)
            return f"{text}; mungkin maksud Anda '{suggested['b']}'" if suggested else text
    return message


def usage_error_text(error: UsageError) -> str:
    """What went wrong with the command line, in Indonesian."""
    if isinstance(error, MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "parameter")
        return f"{_KINDS.get(kind, kind)} {_hint(error)} wajib diisi".replace("  ", " ")
    if isinstance(error, NoSuchOption):
        text = f"opsi tidak dikenal: {error.option_name}"
        return f"{text} (mungkin maksud Anda: {', '.join(error.possibilities)})" if error.possibilities else text
    if isinstance(error, BadParameter):
        return f"nilai tidak sah untuk {_hint(error) or 'parameter'}: {indonesian(error.message)}"
    return indonesian(error.message)


_KINDS = {"option": "opsi", "argument": "argumen", "parameter": "parameter"}


def _hint(error: BadParameter) -> str:
    """The parameter's names as typer quotes them ('--data' or 'DIRECTORY'), or nothing."""
    hint = error.param_hint if error.param_hint is not None else \
        error.param.get_error_hint() if error.param is not None else ""
    return hint if isinstance(hint, str) else " / ".join(f"'{item}'" for item in hint)


def print_usage_error(error: Any, console: Console) -> None:
    """Usage line, where to find help, and the message in a panel, as typer lays them out."""
    rich_utils = _rich_utils()
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        console.print(escape(ctx.get_usage()), style=rich_utils.STYLE_USAGE_COMMAND, highlight=False)
        console.print(f"Coba '{escape(ctx.command_path)} --help' untuk bantuan.",
                      style=rich_utils.STYLE_ERRORS_SUGGESTION, highlight=False)
    console.print(Panel(escape(usage_error_text(error)), border_style=rich_utils.STYLE_ERRORS_PANEL_BORDER,
                        title=rich_utils.ERRORS_PANEL_TITLE, title_align="left"))


class _Worded:
    """The usage line and the help option in Indonesian (mixed into typer's command classes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = "[OPSI]"
        if hasattr(self, "subcommand_metavar"):
            self.subcommand_metavar = "PERINTAH [ARGUMEN]..."

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE_PREFIX)  # type: ignore[attr-defined]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _rich_utils()  # typer lays the help out with it: its titles in Indonesian first
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option


class IkuCommand(_Worded, TyperCommand):
    pass


class IkuGroup(_Worded, TyperGroup):
    """Also the top-level command: usage errors are printed here, in Indonesian, with exit code 2."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except NoArgsIsHelpError:
            self._exit(2)  # the help has been printed
        except UsageError as error:
            print_usage_error(error, SafeConsole(stderr=True))  # the arguments shown as text
            self._exit(error.exit_code)
        except Abort:
            rich_utils = _rich_utils()
            Console(stderr=True).print(rich_utils.ABORTED_TEXT, style=rich_utils.STYLE_ABORTED)
            self._exit(1)
        self._exit(code if isinstance(code, int) else 0)

    @staticmethod
    def _exit(code: int) -> NoReturn:
        sys.exit(code)
