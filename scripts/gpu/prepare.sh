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
# The ninth session's runs on an H200: all sections but 4 with PROFILE=1 (RUNS=3 EPOCHS=1)
# took 148 s of command and 180 s of device time; SECTIONS="2 3" (RUNS=3 EPOCHS=2) 84-112 s
# of command, ~30 s more for the machine's start. The script is scripts/gpu/run.sh.
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

cp scripts/gpu/run.sh .device/run.sh
chmod +x .device/run.sh
du -sh .device .device/*
echo "ready: device run with command 'bash .device/run.sh' and carry ['.device']"
