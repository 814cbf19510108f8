"""Samples/s of an exported dlnet model trained by PyTorch, as bench-train.ts times dlnet:
Adam(0.001), mean squared error, random data, one warm-up epoch, then the median of RUNS epochs.

  python3 bench-pytorch.py EXPORT_DIR CLASS SAMPLES BATCH OUTPUTS RUNS THREADS [DEVICE]   → prints {"samplesPerSec": n}

DEVICE is cpu (default) or cuda; on cuda the data sits on the GPU and each epoch ends
with a synchronize, so the time is the GPU's.
"""
import importlib.util
import json
import os
import sys
import time

import torch

folder, cls, samples, batch, outputs, runs, threads = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:8])
device = torch.device(sys.argv[8] if len(sys.argv) > 8 else 'cpu')
torch.set_num_threads(threads)
sys.path.insert(0, folder)
spec = importlib.util.spec_from_file_location('exported', os.path.join(folder, 'model.py'))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
model = getattr(module, cls)().to(device)
x = torch.randn(samples, *model.input_shapes[0], device=device)
y = torch.rand(samples, outputs, device=device)
opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)


def epoch():
    for i in range(0, samples, batch):
        loss = ((model(x[i:i + batch]) - y[i:i + batch]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    if device.type == 'cuda':
        torch.cuda.synchronize()


epoch()
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    epoch()
    times.append(time.perf_counter() - t0)
print(json.dumps({'samplesPerSec': samples / sorted(times)[len(times) // 2], 'threads': torch.get_num_threads(), 'torch': torch.__version__, 'device': str(device)}))
