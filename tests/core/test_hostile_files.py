"""Hostile model and project files are refused with a sentence that names the file, within a
bounded amount of memory, and never get as far as an internal error."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest
import torch
from safetensors.torch import save as save_safetensors

from core.errors import ModelFileError
from core.modelfile import MANIFEST, WEIGHTS, load_model, save_model
from core.project import PROJECT_MANIFEST, ProjectFile, load_project, save_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def model_file(iris, tmp_path) -> Path:
    path = tmp_path / "iris.nnp"
    save_model(iris.model, path)
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    return path


def zip_of_raw_members(path: Path, raw: dict[str, tuple[bytes, int, int]]) -> Path:
    """A zip written by hand: each member's deflated bytes, the size it declares unpacked and
    its CRC (0 for a bomb: it is refused before it is read to its end)."""
    out, central = bytearray(), bytearray()
    for name, (deflated, size, crc) in raw.items():
        offset = len(out)
        encoded = name.encode()
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated), size, len(encoded), 0
        )
        out += encoded + deflated
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(deflated),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(raw), len(raw), len(central), len(out), 0
    )
    path.write_bytes(bytes(out + central + end))
    return path


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zeros_deflated(mebibytes: int) -> bytes:
    """A raw deflate stream of `mebibytes` MiB of zeros, made without compressing them: one
    MiB's blocks, repeated (their back-references find zeros either way), then a final block."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = c.compress(bytes(2**20)) + c.flush(zlib.Z_SYNC_FLUSH)
    return chunk * mebibytes + b"\x03\x00"


def bombs(model_file: Path, out: Path) -> tuple[Path, Path]:
    """A 3.7 GiB weights member in a file of a few MB; a few-KB file whose network (two layers
    of 65,536 units) would take 17 GB."""
    parts = members(model_file)
    size = 3700 * 2**20
    weights_bomb = zip_of_raw_members(
        out / "bomb.nnp",
        {
            MANIFEST: (deflate(parts[MANIFEST]), len(parts[MANIFEST]), zlib.crc32(parts[MANIFEST])),
            WEIGHTS: (zeros_deflated(3700), size, 0),
        },
    )
    manifest = json.loads(parts[MANIFEST])
    manifest["network"]["layers"] = [
        {"kind": "dense", "units": 65_536, "activation": "relu", "bias": True, "p": 0.0}
    ] * 2
    wide = write_zip(out / "wide.nnp", {**parts, MANIFEST: json.dumps(manifest).encode()})
    return weights_bomb, wide


