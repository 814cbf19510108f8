#!/usr/bin/env bash
# On the GPU machine (DEVICE=cpu: the twin without a GPU). Prints the figures; keeps the
# logs in $LOGS and brings back at most 8 files in $OUT (the device tool's limit): the
# errors' tails, the CNN run's events and, with PROFILE=1, the CPU profiles.
set -uo pipefail
cd "$(dirname "$0")"
DEVICE="${DEVICE:-cuda}"
OUT="${OUT:-/tmp/dlnet-device}"
LOGS=/tmp/dlnet-logs
mkdir -p "$OUT" "$LOGS"
finish() {
  tail -n 5 "$LOGS"/*.err > "$OUT/errors.txt" 2>/dev/null
  cp "$LOGS/cnn-webgpu.jsonl" "$OUT/" 2>/dev/null
  for p in step cnn; do f=$(ls "$LOGS/prof-$p"/*.cpuprofile 2>/dev/null | head -1); [ -n "$f" ] && cp "$f" "$OUT/$p.cpuprofile"; done
  return 0
}
trap finish EXIT
# SECTIONS="2 3" runs only those sections (default: all).
want() { [ -z "${SECTIONS:-}" ] || [[ " $SECTIONS " == *" $1 "* ]]; }
export PYTHONUNBUFFERED=1
[ -x node ] || { xz -dc node.xz > node && chmod +x node; }
[ -d dlnet ] || tar -xJf dlnet.tar.xz
[ -d 06-cnn ] || tar -xJf pytorch.tar.xz
NODE="$PWD/node"
if [ "$DEVICE" = cuda ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  for f in gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
fi
want 0 && echo "== 0. adapters" && (cd dlnet && timeout 60 "$NODE" bin/dlnet.js backends 2> "$LOGS/backends.err")
# STEP_MODES and STEP_MODELS narrow section 1 (default: all three modes, all four models);
# STEP_FLAGS="A=1 B=2|A=0" runs each model once per '|'-separated set of tfjs flags.
want 1 && echo "== 1. a training step on webgpu: tfjs's backend as it comes, dlnet's without the bind-group cache, all of dlnet's (with the replayed step's times)" &&
IFS='|' read -ra flagsets <<< "${STEP_FLAGS:- }" &&
for mode in ${STEP_MODES:-tfjs no-cache default}; do
  for model in ${STEP_MODELS:-rings conv8 32x32 LSTM}; do
    [ "$model" = LSTM ] && [ "$mode" = no-cache ] && continue
    for flags in "${flagsets[@]}"; do
      args=(); label=$mode; for f in $flags; do args+=(--flag "$f"); label+=" $f"; done
      (cd dlnet && DLNET_WEBGPU_KERNELS=$mode STEPS=20 timeout 60 "$NODE" dist/bench-step.js --backend webgpu --model "$model" "${args[@]}" 2>> "$LOGS/step.err" | sed -n "3,\$s/^/$label: /p")
    done
  done
done
if want 1 && [ -n "${PROFILE:-}" ]; then
  echo "== 1b. a CPU profile of 100 steps on webgpu (step.cpuprofile)"
  (cd dlnet && STEPS=100 timeout 90 "$NODE" --cpu-prof --cpu-prof-dir="$LOGS/prof-step" dist/bench-step.js --backend webgpu --model "${PROFILE_MODEL:-conv8}" 2>> "$LOGS/step.err" | sed -n '4p;6p')
fi
want 2 && echo "== 2. dlnet on webgpu against PyTorch on $DEVICE (samples/s)" && (cd dlnet && RUNS="${RUNS:-3}" timeout 240 "$NODE" dist/bench-train.js --backend webgpu --vs-pytorch --torch-device "$DEVICE" 2> "$LOGS/bench.err")
if want 3; then
echo "== 3. dlnet train samples/06-cnn.dlnet --backend webgpu"
prof=(); [ -n "${PROFILE:-}" ] && prof=(--cpu-prof --cpu-prof-dir="$LOGS/prof-cnn")
(cd dlnet && timeout 120 "$NODE" "${prof[@]}" bin/dlnet.js train samples/06-cnn.dlnet --backend webgpu --epochs "${EPOCHS:-2}" --json --no-representation --out "$LOGS/runs" > "$LOGS/cnn-webgpu.jsonl" 2> "$LOGS/cnn-webgpu.err")
"$NODE" -e '
const events = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const start = events.find((e) => e.type === "start");
if (!start) { console.log(events); process.exit(0); }
console.log("backend:", start.backend, "-", start.backendReason);
console.log("advice:", start.batchAdvice ? start.batchAdvice.message : "none");
for (const e of events.filter((e) => e.type === "epoch")) console.log("epoch", e.epoch, e.samplesPerSec, "samples/s", JSON.stringify(e.logs));
const end = events.find((e) => e.type === "end"); console.log("end:", end && end.status, end && end.message || "");
' "$LOGS/cnn-webgpu.jsonl"
fi
{ [ -n "${SKIP_EXPORTS:-}" ] || ! want 4; } && exit 0
echo "== 4. exported samples, PyTorch on $DEVICE"
for p in 06-cnn 07-resnet; do
  (cd "$p" && timeout 120 python3 train.py --json --epochs 1 --device "$DEVICE" --out "$LOGS/$p" > "$LOGS/$p.jsonl" 2> "$LOGS/$p.err")
  python3 - "$p" "$LOGS/$p.jsonl" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[2]) if l.startswith('{')]
start = next((e for e in events if e['type'] == 'start'), None)
epochs = [e for e in events if e['type'] == 'epoch']
print(sys.argv[1], start and start['backendReason'], 'samples/s per epoch:', [e['samplesPerSec'] for e in epochs], 'final', epochs[-1]['logs'] if epochs else None)
PY
done
[ "$DEVICE" = cuda ] && (cd 06-cnn && timeout 90 torchrun --standalone --nproc_per_node 1 train.py --epochs 1 --device cuda --out "$LOGS/ddp" 2>&1 | tail -2)
