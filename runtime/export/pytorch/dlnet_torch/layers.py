"""dlnet's layers in PyTorch, channels-last as in dlnet and TensorFlow.js.

An image is [batch, height, width, channels] and a sequence [batch, steps, features].
Layers that PyTorch runs channels-first (convolutions, pooling) permute on the way in
and out, so `flatten` sees the same element order as in dlnet and weights load
unchanged. Every layer with weights reads and writes them in TensorFlow.js layout
(`from_tfjs` / `to_tfjs`).
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------- activations

ACTIVATIONS = {
    None: lambda x: x,
    'linear': lambda x: x,
    'relu': F.relu,
    'relu6': lambda x: torch.clamp(x, 0, 6),
    'elu': F.elu,
    'selu': F.selu,
    'gelu': F.gelu,
    'tanh': torch.tanh,
    'sigmoid': torch.sigmoid,
    'hardSigmoid': lambda x: torch.clamp(0.2 * x + 0.5, 0, 1),
    'softmax': lambda x: torch.softmax(x, -1),
    'softplus': F.softplus,
    'softsign': F.softsign,
    'swish': F.silu,
    'mish': lambda x: x * torch.tanh(F.softplus(x)),
}


def activation(name):
    return ACTIVATIONS[name]


# ---------------------------------------------------------------- initialisers


def _fans(t):
    """Fans as TensorFlow.js computes them, from a PyTorch-layout weight."""
    if t.dim() < 2:
        return t.numel(), t.numel()
    receptive = t[0][0].numel() if t.dim() > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


@torch.no_grad()
def initialise(t, init):
    """Fills a weight in place as TensorFlow.js's initialiser of that name does (truncation at 2 stddev included)."""
    name, args = init if isinstance(init, tuple) else (init, {})
    fan_in, fan_out = _fans(t)
    scaling = {
        'glorotUniform': (1.0, (fan_in + fan_out) / 2, 'uniform'), 'glorotNormal': (1.0, (fan_in + fan_out) / 2, 'normal'),
        'heUniform': (2.0, fan_in, 'uniform'), 'heNormal': (2.0, fan_in, 'normal'),
        'lecunUniform': (1.0, fan_in, 'uniform'), 'lecunNormal': (1.0, fan_in, 'normal'),
    }
    if name in scaling:
        scale, n, dist = scaling[name]
        scale /= max(1.0, n)
        if dist == 'uniform':
            limit = math.sqrt(3 * scale)
            return t.uniform_(-limit, limit)
        std = math.sqrt(scale)
        return nn.init.trunc_normal_(t, 0.0, std, -2 * std, 2 * std)
    if name == 'orthogonal':
        return nn.init.orthogonal_(t)
    if name == 'zeros':
        return t.zero_()
    if name == 'ones':
        return t.fill_(1.0)
    if name == 'randomNormal':
        return t.normal_(args.get('mean', 0.0), args.get('stddev', 0.05))
    if name == 'randomUniform':
        return t.uniform_(args.get('minval', -0.05), args.get('maxval', 0.05))
    if name == 'truncatedNormal':
        mean, std = args.get('mean', 0.0), args.get('stddev', 0.05)
        return nn.init.trunc_normal_(t, mean, std, mean - 2 * std, mean + 2 * std)
    raise ValueError(f'unknown initialiser {name}')


def _set(param, array):
    with torch.no_grad():
        value = torch.as_tensor(np.ascontiguousarray(array), dtype=param.dtype)
        if tuple(value.shape) != tuple(param.shape):
            raise ValueError(f'weight of shape {list(value.shape)} does not fit {list(param.shape)}')
        param.copy_(value)


def _np(param):
    return param.detach().cpu().numpy()


class Layer(nn.Module):
    """A dlnet layer. Layers with weights override from_tfjs/to_tfjs (TensorFlow.js names → arrays)."""

    def from_tfjs(self, weights):
        if weights:
            raise ValueError(f'{type(self).__name__} has no weights but got {sorted(weights)}')

    def to_tfjs(self):
        return {}


# ---------------------------------------------------------------- padding like TensorFlow's 'same'


