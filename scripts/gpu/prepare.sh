#!/usr/bin/env bash
# Prepares the GPU checks for a session that has the device machine (see the `device`
# tool), in .device/ (ignored by git). Then:
#   device run: command "bash .device/run.sh", carry [".device"]
# The machine has python3 with PyTorch and CUDA but no Node, so .device/ carries this
# machine's Node (xz), the bundles, the optional webgpu packages (Dawn, and tfjs's webgpu
# backend bundled into one file), the Vulkan loader (the machine has the NVIDIA driver's
# Vulkan ICD but no loader), and two CNN samples exported to PyTorch. run.sh:
#   0. the adapters Dawn finds (`dlnet backends`);
#   1. `bench-step`: where a training step's time goes on webgpu, with tfjs's backend as it
#      comes, with dlnet's kernels and uploads but no bind-group cache, and with all
#      (DLNET_WEBGPU_KERNELS=tfjs|no-cache|default; runtime/kernels/webgpu-*.ts);
#   2. `bench-train --backend webgpu --vs-pytorch --torch-device cuda`: dlnet on the GPU
#      through WebGPU against the same models in PyTorch CUDA, on the same card;
#   3. `dlnet train` of the CNN sample on webgpu: the adapter chosen, batch advice, samples/s;
#   4. the exported samples on CUDA (1 epoch) and a 1-process torchrun (nccl); SKIP_EXPORTS=1
#      leaves this out. PROFILE=1 adds a `node --cpu-prof` of the small CNN's steps (1b).
# The fifth session's last call (all sections but 4, RUNS=3 EPOCHS=1) was planned at ~4-5
# minutes of device time including the machine's start.
# `DEVICE=cpu bash .device/run.sh` is its twin on a machine without a GPU (PyTorch on the
# CPU, webgpu on Mesa's software renderer): it checks the packaging, not the speed.
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
rm -rf .device && mkdir -p .device/dlnet
npm run build --silent
for sample in 06-cnn 07-resnet; do
  node bin/dlnet.js export "samples/$sample.dlnet" --to pytorch --out ".device/$sample"
done

# dlnet as it runs from a checkout: bin/, dist/ (no source maps), the samples, the PyTorch timer.
d=.device/dlnet
mkdir -p "$d/dist" "$d/scripts" "$d/node_modules/webgpu/dist/linux-x64" "$d/node_modules/@tensorflow/tfjs-backend-webgpu"
cp -r bin samples package.json "$d/"
cp dist/cli.js dist/tensor-commands.js dist/train-worker.js dist/bench-train.js dist/bench-step.js "$d/dist/"
cp -r dist/wasm dist/data "$d/dist/"
cp scripts/bench-pytorch.py "$d/scripts/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$d/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$d/node_modules/webgpu/dist/linux-x64/"
# tfjs's webgpu backend with its dependencies in one file (they share tfjs's global engine).
node_modules/.bin/esbuild node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js --bundle --platform=node --format=cjs \
  --outfile="$d/node_modules/@tensorflow/tfjs-backend-webgpu/index.js" --log-level=warning