@pytest.mark.slow  # a Python process of its own, under a memory limit
def test_a_zip_bomb_and_a_huge_network_are_refused_within_a_memory_bound(model_file, tmp_path):
    weights_bomb, wide = bombs(model_file, tmp_path)
    assert weights_bomb.stat().st_size < 8 * 2**20 and wide.stat().st_size < 64 * 2**10
    # A child process: torch loaded, then its address space capped 1 GiB above what it uses.
    script = textwrap.dedent(
        f"""
        import resource, sys
        import core.modelfile as mf
        from core.errors import ModelFileError
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (used + 2**30, resource.RLIM_INFINITY))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for path in ({str(weights_bomb)!r}, {str(wide)!r}):
            try:
                mf.load_model(path)
                print("loaded", path)
            except ModelFileError as exc:
                print("refused:", exc)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print("peak growth KiB:", grown)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr[-2000:]
    assert lines[0].startswith("refused: bomb.nnp: weights.safetensors is 3,879,731,200 bytes")
    assert lines[1].startswith("refused: wide.nnp: ") and "the network has 4,295," in lines[1]
    assert int(lines[2].split(":")[1]) < 200 * 1024  # KiB: well under 200 MB for both


@pytest.mark.parametrize(
    ("manifest", "words"),
    [
        (b"[" * 200_000 + b"]" * 200_000, "model.json is nested too deeply"),
        (b'{"format": 1' + b"7" * 5000 + b"}", "model.json is not valid JSON"),
    ],
)
def test_json_no_parser_can_hold_is_refused_naming_the_file(model_file, tmp_path, manifest, words):
    bad = write_zip(tmp_path / "odd.nnp", {**members(model_file), MANIFEST: manifest})
    with pytest.raises(ModelFileError, match=f"odd.nnp: {words}"):
        load_model(bad)


def patch_central_directory(path: Path, offset: int, value: int) -> Path:
    """Set a 2-byte field (flags: 8, method: 10) of every central directory record."""
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x01\x02")
    while start != -1:
        data[start + offset : start + offset + 2] = struct.pack("<H", value)
        start = data.find(b"PK\x01\x02", start + 4)
    path.write_bytes(bytes(data))
    return path


def test_an_encrypted_or_strangely_compressed_member_is_refused_naming_the_file(
    model_file, tmp_path
):
    encrypted = write_zip(tmp_path / "locked.nnp", members(model_file))
    patch_central_directory(encrypted, 8, 0x1)
    with pytest.raises(ModelFileError, match=r"locked.nnp: model\.json is encrypted"):
        load_model(encrypted)
    odd = write_zip(tmp_path / "odd.nnp", members(model_file))
    patch_central_directory(odd, 10, 99)
    with pytest.raises(ModelFileError, match=r"odd\.nnp: model\.json is compressed with a method"):
        load_model(odd)


def test_running_out_of_memory_while_opening_is_a_sentence(model_file, monkeypatch):
    import core.model_manifest as mf

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(mf.json, "loads", no_memory)
    with pytest.raises(ModelFileError, match=r"not enough memory to open iris\.nnp"):
        load_model(model_file)


def test_a_project_with_a_seed_numpy_cannot_take_is_refused_naming_the_file(iris, tmp_path):
    path = tmp_path / "p.nnproj"
    save_project(path, ProjectFile(iris.model.data, iris.model.network, iris.model.config))
    parts = members(path)
    manifest = json.loads(parts[PROJECT_MANIFEST])
    manifest["config"]["seed"] = 2**70
    bad = write_zip(tmp_path / "seed.nnproj", {PROJECT_MANIFEST: json.dumps(manifest).encode()})
    with pytest.raises(
        ModelFileError, match=r"seed\.nnproj: .*seed must be from 0 to 2,147,483,647"
    ):
        load_project(bad)
    manifest["config"]["seed"] = 0
    manifest["config"]["epochs"] = 10**30
    bad = write_zip(tmp_path / "long.nnproj", {PROJECT_MANIFEST: json.dumps(manifest).encode()})
    with pytest.raises(ModelFileError, match=r"long\.nnproj: .*epochs must be from 0 to 1,000,000"):
        load_project(bad)


# --- the weights themselves -------------------------------------------------------------------


def state_of(model_file: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load

    return load(members(model_file)[WEIGHTS])


def with_weights(model_file: Path, out: Path, state: dict[str, torch.Tensor]) -> Path:
    return write_zip(out, {**members(model_file), WEIGHTS: save_safetensors(state)})


def test_weights_of_another_dtype_are_refused_naming_the_dtype(model_file, tmp_path):
    state = {k: v.double() for k, v in state_of(model_file).items()}
    with pytest.raises(ModelFileError, match=r"float64 of shape .*needs float32 of shape"):
        load_model(with_weights(model_file, tmp_path / "f64.nnp", state))


def test_weights_under_other_names_are_refused_even_with_the_right_shapes(model_file, tmp_path):
    state = state_of(model_file)
    renamed = {k.replace("dense1", "layer1"): v for k, v in state.items()}
    with pytest.raises(ModelFileError, match="weights do not match the network"):
        load_model(with_weights(model_file, tmp_path / "renamed.nnp", renamed))
    first = next(iter(state))
    missing = {k: v for k, v in state.items() if k != first}
    with pytest.raises(ModelFileError, match="weights do not match the network"):
        load_model(with_weights(model_file, tmp_path / "missing.nnp", missing))


def test_weights_that_are_not_finite_are_refused(model_file, tmp_path):
    state = {k: torch.full_like(v, float("nan")) for k, v in state_of(model_file).items()}
    with pytest.raises(ModelFileError, match="NaN or infinite"):
        load_model(with_weights(model_file, tmp_path / "nan.nnp", state))
    state = state_of(model_file)
    first = next(iter(state))
    state[first][0] = float("inf")
    with pytest.raises(ModelFileError, match=f"weight {first} holds NaN or infinite"):
        load_model(with_weights(model_file, tmp_path / "inf.nnp", state))


# --- saving -----------------------------------------------------------------------------------


def test_a_save_refused_by_the_folder_names_the_target_not_the_temporary_file(
    iris, tmp_path, monkeypatch
):
    target = tmp_path / "old.nnproj"
    (tmp_path / ".old.nnproj.tmp").write_bytes(b"left by a killed save")

    def read_only_folder(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(args[0]))

    # What a read-only folder does to a save whose temporary file already exists there: the
    # file can be rewritten, but not renamed or removed.
    monkeypatch.setattr(os, "replace", read_only_folder)
    monkeypatch.setattr(os, "unlink", read_only_folder)
    with pytest.raises(ModelFileError) as refused:
        save_project(target, ProjectFile(iris.model.data, iris.model.network, iris.model.config))
    assert str(refused.value) == f"cannot write {target}: Permission denied"


def test_a_temporary_file_left_by_a_killed_save_is_gone_after_the_next_save(iris, tmp_path):
    target = tmp_path / "m.nnp"
    leftover = tmp_path / ".m.nnp.tmp"
    leftover.mkdir()  # whatever a killed save left there, even something open() cannot write
    save_model(iris.model, target)
    assert [p.name for p in tmp_path.iterdir()] == ["m.nnp"]
    assert load_model(target).network == iris.model.network
