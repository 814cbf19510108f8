"""Weights in dlnet's format (TensorFlow.js model.json + weights.bin), read into and written from a model."""
import json
import os

import numpy as np

def read_tfjs_weights(folder):
    """model.json + its weight files → {name: array}."""
    with open(os.path.join(folder, 'model.json')) as f:
        manifest = json.load(f)['weightsManifest']
    out = {}
    for group in manifest:
        data = b''.join(open(os.path.join(folder, p), 'rb').read() for p in group['paths'])
        offset = 0
        for spec in group['weights']:
            dtype = {'float32': np.float32, 'int32': np.int32}[spec['dtype']]
            count = int(np.prod(spec['shape'])) if spec['shape'] else 1
            out[spec['name']] = np.frombuffer(data, dtype, count, offset).reshape(spec['shape']).copy()
            offset += count * 4
    return out


def _split_names(names):
    """{'conv1/kernel': a} → {'conv1': {'kernel': a}}."""
    layers = {}
    for name, value in names.items():
        layer, _, rest = name.partition('/')
        layers.setdefault(layer, {})[rest] = value
    return layers


def load_tfjs(model, folder):
    """Loads a dlnet (TensorFlow.js) model's weights: a run folder or an export's tfjs/ folder."""
    by_layer = _split_names(read_tfjs_weights(folder))
    layers = model.tfjs_layers()
    unknown = sorted(set(by_layer) - set(layers))
    if unknown:
        raise ValueError(f'{folder}: weights for layers this model does not have: {", ".join(unknown)}')
    for name, layer in layers.items():
        layer.from_tfjs(by_layer.get(name, {}))


def save_tfjs(model, folder, template):
    """Writes model.json (the template's topology) and weights.bin with this model's weights, for dlnet and TensorFlow.js."""
    with open(template) as f:
        doc = json.load(f)
    values = {}
    for name, layer in model.tfjs_layers().items():
        values.update({f'{name}/{k}': v for k, v in layer.to_tfjs().items()})
    chunks = []
    for group in doc['weightsManifest']:
        for spec in group['weights']:
            array = np.asarray(values[spec['name']], dtype=np.float32 if spec['dtype'] == 'float32' else np.int32)
            if list(array.shape) != list(spec['shape']):
                raise ValueError(f'{spec["name"]}: shape {list(array.shape)} but model.json says {spec["shape"]}')
            chunks.append(np.ascontiguousarray(array).tobytes())
    merged = [w for group in doc['weightsManifest'] for w in group['weights']]
    doc['weightsManifest'] = [{'paths': ['weights.bin'], 'weights': merged}]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'weights.bin'), 'wb') as f:
        f.write(b''.join(chunks))
    with open(os.path.join(folder, 'model.json'), 'w') as f:
        json.dump(doc, f)