def same_padding(size, kernel, stride, dilation=1):
    """(before, after) so that the output has ceil(size / stride) positions; the odd pixel goes after, as in TensorFlow."""
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def pad_same(x, kernels, strides, dilations, value=0.0):
    """Pads the spatial axes of a channels-first tensor [B, C, *spatial]."""
    pads = []
    for axis in reversed(range(len(kernels))):
        pads += same_padding(x.shape[2 + axis], kernels[axis], strides[axis], dilations[axis])
    return F.pad(x, pads, value=value) if any(pads) else x


def to_channels_first(x):
    return x.movedim(-1, 1)


def to_channels_last(x):
    return x.movedim(1, -1)


# ---------------------------------------------------------------- core layers


class Dense(nn.Linear, Layer):
    """dense(units): acts on the last axis of inputs of any rank."""

    def __init__(self, inputs, units, activation=None, bias=True, init='glorotUniform', bias_init='zeros', regularizer=None):
        nn.Linear.__init__(self, inputs, units, bias=bias)
        self.act, self.regularizer = ACTIVATIONS[activation], regularizer
        initialise(self.weight, init)
        if bias:
            initialise(self.bias, bias_init)

    def forward(self, x):
        return self.act(super().forward(x))

    def kernel_weight(self):
        return self.weight

    def from_tfjs(self, w):
        _set(self.weight, w['kernel'].T)
        if self.bias is not None:
            _set(self.bias, w['bias'])

    def to_tfjs(self):
        out = {'kernel': _np(self.weight).T}
        if self.bias is not None:
            out['bias'] = _np(self.bias)
        return out


class Embedding(nn.Embedding, Layer):
    def __init__(self, input_dim, output_dim, init='randomUniform'):
        nn.Embedding.__init__(self, input_dim, output_dim)
        initialise(self.weight, init)

    def forward(self, x):
        return super().forward(x.long())

    def from_tfjs(self, w):
        _set(self.weight, w['embeddings'])

    def to_tfjs(self):
        return {'embeddings': _np(self.weight)}


class Flatten(Layer):
    def forward(self, x):
        return x.reshape(x.shape[0], -1)


class Reshape(Layer):
    def __init__(self, shape):
        super().__init__()
        self.shape = list(shape)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


class Permute(Layer):
    """dims count from 1, the batch axis excluded, as in dlnet."""

    def __init__(self, dims):
        super().__init__()
        self.dims = [0] + list(dims)

    def forward(self, x):
        return x.permute(*self.dims)


class RepeatVector(Layer):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        return x.unsqueeze(1).expand(-1, self.n, -1)


class Activation(Layer):
    def __init__(self, name, **args):
        super().__init__()
        self.name, self.args = name, args

    def forward(self, x):
        if self.name == 'leakyRelu':
            return F.leaky_relu(x, self.args['alpha'])
        if self.name == 'elu':
            return F.elu(x, self.args['alpha'])
        if self.name == 'softmax':
            return torch.softmax(x, self.args['axis'])
        return ACTIVATIONS[self.name](x)


# ---------------------------------------------------------------- regularisation


class Dropout(Layer):
    """dropout, spatialDropout1d/2d (whole channels: the mask is shared over the spatial axes) and gaussianNoise."""

    def __init__(self, rate=0.0, spatial=False, noise=0.0):
        super().__init__()
        self.rate, self.spatial, self.noise = rate, spatial, noise

    def forward(self, x):
        if not self.training:
            return x
        if self.noise:
            return x + torch.randn_like(x) * self.noise
        if self.rate == 0:
            return x
        if not self.spatial:
            return F.dropout(x, self.rate, True)
        shape = [x.shape[0]] + [1] * (x.dim() - 2) + [x.shape[-1]]
        keep = 1 - self.rate
        return x * (torch.rand(shape, device=x.device) < keep).to(x.dtype) / keep


