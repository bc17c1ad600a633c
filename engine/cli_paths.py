"""The folder named by ``--out``, checked before a run starts, and file-system errors in words.

A run that can never write its outputs should stop before reading a million rows, with the
reason in Bahasa Indonesia; one that meets a full disk or a refused write half-way stops with a
message too, never a traceback.
"""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}
# The system's own words for an error are English: the common ones said here, the rest by their name.
_REASONS = {
    errno.ENOENT: "folder atau berkas tidak ada",
    errno.EEXIST: "sudah ada berkas atau folder dengan nama itu",
    errno.ENOTDIR: "bagian path-nya berkas, bukan folder",
    errno.EISDIR: "folder, bukan berkas",
    errno.ENAMETOOLONG: "nama terlalu panjang",
    errno.ELOOP: "tautan simbolik berputar",
    errno.EIO: "galat baca/tulis disk",
}


def _data_folder(data: Path) -> Path:
    return data.parent if data.is_file() else data


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path.cwd()


def out_folder_problem(out: Path, data: Path) -> str | None:
    """Why ``out`` cannot hold a run's outputs, or None when it can (as far as can be told before)."""
    if out.exists() and not out.is_dir():
        return f"--out {out} adalah berkas, bukan folder; sebutkan folder keluaran"
    if out.resolve() == _data_folder(data).resolve():
        return (f"--out {out} adalah folder data itu sendiri; keluaran (tags.csv, rejects.csv, …) akan "
                "bercampur dengan berkas masukan: pilih folder lain")
    folder = _nearest_existing(out)
    if not folder.is_dir():
        return f"--out {out}: {folder} adalah berkas, bukan folder"
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return os_error_text(error, folder)
    return None


def os_error_text(error: OSError, path: Path | str | None = None) -> str:
    """A file-system error as a person reads it: what happened, to which file, what to do."""
    where = error.filename or path or "berkas"
    if error.errno in _NO_SPACE:
        return f"disk penuh saat menulis {where}; kosongkan ruang disk atau pilih --out di disk lain"
    if error.errno in _NOT_ALLOWED:
        return f"akses ke {where} ditolak (hanya-baca atau tanpa izin); pilih folder lain atau ubah izinnya"
    return f"galat sistem berkas pada {where} ({os_reason(error)})"


def os_reason(error: OSError) -> str:
    """Why a file-system call failed, in Indonesian, with the error's name (EEXIST) for whoever looks it up."""
    name = errno.errorcode.get(error.errno or 0, "tidak dikenal")
    return f"{_REASONS[error.errno]}, {name}" if error.errno in _REASONS else name
