"""Losses and metrics as TensorFlow.js computes them, and the layers' weight penalties."""
import torch
import torch.nn.functional as F

def regularization_loss(model):
    """The kernelRegularizer penalties of every layer that has one: l1·Σ|w| + l2·Σw²."""
    total = 0.0
    for m in model.modules():
        if getattr(m, 'regularizer', None):
            l1, l2 = m.regularizer
            w = m.kernel_weight()
            total = total + l1 * w.abs().sum() + l2 * (w * w).sum()
    return total


# ---------------------------------------------------------------- losses and metrics (as TensorFlow.js computes them)

EPS = 1e-7


def binary_crossentropy(p, y):
    p = p.clamp(EPS, 1 - EPS)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def categorical_crossentropy(p, y):
    p = (p / p.sum(-1, keepdim=True)).clamp(EPS, 1 - EPS)
    return -(y * torch.log(p)).sum(-1).mean()


def sparse_categorical_crossentropy(p, y):
    p = p.clamp(EPS, 1 - EPS)
    return F.nll_loss(torch.log(p).reshape(-1, p.shape[-1]), y.reshape(-1).long())


def mean_squared_error(p, y):
    return ((p - y) ** 2).mean()


def mean_absolute_error(p, y):
    return (p - y).abs().mean()


def huber(p, y):
    return F.huber_loss(p, y, delta=1.0)


def hinge(p, y):
    y = torch.where(y == 0, -torch.ones_like(y), y)  # 0/1 labels count as -1/1
    return torch.clamp(1 - y * p, min=0).mean()


def _classes(p, y, loss):
    """Predicted and true class per example, the way `accuracy` reads the loss."""
    if loss == 'sparseCategoricalCrossentropy':
        return p.argmax(-1), y.reshape(p.shape[:-1]).long()
    if loss == 'categoricalCrossentropy' or (p.shape[-1] > 1 and loss != 'binaryCrossentropy'):
        return p.argmax(-1), y.argmax(-1)
    return (p > 0.5).long(), (y > 0.5).long()


def metric_sums(names, loss, p, y):
    """{log name: (sum, count)} for one batch; summed over batches (and processes) before dividing."""
    out = {}
    for name in names:
        if name in ('accuracy', 'binaryAccuracy', 'categoricalAccuracy'):
            if name == 'binaryAccuracy':
                pred, true = (p > 0.5).long(), (y > 0.5).long()
            elif name == 'categoricalAccuracy':
                pred, true = p.argmax(-1), y.argmax(-1)
            else:
                pred, true = _classes(p, y, loss)
            out['acc' if name == 'accuracy' else name] = ((pred == true).float().sum().item(), pred.numel())
        elif name in ('precision', 'recall'):
            pred, true = (p > 0.5), (y > 0.5)
            tp = (pred & true).sum().item()
            out[name] = (tp, (pred if name == 'precision' else true).sum().item())
        elif name == 'mse':
            out[name] = (((p - y) ** 2).sum().item(), y.numel())
        elif name == 'mae':
            out[name] = ((p - y).abs().sum().item(), y.numel())
    return out
