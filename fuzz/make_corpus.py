#!/usr/bin/env python3
"""Seeds for the bundle, engine-params and feature-state fuzz targets from a real bundle.

Usage: fuzz/make_corpus.py BUNDLE_DIR [BUNDLE_DIR...]
Writes fuzz/corpus/bundle/*.bin (sections joined as bundle_fuzz.cpp reads them, plus the raw
model.bin) and fuzz/corpus/engine_params/* (one file per section: a selector byte, then the
section's bytes). Run from the repo root after training a bundle (e.g. on data/sample).
"""
import os
import struct
import sys

SEP = b"\n--huracan-fuzz-part--\n"


def sections(model_bin):
    assert model_bin[:8] == b"HURMODEL"
    pos = 8
    _version, count = struct.unpack_from("<II", model_bin, pos)
    pos += 8
    out = []
    for _ in range(count):
        (name_len,) = struct.unpack_from("<I", model_bin, pos)
        pos += 4
        name = model_bin[pos:pos + name_len].decode()
        pos += name_len
        (size,) = struct.unpack_from("<Q", model_bin, pos)
        pos += 8
        out.append((name, model_bin[pos:pos + size]))
        pos += size + 32
    return out


def main():
    engine_ids = sys.stdin.read().split() if not sys.stdin.isatty() else []
    for d in sys.argv[1:]:
        tag = os.path.basename(os.path.dirname(d.rstrip("/"))).lower()
        read = lambda f: open(os.path.join(d, f), "rb").read()
        secs = sections(read("model.bin"))
        parts = [read("config.json"), read("metrics.json")] + [n.encode() + b"\n" + b for n, b in secs]
        with open(f"fuzz/corpus/bundle/{tag}.bin", "wb") as f:
            f.write(SEP.join(parts))
        with open(f"fuzz/corpus/bundle/{tag}_raw_model.bin", "wb") as f:
            f.write(read("model.bin"))
        for name, data in secs:
            if name == "regime":
                sel = len(engine_ids)
            elif name == "meta":
                sel = len(engine_ids) + 1
            elif name in engine_ids:
                sel = engine_ids.index(name)
            else:
                continue
            with open(f"fuzz/corpus/engine_params/{tag}_{name}", "wb") as f:
                f.write(bytes([sel]) + data)


if __name__ == "__main__":
    main()