class BatchNorm(Layer):
    """Normalises `axis` over the batch and every other axis; TensorFlow.js momentum m is PyTorch's 1 - m."""

    def __init__(self, channels, axis=-1, momentum=0.99, epsilon=1e-3):
        super().__init__()
        self.axis = axis
        self.norm = nn.BatchNorm1d(channels, eps=epsilon, momentum=1 - momentum)

    def forward(self, x):
        moved = x.movedim(self.axis, 1)
        shape = moved.shape
        y = self.norm(moved.reshape(shape[0], shape[1], -1)).reshape(shape)
        return y.movedim(1, self.axis)

    def from_tfjs(self, w):
        _set(self.norm.weight, w['gamma'])
        _set(self.norm.bias, w['beta'])
        _set(self.norm.running_mean, w['moving_mean'])
        _set(self.norm.running_var, w['moving_variance'])

    def to_tfjs(self):
        n = self.norm
        return {'gamma': _np(n.weight), 'beta': _np(n.bias), 'moving_mean': _np(n.running_mean), 'moving_variance': _np(n.running_var)}


class LayerNorm(Layer):
    def __init__(self, channels, axis=-1, epsilon=1e-3):
        super().__init__()
        self.axis = axis
        self.norm = nn.LayerNorm(channels, eps=epsilon)

    def forward(self, x):
        return self.norm(x.movedim(self.axis, -1)).movedim(-1, self.axis)

    def from_tfjs(self, w):
        _set(self.norm.weight, w['gamma'])
        _set(self.norm.bias, w['beta'])

    def to_tfjs(self):
        return {'gamma': _np(self.norm.weight), 'beta': _np(self.norm.bias)}


# ---------------------------------------------------------------- convolution


class Conv(Layer):
    """conv1d / conv2d on channels-last input, with TensorFlow's 'same' padding (the odd pixel after)."""

    def __init__(self, dims, channels, filters, kernel, strides, padding='valid', dilation=None, activation=None, bias=True, init='glorotUniform', regularizer=None):
        super().__init__()
        self.regularizer = regularizer
        dilation = dilation or [1] * dims
        self.kernel, self.strides, self.dilation, self.same = kernel, strides, dilation, padding == 'same'
        make = nn.Conv1d if dims == 1 else nn.Conv2d
        self.conv = make(channels, filters, kernel, stride=strides, dilation=dilation, bias=bias)
        self.act = ACTIVATIONS[activation]
        initialise(self.conv.weight, init)
        if bias:
            nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        x = to_channels_first(x)
        if self.same:
            x = pad_same(x, self.kernel, self.strides, self.dilation)
        return self.act(to_channels_last(self.conv(x)))

    def kernel_weight(self):
        return self.conv.weight

    # TensorFlow.js kernels are [*kernel, in, out]; PyTorch's [out, in, *kernel].
    def from_tfjs(self, w):
        k = w['kernel']
        _set(self.conv.weight, np.moveaxis(k, [-1, -2], [0, 1]))
        if self.conv.bias is not None:
            _set(self.conv.bias, w['bias'])

    def to_tfjs(self):
        out = {'kernel': np.moveaxis(_np(self.conv.weight), [0, 1], [-1, -2])}
        if self.conv.bias is not None:
            out['bias'] = _np(self.conv.bias)
        return out


