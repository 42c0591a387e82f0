"""Writing files so that a reader, or a crash, sees the old file or the new one, never half of one.

Every file the kiosk and its tools write (the config, gesture models, the hand model
bundle, caches, exports, annotated photos) goes through here. The recipe, once:
write a temporary file beside the target (same folder, so the rename never crosses a
file system), fsync it, rename it over the target, then fsync the folder so the rename
itself survives a power cut.

The temporary file gets the target's permissions when the target exists (an operator's
0640 config stays 0640), else what a plain open() would give (0666 less the umask);
`mode` overrides both.

Reading: every file the kiosk reads is input, and may be hostile (a FIFO, a device, gigabytes,
an image or archive bomb). `read_bytes`, `read_image` / `read_photo` and `check_zip` /
`check_npz` below are the only way in for configs, catalogs, themes, fonts, pictures, photos,
models and caches; they refuse before they spend, each refusal one InputError line naming the file.
"""
from __future__ import annotations

import contextlib
import getpass
import io
import math
import os
import secrets
import stat
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kiosk.errors import InputError

if TYPE_CHECKING:
    import numpy as np

TMP_SUFFIX = ".tmp"
"""Temporary files are named `.<target name>.<random>.tmp`: hidden, and easy to clean up."""


def cache_dir() -> Path:
    """Where the kiosk keeps what it makes once and reuses (the mediapipe wheel, the bold font instance):
    $XDG_CACHE_HOME/touchless-kiosk, else ~/.cache/touchless-kiosk. Never a camera frame."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "touchless-kiosk"


def stage(path: Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write `data` to a new fsynced temporary file beside `path` and return its name.

    The caller renames it into place (`commit`) or deletes it; nothing is left behind if
    this raises.
    """
    with _temporary(Path(path), "wb", mode) as (tmp, f):
        f.write(data)
    return tmp


def commit(tmp: Path, path: Path) -> None:
    """Rename a staged file over `path`, and make the rename durable."""
    os.replace(tmp, path)
    _sync_folder(Path(path).parent)


def discard(*tmps: Path) -> None:
    """Delete staged files that will not be committed; never raises."""
    for tmp in tmps:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace `path` with `data` atomically. The folder must exist."""
    tmp = stage(path, data, mode=mode)
    try:
        commit(tmp, path)
    except BaseException:
        discard(tmp)
        raise


def write_all_atomic(files: Mapping[Path, bytes]) -> None:
    """Write several files: all are staged first, and only when every one is written are they
    renamed into place, so an error (a full disk) leaves none of them half-written and,
    short of a crash between two renames, none of them new."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((stage(path, data), Path(path)))
        for tmp, path in staged:
            commit(tmp, path)
    except BaseException:
        discard(*(tmp for tmp, _ in staged))
        raise


@contextlib.contextmanager
def open_atomic(path: Path, mode: str = "wb", *, file_mode: int | None = None, **kwargs) -> Iterator[IO]:
    """`with open_atomic(path, "w", encoding="utf-8") as f:` for writers that stream into a file
    (zip, csv). `path` is replaced when the block ends normally; an exception leaves it as it was."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_atomic writes a whole file: mode 'w' or 'wb', not {mode!r}")
    with _temporary(Path(path), mode, file_mode, **kwargs) as (tmp, f):
        yield f
    try:
        commit(tmp, path)
    except BaseException:
        discard(tmp)
        raise


@contextlib.contextmanager
def _temporary(path: Path, mode: str, file_mode: int | None, **kwargs) -> Iterator[tuple[Path, IO]]:
    """A new temporary file beside `path`, open for writing; flushed, fsynced and closed after the
    block. Deleted if anything in the block (or the fsync) fails."""
    if file_mode is None:
        try:
            file_mode = path.stat().st_mode & 0o7777
        except OSError:
            file_mode = None
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{TMP_SUFFIX}")
        try:
            # O_EXCL: never follow or reuse someone else's file; 0o666 lets the umask decide, like open()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, mode, **kwargs) as f:
            if file_mode is not None:
                os.fchmod(f.fileno(), file_mode)
            yield tmp, f
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        discard(tmp)
        raise


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so a rename in it is on disk; some file systems cannot, and that is no error."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reading hostile files
#
# Every file the kiosk reads may be hostile: a FIFO that never ends, a device, a file of
# gigabytes, an image whose header promises 20000 x 20000 pixels, a zip whose members
# unpack to gigabytes. The readers below look before they spend: they open without
# blocking, take regular files only, cap the bytes read, and check an image's pixel count
# (from its header) or an archive's unpacked size (from its directory) before anything is
# decoded. Every refusal is one InputError line naming the file: `{what} {path}: ...`.

MAX_PHOTO_PIXELS = 40_000_000
"""A photo or image frame (image folders, datasets, annotate, eval) above this many pixels, by its
header, is refused before it is decoded: a 40 MP phone photo fits; 8 bytes per pixel decoded, at most."""
MAX_IMAGE_BYTES = 64 * 1024 * 1024
"""An image file larger than this is not read (a 40 MP JPEG is about 20 MB)."""


def user_name() -> str:
    """Who the kiosk runs as, for "permission denied" lines: the login name, else the uid."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name and no passwd entry: say the uid
        return f"uid {os.getuid()}"


