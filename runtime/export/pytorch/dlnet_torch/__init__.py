"""dlnet's layers, weights and training loop in PyTorch.

Written by `dlnet export --to pytorch` next to model.py and train.py; the same package
for every export. layers.py: one class per dlnet layer, channels-last; weights.py:
dlnet's (TensorFlow.js) weight files both ways; losses.py: losses and metrics as
TensorFlow.js computes them; fit.py: the training loop, plain or under torchrun.
"""
from .fit import Plan, export_info, main  # noqa: F401
from .layers import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .weights import load_tfjs, read_tfjs_weights, save_tfjs  # noqa: F401
