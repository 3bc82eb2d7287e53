"""The bounded reading and parsing of a site file: only a regular file, at most `MAX_SITE_BYTES` of it (never a FIFO
or a device), its YAML composed within the limits of `officelab.site.yamltree`, each refusal a located
`SiteInvalid` before anything is built."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, NoReturn

from yaml.error import MarkedYAMLError, YAMLError
from yaml.reader import ReaderError

from officelab.core.errors import Problem, SiteInvalid, cut
from officelab.site.limits import MAX_SITE_BYTES
from officelab.site.yamltree import Refused, compose

Loc = tuple[str | int, ...]


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MiB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KiB"


def _refuse(file: str, message: str, hint: str = "", line: int | None = None, path: Loc = ()) -> NoReturn:
    raise SiteInvalid(Path(file), [Problem(path=path, message=message, hint=hint, line=line, file=file)])


def _too_big(file: str, count: int) -> NoReturn:
    _refuse(
        file,
        f"the file is {_size(count)}, more than the limit of {_size(MAX_SITE_BYTES)}",
        "a site file describes one small-business site (the 1000-host bench site is 134 KiB): check that it is the right file",
    )


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text within the limits into `YamlMap`/`YamlSeq`/scalars (`officelab.site.yamltree`), turning
    syntax errors and refusals into a `SiteInvalid` naming the file and the line."""
    # A text far over the limit is not encoded just to be measured: its length in characters says enough.
    size = len(text) if len(text) > 4 * MAX_SITE_BYTES else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SITE_BYTES:
        _too_big(file, size)
    try:
        value, problems = compose(text)
    except Refused as exc:
        p = exc.problem
        raise SiteInvalid(Path(file), [Problem(p.path, p.message, p.hint, p.line, file)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        _refuse(file, f"YAML syntax: {cut(str(exc.problem or exc.context), 200)}", "check indentation and quoting around this line", line)
    except ReaderError as exc:
        position = exc.position if isinstance(exc.position, int) else 0
        line = text.count("\n", 0, position) + 1
        character = exc.character if isinstance(exc.character, int) else 0
        _refuse(
            file,
            f"character #x{character:04x} is not allowed in YAML",
            "a site file is text: check that it is not a binary or damaged file",
            line,
        )
    except YAMLError as exc:
        _refuse(file, f"YAML syntax: {cut(str(exc), 200)}")
    if problems:
        raise SiteInvalid(Path(file), [Problem(p.path, p.message, p.hint, p.line, file) for p in problems])
    return value


def read_text_file(file: Path, what: str = "site file") -> str:
    """The text of a file, refused with a located `SiteInvalid` unless it is a regular file of at most
    `MAX_SITE_BYTES` in UTF-8. A FIFO or a device is refused from its `stat`, never opened for a blocking read."""
    name = str(file)
    hint = "check the path, or run `officelab sites` for the built-in sites" if what == "site file" else "check the path"
    try:
        info = os.stat(file)
    except OSError as exc:
        _refuse(name, f"cannot read the {what}: {exc.strerror or exc}", hint)
    kind = _file_kind(info.st_mode)
    if kind:
        _refuse(name, f"cannot read the {what}: it is {kind}, not a regular file", f"give the path of a {what} saved on disk")
    if info.st_size > MAX_SITE_BYTES:
        _too_big(name, info.st_size)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        _refuse(name, f"cannot read the {what}: {exc.strerror or exc}", hint)
    try:
        kind = _file_kind(os.fstat(fd).st_mode)  # replaced between the stat and the open
        if kind:
            _refuse(name, f"cannot read the {what}: it is {kind}, not a regular file", f"give the path of a {what} saved on disk")
        chunks: list[bytes] = []
        remaining = MAX_SITE_BYTES + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        _refuse(name, f"cannot read the {what}: {exc.strerror or exc}", hint)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_SITE_BYTES:  # it grew, or its size was not known
        _too_big(name, len(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        _refuse(
            name,
            f"the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start:,})",
            "a site file is text in UTF-8: check that it is not a binary or damaged file, or convert it",
            line,
        )


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words (empty for a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((text for test, text in kinds.items() if test(mode)), "not a regular file")
