#!/usr/bin/env bash
# Prepares the GPU check of `dlnet export --to pytorch` for a session that has the device
# machine (see the `device` tool): exports two CNN samples here into .device/ (ignored by
# git), with a script that trains them on CUDA there and prints samples/s. Then:
#   device run: command "bash .device/run.sh", carry [".device"]
# The machine has python3 with PyTorch and CUDA but no Node, so everything dlnet does
# happens here. Not run yet: the task that wrote it had no GPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
rm -rf .device && mkdir -p .device
npm run build --silent
for sample in 06-cnn 07-resnet; do
  node bin/dlnet.js export "samples/$sample.dlnet" --to pytorch --out ".device/$sample"
done
cat > .device/run.sh <<'RUN'
#!/usr/bin/env bash
# On the GPU machine: each exported sample on CUDA (3 epochs), then a 1-process torchrun (nccl).
set -uo pipefail
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
export PYTHONUNBUFFERED=1
for p in 06-cnn 07-resnet; do
  (cd "$p" && python3 train.py --json --epochs 3 --device cuda --out "${OUT:-/tmp}/$p" > "${OUT:-/tmp}/$p.jsonl" 2> "${OUT:-/tmp}/$p.err")
  python3 - "$p" "${OUT:-/tmp}/$p.jsonl" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[2]) if l.startswith('{')]
start = next(e for e in events if e['type'] == 'start')
epochs = [e for e in events if e['type'] == 'epoch']
print(sys.argv[1], start['backendReason'], 'samples/s per epoch:', [e['samplesPerSec'] for e in epochs], 'final', epochs[-1]['logs'] if epochs else None)
PY
done
(cd 06-cnn && torchrun --standalone --nproc_per_node 1 train.py --epochs 1 --device cuda --out "${OUT:-/tmp}/ddp" | tail -2)
RUN
chmod +x .device/run.sh
du -sh .device
echo "ready: device run with command 'bash .device/run.sh' and carry ['.device']"
