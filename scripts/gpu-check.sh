#!/usr/bin/env bash
# The prepared GPU check (docs/gpu.md): runs on a lent GPU machine from the repository root, with
# .gpu-bundle (made here by scripts/gpu-bundle.sh) and .gl (the Vulkan loader's .deb files)
# carried along. Prints, for animevideov3 x2 and x4fast at 720p and 1080p input: frames per second
# per provider, the same network in PyTorch fp16 on the same GPU, the ratio, and the PSNR of the
# GPU output against the CPU path's. Fits well inside 8 minutes on an H200.
#   --dry-run   on a machine without a GPU: unpack, doctor, the CPU half at a small size, the peer's self-test
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUNDLE=${UPRES_GPU_BUNDLE:-$ROOT/.gpu-bundle/upres-gpu.tar.xz}
WORK=${UPRES_GPU_WORK:-/tmp/upres-gpu}
RESULTS=${OUT:-$WORK/results}
FRAMES=${UPRES_GPU_FRAMES:-120}
CUDA_STAGE=${UPRES_CUDA_STAGE:-/tmp/upres-cuda}
DRY=0
[ "${1:-}" = "--dry-run" ] && DRY=1
# --stage-cuda: the first of two calls. Unpacks .cuda (scripts/gpu-bundle.sh --cuda, too big to
# travel with the bundle) to $CUDA_STAGE, where the next call on the same warm machine finds it.
if [ "${1:-}" = "--stage-cuda" ]; then
  mkdir -p "$CUDA_STAGE"
  for f in "$ROOT"/.cuda/*.xz; do
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$f" "$CUDA_STAGE/$(basename "$f" .xz)"
  done
  cp "$ROOT"/.cuda/*.so "$CUDA_STAGE/"
  ls -la "$CUDA_STAGE"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,memory.free --format=csv,noheader
  exit 0
fi
[ -z "${UPRES_CUDA_PROVIDER_DIR:-}" ] && [ -f "$CUDA_STAGE/libonnxruntime_providers_cuda.so" ] && UPRES_CUDA_PROVIDER_DIR=$CUDA_STAGE
started=$(date +%s)
say() { echo "== gpu-check +$(( $(date +%s) - started ))s: $*"; }

[ -f "$BUNDLE" ] || { echo "gpu-check: no bundle at $BUNDLE; run scripts/gpu-bundle.sh first" >&2; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK" "$RESULTS"
say "unpacking $(du -h "$BUNDLE" | cut -f1) bundle"
if command -v xz >/dev/null; then tar -xJf "$BUNDLE" -C "$WORK"; else
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$BUNDLE" "$WORK"; fi

# Vulkan: the machine has NVIDIA's driver (and its ICD file) but no loader; the loader travels as .deb files.
if ! ldconfig -p 2>/dev/null | grep -F 'libvulkan.so.1 ' >/dev/null; then
  if ls "$ROOT"/.gl/*.deb >/dev/null 2>&1; then
    say "unpacking the Vulkan loader from .gl"
    for f in "$ROOT"/.gl/*.deb; do dpkg -x "$f" /; done; ldconfig
  else
    say "no Vulkan loader here and none in .gl: WebGPU will not start (scripts/gpu-bundle.sh fetches it)"
  fi
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$nvidia_icd" ] && ! ls /usr/share/vulkan/icd.d/*nvidia* /etc/vulkan/icd.d/*nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES=$nvidia_icd
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,memory.free --format=csv,noheader

export UPRES_CACHE=$WORK/cache
export UPRES_ORT_LIB=$WORK/ort/libonnxruntime.so.1
# CUDA: Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0's provider library (272 MB, built for CUDA 13 +
# cuDNN 9) is too big to travel; where the machine has it, point UPRES_CUDA_PROVIDER_DIR at it.
if [ -n "${UPRES_CUDA_PROVIDER_DIR:-}" ]; then
  cp "$UPRES_CUDA_PROVIDER_DIR"/libonnxruntime_providers_{shared,cuda}.so "$WORK/ort/" || say "no CUDA provider in $UPRES_CUDA_PROVIDER_DIR"
  # CUDA 13's cuBLAS, cuDNN, cuRAND and runtime as PyTorch's wheels carry them.
  nv=$(python3 -c 'import nvidia; print(" ".join(nvidia.__path__))' 2>/dev/null)
  # shellcheck disable=SC2086
  for d in $( [ -n "$nv" ] && find $nv -name 'lib*.so*' -printf '%h\n' | sort -u); do
    LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d
  done
  export LD_LIBRARY_PATH
fi
UPRES=$WORK/upres/upres

say "doctor (providers that really run)"
"$UPRES" doctor 2>/dev/null | grep -E 'onnxruntime|provider'

if [ $DRY = 1 ]; then
  say "dry run: the CPU half at 320x180, the GPU rows say why they do not run here"
  timeout 300 "$UPRES" gpu-bench --input 320x180 --frames 2 --frame-dir "$WORK/frames" \
    --json "$RESULTS/ours.json" --save-outputs "$WORK/outputs" 2>&1 | tee "$RESULTS/gpu-bench.txt"
  python3 "$ROOT/scripts/gpu_peer.py" --cache "$UPRES_CACHE" --self-test
  python3 -m py_compile "$ROOT/scripts/gpu_peer.py" && say "peer script compiles"
  say "done"; exit 0
fi

# GPU load once a second while the benches run: where a provider is slow, this says whether the GPU waited.
command -v nvidia-smi >/dev/null && { nvidia-smi dmon -s um -d 1 > "$RESULTS/dmon.txt" 2>&1 & }
# One process per provider run, so that a provider that crashes takes no other row with it.
bench() {  # NAME TIMEOUT ARGS...: rows in $RESULTS/NAME.txt, JSON in $WORK/NAME.json
  local name=$1 limit=$2; shift 2
  say "upres gpu-bench $* (${FRAMES} frames, 3 in flight)"
  timeout "$limit" "$UPRES" gpu-bench "$@" --frames "$FRAMES" --frame-dir "$WORK/frames" \
    --json "$WORK/$name.json" --save-outputs "$WORK/outputs" 2>&1 | grep -v '^ *at \|^$' | tee "$RESULTS/$name.txt"
}
bench cuda 150 --provider cuda
# WebGPU runs about 7 frames a second at 720p on an H200 (docs/gpu.md): fewer frames keep it short.
FRAMES=$(( FRAMES < 24 ? FRAMES : 24 )) bench webgpu 150 --provider webgpu
# ONNX Runtime's CUDA provider is built against its own package's runtime; if it does not load
# beside the WebGPU runtime Upres ships, try it once more beside that package's libonnxruntime.so.
if [ -n "${UPRES_CUDA_PROVIDER_DIR:-}" ] && [ -f "$UPRES_CUDA_PROVIDER_DIR/libonnxruntime.so" ] \
   && grep -q 'cuda .*does not run' "$RESULTS/cuda.txt"; then
  mkdir -p "$WORK/ort-cuda"
  cp "$UPRES_CUDA_PROVIDER_DIR"/libonnxruntime*.so "$WORK/ort-cuda/"
  UPRES_ORT_LIB=$WORK/ort-cuda/libonnxruntime.so bench cuda 150 --provider cuda
fi
say "PyTorch fp16 peer on the same GPU"
PYTHONUNBUFFERED=1 timeout 120 python3 "$ROOT/scripts/gpu_peer.py" --cache "$UPRES_CACHE" --ours "$WORK/cuda.json" --ours "$WORK/webgpu.json" \
  --outputs "$WORK/outputs" --frame-dir "$WORK/frames" --frames "$FRAMES" 2>&1 | tee "$RESULTS/peer.txt"
say "frames in flight: 1 and 6, cuda, x2 at 720p (3 is above)"
for n in 1 6; do
  timeout 60 "$UPRES" gpu-bench --provider cuda --model realesr-animevideov3-x2 --input 1280x720 \
    --frames "$FRAMES" --in-flight "$n" --no-cpu --frame-dir "$WORK/frames" 2>&1 | grep -E '^realesr' | sed "s/^/in-flight $n: /"
done | tee "$RESULTS/in-flight.txt"
say "done"