class ConvTranspose2d(Layer):
    """conv2dTranspose: output size in·stride ('same') or in·stride + max(kernel - stride, 0) ('valid'), as in TensorFlow."""

    def __init__(self, channels, filters, kernel, strides, padding='valid', activation=None, bias=True, init='glorotUniform', regularizer=None):
        super().__init__()
        self.kernel, self.strides, self.same, self.regularizer = kernel, strides, padding == 'same', regularizer
        self.conv = nn.ConvTranspose2d(channels, filters, kernel, stride=strides, bias=bias)
        self.act = ACTIVATIONS[activation]
        # PyTorch's [in, out, kh, kw] read as [out, in, ...] gives the fans of TensorFlow.js's [kh, kw, out, in] kernel.
        initialise(self.conv.weight, init)
        if bias:
            nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        # The bias goes on after cropping or padding: TensorFlow adds it to the padded positions too.
        y = F.conv_transpose2d(to_channels_first(x), self.conv.weight, None, self.strides)
        for axis in (0, 1):
            # PyTorch gives (in-1)·stride + kernel; a kernel smaller than its stride ('valid') leaves TensorFlow's last stride-kernel rows empty.
            size, stride, kernel = x.shape[1 + axis], self.strides[axis], self.kernel[axis]
            target = size * stride if self.same else size * stride + max(kernel - stride, 0)
            excess = y.shape[2 + axis] - target
            if excess > 0:
                y = y.narrow(2 + axis, excess // 2, target)
            elif excess < 0:
                pads = [0, 0, 0, 0]
                pads[(1 - axis) * 2 + 1] = -excess
                y = F.pad(y, pads)
        y = to_channels_last(y)
        return self.act(y if self.conv.bias is None else y + self.conv.bias)

    def kernel_weight(self):
        return self.conv.weight

    # TensorFlow.js: [kh, kw, out, in]; PyTorch: [in, out, kh, kw].
    def from_tfjs(self, w):
        _set(self.conv.weight, np.transpose(w['kernel'], (3, 2, 0, 1)))
        if self.conv.bias is not None:
            _set(self.conv.bias, w['bias'])

    def to_tfjs(self):
        out = {'kernel': np.transpose(_np(self.conv.weight), (2, 3, 1, 0))}
        if self.conv.bias is not None:
            out['bias'] = _np(self.conv.bias)
        return out


def _depthwise_from_tfjs(k):
    """[kh, kw, in, mult] → [in·mult, 1, kh, kw]; output channel c·mult + m, as in TensorFlow."""
    kh, kw, c, m = k.shape
    return np.transpose(k.reshape(kh, kw, c * m), (2, 0, 1))[:, None]


def _depthwise_to_tfjs(w, channels):
    cm, _, kh, kw = w.shape
    return np.transpose(w[:, 0], (1, 2, 0)).reshape(kh, kw, channels, cm // channels)


class DepthwiseConv2d(Conv):
    def __init__(self, channels, kernel, strides, padding='valid', depth_multiplier=1, activation=None, bias=True, init='glorotUniform'):
        Layer.__init__(self)
        self.kernel, self.strides, self.dilation, self.same, self.regularizer = kernel, strides, [1, 1], padding == 'same', None
        self.channels = channels
        self.conv = nn.Conv2d(channels, channels * depth_multiplier, kernel, stride=strides, groups=channels, bias=bias)
        self.act = ACTIVATIONS[activation]
        k = torch.empty(kernel[0], kernel[1], channels, depth_multiplier)
        initialise(k.permute(3, 2, 0, 1), init)  # fans of the TensorFlow.js kernel: in = kh·kw·c, out = kh·kw·mult
        _set(self.conv.weight, _depthwise_from_tfjs(k.numpy()))
        if bias:
            nn.init.zeros_(self.conv.bias)

    def from_tfjs(self, w):
        _set(self.conv.weight, _depthwise_from_tfjs(w['depthwise_kernel']))
        if self.conv.bias is not None:
            _set(self.conv.bias, w['bias'])

    def to_tfjs(self):
        out = {'depthwise_kernel': _depthwise_to_tfjs(_np(self.conv.weight), self.channels)}
        if self.conv.bias is not None:
            out['bias'] = _np(self.conv.bias)
        return out


class SeparableConv2d(Layer):
    """A depthwise convolution, then a 1x1 convolution across channels."""

    def __init__(self, channels, filters, kernel, strides, padding='valid', depth_multiplier=1, activation=None, bias=True, init='glorotUniform'):
        super().__init__()
        self.depthwise = DepthwiseConv2d(channels, kernel, strides, padding, depth_multiplier, None, False, init)
        self.pointwise = Conv(2, channels * depth_multiplier, filters, [1, 1], [1, 1], 'valid', None, activation, bias, init)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))

    def from_tfjs(self, w):
        self.depthwise.from_tfjs({'depthwise_kernel': w['depthwise_kernel']})
        self.pointwise.from_tfjs({'kernel': w['pointwise_kernel'], **({'bias': w['bias']} if 'bias' in w else {})})

    def to_tfjs(self):
        p = self.pointwise.to_tfjs()
        return {'depthwise_kernel': self.depthwise.to_tfjs()['depthwise_kernel'], 'pointwise_kernel': p.pop('kernel'), **p}


