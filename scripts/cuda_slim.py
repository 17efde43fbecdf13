#!/usr/bin/env python3
"""Makes ONNX Runtime's CUDA provider library small enough to travel to a lent GPU machine.

libonnxruntime_providers_cuda.so (272 MB) is mostly `.nv_fatbin`: every CUDA kernel compiled for
several GPU architectures (sm_75, 80, 86, 89, 90, 120). The driver loads only the entry that
matches the GPU, so zeroing the payloads of every other architecture leaves a library that runs
the same on that GPU and compresses to about a fifth (an H200 is sm_90: 272 MB -> 47 MiB with xz).
Headers and sizes stay as they are, so every offset in the file is unchanged.

    cuda_slim.py SRC DST [--arch 90]
"""
import argparse
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50


def section(data, wanted):
    """(offset, size) of the ELF64 section named `wanted`."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise ValueError("not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    names_off, = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)
    for i in range(shnum):
        h = shoff + i * shentsize
        name_at, = struct.unpack_from("<I", data, h)
        end = data.index(b"\0", names_off + name_at)
        if data[names_off + name_at:end].decode() == wanted:
            off, size = struct.unpack_from("<QQ", data, h + 0x18)
            return off, size
    raise ValueError(f"no {wanted} section")


def slim(data, keep_arch):
    off, size = section(data, ".nv_fatbin")
    pos, end = off, off + size
    kept = zeroed = 0
    while pos < end:
        magic, _, header, body = struct.unpack_from("<IHHQ", data, pos)
        if magic != FATBIN_MAGIC:  # fat binaries are 8-byte aligned; skip the padding between them
            pos += 8
            continue
        entry, stop = pos + header, pos + header + body
        while entry < stop:
            _, _, entry_header, payload = struct.unpack_from("<HHIQ", data, entry)
            arch, = struct.unpack_from("<I", data, entry + 28)
            start = entry + entry_header
            if arch == keep_arch:
                kept += payload
            else:
                data[start:start + payload] = bytes(payload)
                zeroed += payload
            entry = start + payload
        pos = stop
    return kept, zeroed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--arch", type=int, default=90, help="the GPU architecture to keep (90: H100/H200)")
    args = parser.parse_args()
    data = bytearray(open(args.src, "rb").read())
    kept, zeroed = slim(data, args.arch)
    if kept == 0:
        sys.exit(f"cuda_slim: no sm_{args.arch} code in {args.src}; nothing written")
    open(args.dst, "wb").write(data)
    print(f"cuda_slim: kept {kept >> 20} MiB of sm_{args.arch} code, zeroed {zeroed >> 20} MiB of other architectures")


if __name__ == "__main__":
    main()
