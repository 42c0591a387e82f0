"""The default catalog's pictures: drawn by kiosk/tools/item_pictures.py, committed under
assets/items/, and kept in sync with the code that draws them."""
from __future__ import annotations

import colorsys
import importlib
import os

import numpy as np
import pygame
import pytest

from kiosk.shop.catalog import load_catalog
from kiosk.tools import item_pictures
from kiosk.tools.item_pictures import DRAWINGS, draw_item, main
from tests.conftest import REPO

CATALOG_FILE = REPO / "assets" / "catalog.toml"
ITEMS = REPO / "assets" / "items"
DEFAULT_IDS = ("apple", "banana", "croissant", "coffee", "water", "sandwich")
SIZE = 512


def rgba(surface: pygame.Surface) -> np.ndarray:
    """(h, w, 4) uint8 pixels."""
    return np.frombuffer(pygame.image.tobytes(surface, "RGBA"), np.uint8).reshape(
        surface.get_height(), surface.get_width(), 4)


@pytest.fixture(scope="module")
def drawn() -> dict[str, pygame.Surface]:
    """Each item drawn once at the committed size (about 2 s for all six)."""
    return {item_id: draw_item(item_id, SIZE) for item_id in DEFAULT_IDS}


def dominant_hue(pixels: np.ndarray) -> float:
    """The centre (degrees) of the most common 10-degree hue bin among opaque, coloured pixels
    (saturation and value over 0.3: greys, whites and near-blacks say nothing about hue)."""
    opaque = pixels[pixels[..., 3] == 255][:, :3] / 255.0
    colours, counts = np.unique(opaque, axis=0, return_counts=True)
    hsv = np.array([colorsys.rgb_to_hsv(*c) for c in colours])
    keep = (hsv[:, 1] > 0.3) & (hsv[:, 2] > 0.3)
    bins = np.bincount((hsv[keep, 0] * 36).astype(int) % 36, weights=counts[keep], minlength=36)
    return float(np.argmax(bins) * 10 + 5)


def test_every_default_item_has_a_picture_file_of_the_committed_kind():
    catalog = load_catalog(CATALOG_FILE)
    assert tuple(item.id for item in catalog.items) == DEFAULT_IDS
    for item in catalog.items:
        assert item.image is not None, f"{item.id} has no image"
        assert item.image == (ITEMS / f"{item.id}.png").resolve()
        picture = pygame.image.load(str(item.image))
        assert picture.get_size() == (SIZE, SIZE)
        assert picture.get_bitsize() == 32 and picture.get_flags() & pygame.SRCALPHA, f"{item.id} is not RGBA"
        pixels = rgba(picture)
        corners = pixels[[0, 0, -1, -1], [0, -1, 0, -1], 3]
        assert (corners == 0).all(), f"{item.id}: corners not transparent: {corners}"
        # and the item is really there: a good part of the square is opaque
        assert 0.1 < (pixels[..., 3] == 255).mean() < 0.7, item.id


def test_every_drawing_has_a_committed_picture_and_the_readme_lists_it():
    readme = (ITEMS / "README.md").read_text(encoding="utf-8")
    assert "python -m kiosk.tools.item_pictures" in readme
    assert set(DRAWINGS) == set(DEFAULT_IDS)
    for item_id in DRAWINGS:
        assert f"`{item_id}.png`" in readme


def test_drawing_is_deterministic(drawn):
    again = draw_item("sandwich", SIZE)  # the one with the most layers
    assert pygame.image.tobytes(again, "RGBA") == pygame.image.tobytes(drawn["sandwich"], "RGBA")


@pytest.mark.parametrize("item_id", DEFAULT_IDS)
def test_committed_picture_matches_the_code(drawn, item_id):
    """Redrawn pixels equal the committed PNG's: after changing a drawing, run
    `python -m kiosk.tools.item_pictures` and commit the pictures with the code."""
    committed = rgba(pygame.image.load(str(ITEMS / f"{item_id}.png")))
    fresh = rgba(drawn[item_id])
    differ = np.any(committed != fresh, axis=2)
    assert not differ.any(), (f"{item_id}.png differs from its drawing in {int(differ.sum())} px: "
                              "regenerate with `python -m kiosk.tools.item_pictures`")


@pytest.mark.parametrize(("item_id", "low", "high"), [
    ("apple", -15, 15),       # red (the leaf and stem are small)
    ("banana", 40, 65),       # yellow
    ("croissant", 20, 45),    # orange-golden
    ("water", 190, 235),      # blue
])
def test_dominant_hue(drawn, item_id, low, high):
    hue = dominant_hue(rgba(drawn[item_id]))
    hue = hue - 360 if hue > 180 and low < 0 else hue
    assert low <= hue <= high, f"{item_id}: dominant hue {hue} not in {low}-{high}"


def test_the_fruit_and_pastry_differ_in_colour(drawn):
    """Apple, banana, croissant and water each have their own dominant hue, so none is told from
    another by shape alone."""
    hues = [dominant_hue(rgba(drawn[item_id])) for item_id in ("apple", "banana", "croissant", "water")]
    assert len(set(hues)) == 4, hues


def test_small_sizes_are_drawn_at_that_size():
    small = draw_item("apple", 64)
    assert small.get_size() == (64, 64)
    pixels = rgba(small)
    assert pixels[0, 0, 3] == 0 and pixels[32, 32, 3] == 255  # transparent corner, solid apple


def test_unknown_item_and_bad_size_raise():
    with pytest.raises(KeyError):
        draw_item("pear", 64)
    with pytest.raises(ValueError, match="size 4"):
        draw_item("apple", 4)


def test_cli_writes_every_picture(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "pics"), "--size", "48"]) == 0
    written = sorted(p.name for p in (tmp_path / "pics").iterdir())
    assert written == sorted(f"{i}.png" for i in DEFAULT_IDS)
    for name in written:
        assert pygame.image.load(str(tmp_path / "pics" / name)).get_size() == (48, 48)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6 and all(line.startswith("wrote ") and "(48x48)" in line for line in out)


def test_cli_only_writes_the_asked_items(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--size", "32", "--only", "water", "apple"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["apple.png", "water.png"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--only", "pear"], "no drawing for item 'pear'"),
    (["--size", "0"], "--size 0 must be"),
    (["--size", "99999"], "--size 99999 must be"),
    (["--size", "big"], "invalid int value: 'big'"),
    (["--colour", "red"], "unrecognized arguments"),
])
def test_cli_bad_input_is_one_line_and_exit_code_2(tmp_path, capsys, argv, message):
    assert main(["--out", str(tmp_path / "out"), *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert not (tmp_path / "out").exists()  # nothing written


def test_cli_unwritable_folder_is_exit_code_1(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["--out", str(blocker / "pics"), "--size", "16", "--only", "apple"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cannot write" in err


def test_module_sets_the_dummy_video_driver_when_unset(monkeypatch):
    monkeypatch.delenv("SDL_VIDEODRIVER")
    importlib.reload(item_pictures)
    assert os.environ["SDL_VIDEODRIVER"] == "dummy"
    assert item_pictures.DEFAULT_OUT == ITEMS  # from the project root, not the working directory