class Pool(Layer):
    """maxPool / avgPool 1d and 2d on channels-last input; 'same' average pooling counts only real pixels, as TensorFlow does."""

    def __init__(self, dims, kind, pool, strides, padding='valid'):
        super().__init__()
        self.dims, self.kind, self.pool, self.strides, self.same = dims, kind, pool, strides, padding == 'same'

    def forward(self, x):
        x = to_channels_first(x)
        fn = {('max', 1): F.max_pool1d, ('max', 2): F.max_pool2d, ('avg', 1): F.avg_pool1d, ('avg', 2): F.avg_pool2d}[(self.kind, self.dims)]
        if self.same:
            ones = [1] * self.dims
            if self.kind == 'max':
                y = fn(pad_same(x, self.pool, self.strides, ones, -math.inf), self.pool, self.strides)
            else:
                total = fn(pad_same(x, self.pool, self.strides, ones), self.pool, self.strides)
                count = fn(pad_same(torch.ones_like(x[:1, :1]), self.pool, self.strides, ones), self.pool, self.strides)
                y = total / count
        else:
            y = fn(x, self.pool, self.strides)
        return to_channels_last(y)


class GlobalPool(Layer):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def forward(self, x):
        axes = tuple(range(1, x.dim() - 1))
        return x.mean(axes) if self.kind == 'avg' else x.amax(axes)


class UpSampling2d(Layer):
    def __init__(self, size):
        super().__init__()
        self.size = size

    def forward(self, x):
        return x.repeat_interleave(self.size[0], 1).repeat_interleave(self.size[1], 2)


class ZeroPadding2d(Layer):
    def __init__(self, padding):
        super().__init__()
        self.padding = padding

    def forward(self, x):
        (top, bottom), (left, right) = self.padding
        return F.pad(x, (0, 0, left, right, top, bottom))


class Cropping2d(Layer):
    def __init__(self, cropping):
        super().__init__()
        self.cropping = cropping

    def forward(self, x):
        (top, bottom), (left, right) = self.cropping
        return x[:, top:x.shape[1] - bottom, left:x.shape[2] - right]


# ---------------------------------------------------------------- recurrent