def _refusal(what: str, path: Path, e: OSError):
    if isinstance(e, FileNotFoundError):
        return InputError(f"{what} {path}: file not found")
    if isinstance(e, PermissionError):
        return InputError(f"{what} {path}: permission denied (the kiosk runs as user {user_name()!r})")
    return InputError(f"{what} {path}: cannot read ({e.strerror or e})")


def open_regular(path: Path, what: str, max_bytes: int | None) -> IO[bytes]:
    """Open a regular file of at most `max_bytes` for reading, never blocking: O_NONBLOCK so a FIFO
    with no writer cannot hang the open, O_NOCTTY so a terminal is never taken over, then fstat on
    the open file (no race with a rename). The caller closes it. Refusals are one InputError line:
    file not found, permission denied (naming the user the kiosk runs as), not a regular file, too large.
    max_bytes None: no cap, for a file that is streamed, never read whole (a video)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise _refusal(what, path, e) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{what} {path}: not a regular file")
        if max_bytes is not None and st.st_size > max_bytes:
            raise InputError(f"{what} {path}: {st.st_size} bytes, over the cap of {max_bytes} bytes")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, what: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes` (see open_regular). A file that grows past
    the cap while it is read, or that says it is empty but is not (/proc), is refused the same way."""
    with open_regular(path, what, max_bytes) as f:
        try:
            size = os.fstat(f.fileno()).st_size
            data = f.read(size + 1)  # not read(max_bytes + 1): that allocates the whole cap up front
            if size < len(data) <= max_bytes:  # it grew, or says 0 bytes and is not empty (/proc): on to the cap
                data += f.read(max_bytes + 1 - len(data))
        except OSError as e:
            raise _refusal(what, path, e) from None
    if len(data) > max_bytes:
        raise InputError(f"{what} {path}: more than the cap of {max_bytes} bytes")
    return data


def image_size(data: bytes, what: str, path: Path, max_pixels: int) -> tuple[int, int]:
    """(width, height) from an image's header (Pillow reads the header only, nothing is decoded);
    InputError if it is no image Pillow knows, or has more than `max_pixels` pixels."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                w, h = im.size
    except Image.DecompressionBombError:  # over Pillow's own cap (179 MP), which it checks first
        raise InputError(f"{what} {path}: more than {2 * Image.MAX_IMAGE_PIXELS} pixels, "
                         f"over the cap of {max_pixels} pixels") from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds (UnidentifiedImageError, SyntaxError, struct.error...)
        raise InputError(f"{what} {path}: not a readable image") from None
    if w <= 0 or h <= 0:
        raise InputError(f"{what} {path}: not a readable image")
    if w * h > max_pixels:
        raise InputError(f"{what} {path}: {w}x{h} px, over the cap of {max_pixels} pixels")
    return w, h


def read_image(path: Path, what: str, max_pixels: int = MAX_PHOTO_PIXELS,
               max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    """An image file's bytes, read with read_bytes and checked by image_size: decode these bytes
    (cv2.imdecode, pygame.image.load(BytesIO)), never the path again."""
    data = read_bytes(path, what, max_bytes)
    image_size(data, what, path, max_pixels)
    return data


def decode_image(data: bytes, what: str, path: Path) -> np.ndarray:
    """BGR uint8 (H, W, 3) from bytes read_image checked; InputError if OpenCV cannot decode them."""
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if image is None or image.size == 0:
        raise InputError(f"{what} {path}: not a readable image")
    return image


def read_photo(path: Path, what: str, max_pixels: int = MAX_PHOTO_PIXELS) -> np.ndarray:
    """read_image then decode_image: a photo as BGR, or one InputError line."""
    return decode_image(read_image(path, what, max_pixels), what, path)


def check_zip(zf: zipfile.ZipFile, what: str, path: Path, max_unpacked: int) -> None:
    """InputError unless the members of `zf` unpack to at most `max_unpacked` bytes, by the sizes its
    directory declares (zipfile never unpacks a member past its declared size, so they bound memory)."""
    total = sum(info.file_size for info in zf.infolist())
    if total > max_unpacked:
        raise InputError(f"{what} {path}: unpacks to {total} bytes, over the cap of {max_unpacked} bytes")


def check_npz(zf: zipfile.ZipFile, what: str, path: Path, max_unpacked: int) -> None:
    """check_zip, and each .npy member's header must declare no more bytes than the member holds:
    numpy allocates the array its header declares before it reads a byte of it.
    A damaged member header raises ValueError (or zipfile's errors), as numpy.load would."""
    import numpy as np

    check_zip(zf, what, path, max_unpacked)
    for info in zf.infolist():
        if not info.filename.endswith(".npy"):
            continue
        with zf.open(info) as f:
            version = np.lib.format.read_magic(f)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read_header(f)
        declared = math.prod(shape) * dtype.itemsize
        if declared > info.file_size:
            raise InputError(f"{what} {path}: array {info.filename.removesuffix('.npy')!r} declares "
                             f"{declared} bytes, more than the {info.file_size} its member holds")