echo '{ "name": "@tensorflow/tfjs-backend-webgpu", "version": "4.22.0", "main": "index.js" }' > "$d/node_modules/@tensorflow/tfjs-backend-webgpu/package.json"
tar -C .device -cJf .device/dlnet.tar.xz dlnet && rm -rf "$d"
# The exported projects hold MNIST as float32 .npy: compressed, they fit the carry limit (64 MiB).
tar -C .device -cJf .device/pytorch.tar.xz 06-cnn 07-resnet && rm -rf .device/06-cnn .device/07-resnet
xz -T0 -6 -c "$(command -v node)" > .device/node.xz
# The Vulkan loader (and GL dispatch libraries) from Debian, unpacked there before Dawn starts.
mkdir -p .device/gl /tmp/dlnet-apt/partial
apt=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/dlnet-apt)
apt-get "${apt[@]}" update > /dev/null && (cd .device/gl && apt-get "${apt[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2> /dev/null)

cat > .device/run.sh <<'RUN'
#!/usr/bin/env bash
# On the GPU machine (DEVICE=cpu: the twin without a GPU). Prints the figures; keeps the logs in $OUT.
set -uo pipefail
cd "$(dirname "$0")"
DEVICE="${DEVICE:-cuda}"
OUT="${OUT:-/tmp/dlnet-device}"
mkdir -p "$OUT"
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
echo "== 0. adapters"
(cd dlnet && timeout 60 "$NODE" bin/dlnet.js backends 2> "$OUT/backends.err")
echo "== 1. a training step on webgpu: tfjs's backend as it comes, dlnet's without the bind-group cache, all of dlnet's"
for mode in tfjs no-cache default; do
  for model in rings conv8 32x32 LSTM; do
    [ "$model" = LSTM ] && [ "$mode" = no-cache ] && continue
    (cd dlnet && DLNET_WEBGPU_KERNELS=$mode STEPS=20 timeout 60 "$NODE" dist/bench-step.js --backend webgpu --model "$model" 2>> "$OUT/step.err" | sed -n "3,4s/^/$mode: /p")
  done
done
if [ -n "${PROFILE:-}" ]; then
  echo "== 1b. a CPU profile of 100 steps of the small CNN on webgpu, into $OUT/prof"
  (cd dlnet && STEPS=100 timeout 90 "$NODE" --cpu-prof --cpu-prof-dir="$OUT/prof" dist/bench-step.js --backend webgpu --model conv8 2>> "$OUT/step.err" | sed -n 4p)
fi
echo "== 2. dlnet on webgpu against PyTorch on $DEVICE (samples/s)"
(cd dlnet && RUNS="${RUNS:-3}" timeout 240 "$NODE" dist/bench-train.js --backend webgpu --vs-pytorch --torch-device "$DEVICE" 2> "$OUT/bench.err")
echo "== 3. dlnet train samples/06-cnn.dlnet --backend webgpu"
(cd dlnet && timeout 120 "$NODE" bin/dlnet.js train samples/06-cnn.dlnet --backend webgpu --epochs "${EPOCHS:-2}" --json --no-representation --out "$OUT/runs" > "$OUT/cnn-webgpu.jsonl" 2> "$OUT/cnn-webgpu.err")
"$NODE" -e '
const events = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const start = events.find((e) => e.type === "start");
if (!start) { console.log(events); process.exit(0); }
console.log("backend:", start.backend, "-", start.backendReason);
console.log("advice:", start.batchAdvice ? start.batchAdvice.message : "none");
for (const e of events.filter((e) => e.type === "epoch")) console.log("epoch", e.epoch, e.samplesPerSec, "samples/s", JSON.stringify(e.logs));
const end = events.find((e) => e.type === "end"); console.log("end:", end && end.status, end && end.message || "");
' "$OUT/cnn-webgpu.jsonl"
[ -n "${SKIP_EXPORTS:-}" ] && exit 0
echo "== 4. exported samples, PyTorch on $DEVICE"
for p in 06-cnn 07-resnet; do
  (cd "$p" && timeout 120 python3 train.py --json --epochs 1 --device "$DEVICE" --out "$OUT/$p" > "$OUT/$p.jsonl" 2> "$OUT/$p.err")
  python3 - "$p" "$OUT/$p.jsonl" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[2]) if l.startswith('{')]
start = next((e for e in events if e['type'] == 'start'), None)
epochs = [e for e in events if e['type'] == 'epoch']
print(sys.argv[1], start and start['backendReason'], 'samples/s per epoch:', [e['samplesPerSec'] for e in epochs], 'final', epochs[-1]['logs'] if epochs else None)
PY
done
[ "$DEVICE" = cuda ] && (cd 06-cnn && timeout 90 torchrun --standalone --nproc_per_node 1 train.py --epochs 1 --device cuda --out "$OUT/ddp" 2>&1 | tail -2)
tail -n 3 "$OUT"/*.err > "$OUT/errors.txt" 2>/dev/null
RUN
chmod +x .device/run.sh
du -sh .device .device/*
echo "ready: device run with command 'bash .device/run.sh' and carry ['.device']"