class Recurrent(Layer):
    """simpleRnn, lstm and gru as TensorFlow.js computes them (gru without reset_after), a step at a time.

    Weights are kept in TensorFlow.js layout (kernel [in, gates·units], recurrent_kernel
    [units, gates·units], one bias) with its gate order: lstm i, f, c, o; gru z, r, h.
    Dropout masks, as in TensorFlow.js, are drawn once per sequence.
    """

    GATES = {'simpleRnn': 1, 'lstm': 4, 'gru': 3}

    def __init__(self, cell, inputs, units, activation='tanh', recurrent_activation='sigmoid', return_sequences=False,
                 init='glorotUniform', recurrent_init='orthogonal', dropout=0.0, recurrent_dropout=0.0, go_backwards=False):
        super().__init__()
        self.cell, self.units, self.return_sequences, self.go_backwards = cell, units, return_sequences, go_backwards
        self.act, self.gate = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
        g = self.GATES[cell]
        # Created as [out, in] so the initialisers see TensorFlow.js's fans, then stored transposed.
        self.kernel = nn.Parameter(initialise(torch.empty(g * units, inputs), init).T.contiguous())
        self.recurrent_kernel = nn.Parameter(initialise(torch.empty(g * units, units), recurrent_init).T.contiguous())
        self.bias = nn.Parameter(torch.zeros(g * units))

    def _mask(self, x, rate):
        if not self.training or rate == 0:
            return None
        return (torch.rand_like(x) >= rate).to(x.dtype) / (1 - rate)

    def _fused(self):
        """PyTorch's own kernel (cuDNN on a GPU) where its cell is the same: lstm with tanh/sigmoid, simpleRnn with tanh/relu, no dropout."""
        if self.training and (self.dropout or self.recurrent_dropout):
            return None
        acts = (self.act, self.gate)
        if self.cell == 'lstm' and acts == (ACTIVATIONS['tanh'], ACTIVATIONS['sigmoid']):
            return torch.lstm
        if self.cell == 'simpleRnn' and self.act in (ACTIVATIONS['tanh'], ACTIVATIONS['relu']):
            return torch.rnn_tanh if self.act is ACTIVATIONS['tanh'] else torch.rnn_relu
        return None

    def forward(self, x):
        fused = self._fused()
        if fused is not None:
            xs = x.flip(1) if self.go_backwards else x
            h0 = x.new_zeros(1, x.shape[0], self.units)
            # Contiguous: cuDNN flattens the weights with view(), which a transposed view fails.
            weights = [self.kernel.T.contiguous(), self.recurrent_kernel.T.contiguous(), self.bias, torch.zeros_like(self.bias)]
            if fused is torch.lstm:
                out, h, _ = fused(xs, (h0, h0), weights, True, 1, 0.0, self.training, False, True)
            else:
                out, h = fused(xs, h0, weights, True, 1, 0.0, self.training, False, True)
            return out if self.return_sequences else h[0]
        batch, steps = x.shape[0], x.shape[1]
        h = x.new_zeros(batch, self.units)
        c = x.new_zeros(batch, self.units)
        in_mask = self._mask(x[:, 0], self.dropout)
        rec_mask = self._mask(h, self.recurrent_dropout)
        # The input projection of every step at once; only the recurrence is sequential.
        xs = x if in_mask is None else x * in_mask.unsqueeze(1)
        projected = xs @ self.kernel + self.bias
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs = []
        u = self.units
        for t in order:
            xt = projected[:, t]
            hr = h if rec_mask is None else h * rec_mask
            if self.cell == 'simpleRnn':
                h = self.act(xt + hr @ self.recurrent_kernel)
            elif self.cell == 'lstm':
                z = xt + hr @ self.recurrent_kernel
                i, f, g, o = self.gate(z[:, :u]), self.gate(z[:, u:2 * u]), self.act(z[:, 2 * u:3 * u]), self.gate(z[:, 3 * u:])
                c = f * c + i * g
                h = o * self.act(c)
            else:
                inner = hr @ self.recurrent_kernel[:, :2 * u]
                zg = self.gate(xt[:, :u] + inner[:, :u])
                r = self.gate(xt[:, u:2 * u] + inner[:, u:])
                hh = self.act(xt[:, 2 * u:] + (r * hr) @ self.recurrent_kernel[:, 2 * u:])
                h = zg * h + (1 - zg) * hh
            if self.return_sequences:
                outputs.append(h)
        if not self.return_sequences:
            return h
        return torch.stack(outputs, 1)

    def from_tfjs(self, w):
        _set(self.kernel, w['kernel'])
        _set(self.recurrent_kernel, w['recurrent_kernel'])
        _set(self.bias, w['bias'])

    def to_tfjs(self):
        return {'kernel': _np(self.kernel), 'recurrent_kernel': _np(self.recurrent_kernel), 'bias': _np(self.bias)}


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy backwards; TensorFlow.js names their weights forward_<inner>/ and backward_<inner>/."""

    def __init__(self, forward, backward, inner_name, merge='concat'):
        super().__init__()
        self.forward_layer, self.backward_layer, self.inner_name, self.merge = forward, backward, inner_name, merge
        backward.go_backwards = True

    def forward(self, x):
        a = self.forward_layer(x)
        b = self.backward_layer(x)
        if self.backward_layer.return_sequences:
            b = b.flip(1)
        if self.merge == 'concat':
            return torch.cat([a, b], -1)
        if self.merge == 'sum':
            return a + b
        if self.merge == 'mul':
            return a * b
        return (a + b) / 2

    def from_tfjs(self, w):
        for prefix, layer in (('forward_', self.forward_layer), ('backward_', self.backward_layer)):
            start = f'{prefix}{self.inner_name}/'
            layer.from_tfjs({k[len(start):]: v for k, v in w.items() if k.startswith(start)})

    def to_tfjs(self):
        out = {}
        for prefix, layer in (('forward_', self.forward_layer), ('backward_', self.backward_layer)):
            out.update({f'{prefix}{self.inner_name}/{k}': v for k, v in layer.to_tfjs().items()})
        return out


class TimeDistributed(Layer):
    """Applies a layer to every step: [batch, steps, ...] → [batch·steps, ...] and back."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        b, t = x.shape[0], x.shape[1]
        y = self.layer(x.reshape(b * t, *x.shape[2:]))
        return y.reshape(b, t, *y.shape[1:])

    def from_tfjs(self, w):
        self.layer.from_tfjs(w)

    def to_tfjs(self):
        return self.layer.to_tfjs()


