"""For each exported model: load dlnet's (TensorFlow.js) weights, run it on the given inputs,
count its parameters; then change every weight a little, write them back in dlnet's format
and run it again. The test compares both outputs with TensorFlow.js's.

  python3 check_models.py manifest.json   (cases: dir, class, weights, inputs; writes results)
"""
import importlib.util
import json
import os
import sys

import numpy as np
import torch

manifest = json.load(open(sys.argv[1]))
sys.path.insert(0, manifest['cases'][0]['dir'])
import dlnet_torch as dl  # noqa: E402 (every export carries the same file)


def run(model, inputs):
    with torch.no_grad():
        out = model(*inputs)
    return out if isinstance(out, tuple) else (out,)


results = []
for i, case in enumerate(manifest['cases']):
    try:
        spec = importlib.util.spec_from_file_location(f'exported_{i}', os.path.join(case['dir'], 'model.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        torch.manual_seed(0)
        model = getattr(module, case['class'])()
        dl.load_tfjs(model, case['weights'])
        model.eval()
        inputs = [torch.from_numpy(np.load(p)) for p in case['inputs']]
        outs = run(model, inputs)
        for j, o in enumerate(outs):
            np.save(os.path.join(case['dir'], f'torch_out{j}.npy'), np.ascontiguousarray(o.numpy(), dtype=np.float32))
        params = sum(p.numel() for p in model.parameters())
        params += sum(b.numel() for n, b in model.named_buffers() if n.endswith(('running_mean', 'running_var')))
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.05)
        for j, o in enumerate(run(model, inputs)):
            np.save(os.path.join(case['dir'], f'torch_back{j}.npy'), np.ascontiguousarray(o.numpy(), dtype=np.float32))
        dl.save_tfjs(model, os.path.join(case['dir'], 'back'), os.path.join(case['weights'], 'model.json'))
        results.append({'params': params, 'outputs': len(outs)})
    except Exception as e:  # reported per case, so one failure names its model
        results.append({'error': f'{type(e).__name__}: {e}'})
json.dump(results, open(manifest['results'], 'w'))