# ---------------------------------------------------------------- merges


class Merge(Layer):
    def __init__(self, kind, axis=-1, axes=(-1, -1), normalize=False):
        super().__init__()
        self.kind, self.axis, self.axes, self.normalize = kind, axis, axes, normalize

    def forward(self, *xs):
        if self.kind == 'add':
            return sum(xs[1:], xs[0])
        if self.kind == 'subtract':
            return xs[0] - xs[1]
        if self.kind == 'multiply':
            out = xs[0]
            for x in xs[1:]:
                out = out * x
            return out
        if self.kind == 'average':
            return sum(xs[1:], xs[0]) / len(xs)
        if self.kind == 'maximum':
            out = xs[0]
            for x in xs[1:]:
                out = torch.maximum(out, x)
            return out
        if self.kind == 'concat':
            return torch.cat(xs, self.axis)
        a, b = xs
        if self.normalize:
            a, b = F.normalize(a, dim=self.axes[0]), F.normalize(b, dim=self.axes[1])
        # Batched tensordot over one axis of each (the batch axis stays).
        a = a.movedim(self.axes[0], -1)
        b = b.movedim(self.axes[1], 1)
        out = torch.bmm(a.reshape(a.shape[0], -1, a.shape[-1]), b.reshape(b.shape[0], b.shape[1], -1))
        shape = list(a.shape[1:-1]) + list(b.shape[2:])
        return out.reshape(a.shape[0], *shape) if shape else out.reshape(a.shape[0], 1)


# ---------------------------------------------------------------- regions and capsules


class RoiAlign(Layer):
    """Bilinear samples on a size[0] x size[1] grid inside each box (y1, x1, y2, x2 in 0..1): [B, R, oh, ow, C]."""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def forward(self, features, boxes):
        b, h, w, c = features.shape
        oh, ow = self.size
        frac = lambda n: (torch.arange(n, device=boxes.device, dtype=boxes.dtype) + 0.5) / n
        y1, x1, y2, x2 = boxes[..., 0:1], boxes[..., 1:2], boxes[..., 2:3], boxes[..., 3:4]
        ys = ((y1 + (y2 - y1) * frac(oh)) * h - 0.5).clamp(0, h - 1)  # [B, R, oh]
        xs = ((x1 + (x2 - x1) * frac(ow)) * w - 0.5).clamp(0, w - 1)  # [B, R, ow]
        y0, x0 = ys.floor(), xs.floor()
        y1i, x1i = (y0 + 1).clamp(max=h - 1), (x0 + 1).clamp(max=w - 1)
        wy = (ys - y0)[..., :, None, None]
        wx = (xs - x0)[..., None, :, None]
        flat = features.reshape(b * h * w, c)
        base = (torch.arange(b, device=boxes.device) * h * w).view(b, 1, 1, 1)
        regions = boxes.shape[1]

        def gather(yy, xx):
            idx = base + yy.long()[..., :, None] * w + xx.long()[..., None, :]
            return flat[idx.reshape(-1)].reshape(b, regions, oh, ow, c)

        top = gather(y0, x0) * (1 - wx) + gather(y0, x1i) * wx
        bottom = gather(y1i, x0) * (1 - wx) + gather(y1i, x1i) * wx
        return top * (1 - wy) + bottom * wy


def squash(s, eps=1e-7):
    sq = (s * s).sum(-1, keepdim=True)
    return sq / (1 + sq) * s / torch.sqrt(sq + eps)


class PrimaryCaps(Layer):
    """A valid convolution whose channels form capsules of `dim` values, squashed: [h, w, c] → [h'·w'·capsules, dim]."""

    def __init__(self, channels, capsules, dim, kernel, strides):
        super().__init__()
        self.dim = dim
        self.conv = Conv(2, channels, capsules * dim, kernel, strides)

    def forward(self, x):
        y = self.conv(x)
        return squash(y.reshape(x.shape[0], -1, self.dim))

    def from_tfjs(self, w):
        self.conv.from_tfjs(w)

    def to_tfjs(self):
        return self.conv.to_tfjs()


class Capsules(Layer):
    """Capsules fed by dynamic routing by agreement (Sabour, Frosst & Hinton 2017). W is [N, D, count·dim] as in dlnet."""

    def __init__(self, inputs, input_dim, count, dim, routing):
        super().__init__()
        self.count, self.dim, self.routing = count, dim, routing
        w = torch.empty(count * dim, input_dim, inputs).permute(2, 1, 0)  # fans as TensorFlow.js computes them
        initialise(w.permute(2, 1, 0), 'glorotUniform')
        self.W = nn.Parameter(w.contiguous())

    def forward(self, u):
        b, n = u.shape[0], u.shape[1]
        u_hat = torch.einsum('bnd,ndk->bnk', u, self.W).reshape(b, n, self.count, self.dim)
        stopped = u_hat.detach()
        logits = u.new_zeros(b, n, self.count)
        v = None
        for r in range(self.routing):
            c = torch.softmax(logits, 2).unsqueeze(3)
            last = r == self.routing - 1
            v = squash((c * (u_hat if last else stopped)).sum(1))
            if not last:
                logits = logits + (stopped * v.unsqueeze(1)).sum(3)
        return v

    def from_tfjs(self, w):
        _set(self.W, w['W'])

    def to_tfjs(self):
        return {'W': _np(self.W)}


class CapsuleLength(Layer):
    def forward(self, x):
        return torch.sqrt((x * x).sum(-1) + 1e-7)


# ---------------------------------------------------------------- attention


class SelfAttention(Layer):
    """selfAttention(heads, keyDim): multi-head self-attention over [B, T, d]. Its kernels are kept as
    TensorFlow.js keeps them ([d, heads·k], query/key/value, and [heads·k, d] for the output), transposed
    into nn.Linear's weights."""

    PROJECTIONS = ('query', 'key', 'value', 'output')

    def __init__(self, inputs, heads, key_dim, causal=False):
        super().__init__()
        self.heads, self.key_dim, self.causal = heads, int(key_dim), causal
        hk = heads * self.key_dim
        self.query, self.key, self.value = (nn.Linear(inputs, hk) for _ in range(3))
        self.output = nn.Linear(hk, inputs)
        for name in self.PROJECTIONS:
            lin = getattr(self, name)
            initialise(lin.weight, 'glorotUniform')
            initialise(lin.bias, 'zeros')

    def forward(self, x):
        b, t, _ = x.shape

        def per_head(y):
            return y.reshape(b, t, self.heads, self.key_dim).transpose(1, 2)

        q, k, v = per_head(self.query(x)), per_head(self.key(x)), per_head(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.key_dim)
        if self.causal:
            later = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(later, float('-inf'))
        mixed = torch.softmax(scores, -1) @ v
        return self.output(mixed.transpose(1, 2).reshape(b, t, self.heads * self.key_dim))

    def from_tfjs(self, w):
        for name in self.PROJECTIONS:
            lin = getattr(self, name)
            _set(lin.weight, w[f'{name}_kernel'].T)
            _set(lin.bias, w[f'{name}_bias'])

    def to_tfjs(self):
        out = {}
        for name in self.PROJECTIONS:
            lin = getattr(self, name)
            out[f'{name}_kernel'] = _np(lin.weight).T
            out[f'{name}_bias'] = _np(lin.bias)
        return out


class PositionEmbedding(Layer):
    """positionEmbedding(maxLength): a learned vector for each position, added to the step there; embeddings [maxLength, d]."""

    def __init__(self, max_length, features):
        super().__init__()
        self.embeddings = nn.Parameter(torch.empty(max_length, features))
        initialise(self.embeddings, 'glorotUniform')

    def forward(self, x):
        return x + self.embeddings[: x.shape[1]]

    def from_tfjs(self, w):
        _set(self.embeddings, w['embeddings'])

    def to_tfjs(self):
        return {'embeddings': _np(self.embeddings)}
