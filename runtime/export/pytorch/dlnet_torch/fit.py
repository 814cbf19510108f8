"""The training loop of an exported train statement: one process or DistributedDataParallel
under torchrun, dlnet's JSON-lines events, checkpoints, and weights saved in both formats."""
import copy
import json
import math
import os
import signal
import sys
import threading
import time

import numpy as np
import torch
import torch.nn as nn

from .losses import _classes, binary_crossentropy, metric_sums, regularization_loss
from .weights import load_tfjs, save_tfjs

# ---------------------------------------------------------------- data written by dlnet export


def load_data(folder, name):
    """data/<name>.json describes the columns; each column is a .npy file (float32, examples first)."""
    with open(os.path.join(folder, f'{name}.json')) as f:
        meta = json.load(f)
    features = [torch.from_numpy(np.load(os.path.join(folder, c['file']))) for c in meta['features']]
    labels = torch.from_numpy(np.load(os.path.join(folder, meta['labels']['file']))) if meta.get('labels') else None
    return features, labels, meta


# ---------------------------------------------------------------- processes


class Processes:
    """One process, or one of WORLD_SIZE started by torchrun: DistributedDataParallel over gloo (CPU) or nccl (CUDA)."""

    def __init__(self, device):
        self.world = int(os.environ.get('WORLD_SIZE', '1'))
        self.rank = int(os.environ.get('RANK', '0'))
        local = int(os.environ.get('LOCAL_RANK', '0'))
        cuda = torch.cuda.is_available() and device != 'cpu'
        self.device = torch.device(f'cuda:{local}' if cuda else 'cpu')
        if cuda:
            torch.cuda.set_device(self.device)
        self.backend = 'nccl' if cuda else 'gloo'
        if 'OMP_NUM_THREADS' not in os.environ:
            # Some builds start with one thread where cgroups hide the cores: share the machine's cores between the processes.
            torch.set_num_threads(max(1, (os.cpu_count() or 1) // self.world))
        if self.world > 1:
            import torch.distributed as dist
            dist.init_process_group(self.backend)
            self.dist = dist

    @property
    def main(self):
        return self.rank == 0

    def describe(self):
        where = torch.cuda.get_device_name(self.device) if self.device.type == 'cuda' else f'cpu, {torch.get_num_threads()} threads'
        ranks = f', {self.world} processes ({self.backend}, DistributedDataParallel)' if self.world > 1 else ''
        return f'PyTorch {torch.__version__} on {where}{ranks}'

    def sum(self, values):
        """Sums a list of numbers over every process."""
        if self.world == 1:
            return values
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        self.dist.all_reduce(t)
        return t.tolist()

    def gather(self, value):
        if self.world == 1:
            return [value]
        out = [None] * self.world
        self.dist.all_gather_object(out, value)
        return out

    def close(self):
        if self.world > 1:
            self.dist.destroy_process_group()


# ---------------------------------------------------------------- events: the same JSON lines as `dlnet train --json`


class Events:
    def __init__(self, as_json, enabled):
        self.as_json, self.enabled = as_json, enabled
        self.last_batch = 0.0

    def emit(self, event):
        if not self.enabled:
            return
        event = {k: v for k, v in event.items() if v is not None}  # absent, as in dlnet's stream, rather than null
        if self.as_json:
            print(json.dumps(event), flush=True)
        elif event['type'] == 'start':
            print(f"training {event['model']} on {event['dataset']}: {event['data']['train']} examples, {event['backendReason']}", flush=True)
        elif event['type'] == 'epoch':
            logs = '  '.join(f'{k} {v:.4f}' for k, v in event['logs'].items())
            print(f"epoch {event['epoch']}/{event['epochs']}  {logs}  ({event['samplesPerSec']} samples/s)", flush=True)
        elif event['type'] == 'end':
            print(f"{event['status']} after {event['epochs']} epochs; saved to {event.get('savedTo', '-')}", flush=True)
        elif event['type'] == 'error':
            print(f"error: {event['message']}", file=sys.stderr, flush=True)

    def batch(self, event):
        now = time.time()
        if now - self.last_batch >= 0.25:
            self.last_batch = now
            self.emit(event)


# ---------------------------------------------------------------- stop, pause, resume


class Control:
    """Stop, pause and resume: {"type": "stop" | "pause" | "resume"} lines on stdin (the editor's panel), or Ctrl-C to stop."""

    def __init__(self, listen_stdin):
        self.stop_requested = False
        self.running = threading.Event()
        self.running.set()
        signal.signal(signal.SIGINT, self._interrupt)
        if listen_stdin:
            threading.Thread(target=self._read, daemon=True).start()

    def _interrupt(self, *_):
        if self.stop_requested:  # a second Ctrl-C ends at once
            raise KeyboardInterrupt
        self.stop_requested = True
        self.running.set()

    def _read(self):
        for line in sys.stdin:
            try:
                kind = json.loads(line).get('type')
            except (ValueError, AttributeError):
                continue
            if kind == 'stop':
                self.stop_requested = True
                self.running.set()
            elif kind == 'pause':
                self.running.clear()
            elif kind == 'resume':
                self.running.set()

    def should_stop(self, procs):
        """Waits while paused; every process stops at the same step, or DistributedDataParallel would hang."""
        self.running.wait()
        if procs.world == 1:
            return self.stop_requested
        return procs.sum([1.0 if self.stop_requested else 0.0])[0] > 0


# ---------------------------------------------------------------- the run


class Watch:
    """A value watched epoch by epoch, as runtime/train/watch.ts: better than the best by more than min_delta (an accuracy higher, a loss lower)."""

    def __init__(self, monitor, min_delta):
        self.monitor, self.min_delta = monitor, min_delta
        self.higher_is_better = monitor.endswith('acc')
        self.best, self.best_epoch, self.waited = math.inf, 0, 0

    def improved(self, epoch, logs):
        if self.monitor not in logs:
            raise KeyError(f'{self.monitor} is not among the values this run logs ({", ".join(logs)})')
        score = -logs[self.monitor] if self.higher_is_better else logs[self.monitor]
        if score < self.best - self.min_delta:
            self.best, self.best_epoch, self.waited = score, epoch, 0
            return True
        self.waited += 1
        return False

    @property
    def best_value(self):
        return -self.best if self.higher_is_better else self.best


class Rates:
    """The learning rate epoch by epoch, as runtime/train/optim.ts's LearningRates: train.py's learning_rate(epoch, epochs),
    or reduce_on_plateau, lowered after `patience` epochs without improvement, then none for `cooldown` epochs."""

    def __init__(self, plan, epochs):
        self.plan, self.epochs = plan, epochs
        self.plateau = getattr(plan, 'reduce_on_plateau', None)
        self.watch = Watch(self.plateau['monitor'], self.plateau['min_delta']) if self.plateau else None
        self.lowered = plan.learning_rate(0, epochs)
        self.cooling = 0

    def at(self, epoch):
        return self.lowered if self.plateau else self.plan.learning_rate(epoch, self.epochs)

    def observe(self, epoch, logs):
        """Reads an epoch's logs; where the rate is lowered, why, in words."""
        p, watch = self.plateau, self.watch
        if not p:
            return None
        if self.cooling > 0:
            self.cooling -= 1
        better = watch.improved(epoch, logs)
        if self.cooling > 0:
            watch.waited = 0
        if better or watch.waited < p['patience']:
            return None
        watch.waited = 0
        self.cooling = p['cooldown']
        if self.lowered <= p['min_rate']:
            return None
        before = self.lowered
        self.lowered = max(before * p['factor'], p['min_rate'])
        patience = p['patience']
        return (f'reduceOnPlateau: {watch.monitor} has not improved on {_precision(watch.best_value, 4)} (epoch {watch.best_epoch}) '
                f'for {patience} epoch{"" if patience == 1 else "s"}: learning rate {_precision(before, 3)} → {_precision(self.lowered, 3)}')


def _precision(value, digits):
    """A number as JavaScript's toPrecision writes it (0.0300, 1.234e-5), so that both runtimes' notes read alike."""
    if value == 0:
        return '0.' + '0' * (digits - 1) if digits > 1 else '0'
    exponent = math.floor(math.log10(abs(value)))
    if exponent < -6 or exponent >= digits:
        mantissa = f'{value / 10 ** exponent:.{digits - 1}f}'
        return f'{mantissa}e{"+" if exponent >= 0 else "-"}{abs(exponent)}'
    return f'{value:.{max(digits - 1 - exponent, 0)}f}'


class Plan:
    """What a train statement says, as train.py spells it out."""

    def __init__(self, **settings):
        self.__dict__.update(settings)


def _arguments(argv, plan):
    import argparse
    p = argparse.ArgumentParser(description=plan.description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--epochs', type=int, default=plan.epochs)
    p.add_argument('--batch-size', type=int, default=plan.batch_size, help='examples per step over all processes')
    p.add_argument('--out', default=None, help='run folder (default runs/<model>-<time>)')
    p.add_argument('--weights', default=None, help='start from a dlnet (TensorFlow.js) model folder: model.json + weights.bin')
    p.add_argument('--resume', default=None, help='continue from a checkpoint.pt')
    p.add_argument('--device', default='auto', choices=['auto', 'cpu', 'cuda'])
    p.add_argument('--json', action='store_true', help='print JSON-lines events, as dlnet train --json does')
    p.add_argument('--max-batches', type=int, default=None, help='stop each epoch after this many steps (smoke tests)')
    return p.parse_args(argv)


def _run_folder(args, name, procs):
    out = args.out or os.path.join(plan_root(), 'runs', f"{name}-{time.strftime('%Y%m%d-%H%M%S')}")
    if procs.main:
        os.makedirs(out, exist_ok=True)
    return out


def plan_root():
    """The export folder: train.py, model.py, data/, tfjs/ and export.json live here."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def export_info():
    with open(os.path.join(plan_root(), 'export.json')) as f:
        return json.load(f)


def _checksum(model):
    return float(sum(p.detach().double().sum().item() for p in model.parameters()))


def main(plan, argv=None):
    args = _arguments(sys.argv[1:] if argv is None else argv, plan)
    procs = Processes(args.device)
    events = Events(args.json, procs.main)
    control = Control(listen_stdin=args.json and procs.world == 1)
    started = time.time()
    try:
        _train(plan, args, procs, events, control, started)
        code = 0
    except Exception as e:  # every failure ends the stream with an error and a failed end, as dlnet train does
        events.emit({'type': 'error', 'message': f'training failed: {e}', 'line': plan.info['line'], 'file': plan.info['file']})
        events.emit({'type': 'end', 'status': 'failed', 'logs': {}, 'epochs': 0, 'elapsedMs': round((time.time() - started) * 1000)})
        code = 1
    procs.close()
    return code


def _start_event(plan, args, procs, train_size, val_size, batches, epochs):
    info = plan.info
    return {'type': 'start', 'file': info['file'], 'model': info['model'], 'versus': info.get('versus'), 'dataset': info['dataset'],
            'line': info['line'], 'backend': 'pytorch', 'backendReason': procs.describe(), 'backendSkipped': [],
            'summary': info['summary'], 'data': {'train': train_size, 'validation': val_size, 'classes': info.get('classes')},
            'epochs': epochs, 'batchSize': args.batch_size, 'batchesPerEpoch': batches}


def _train(plan, args, procs, events, control, started):
    torch.manual_seed(plan.seed)  # the same initial weights in every process
    root = plan_root()
    train_x, train_y, meta = load_data(os.path.join(root, 'data'), plan.train)
    val = load_data(os.path.join(root, 'data'), plan.validation) if plan.validation else None
    if plan.versus is not None:
        return _train_gan(plan, args, procs, events, control, started, train_x)
    model = plan.model().to(procs.device)
    if args.weights:
        load_tfjs(model, args.weights)
    optimizer = plan.optimizer(model.parameters())
    first_epoch = 0
    if args.resume:
        state = torch.load(args.resume, map_location=procs.device)
        model.load_state_dict(state['model'])
        optimizer.load_state_dict(state['optimizer'])
        first_epoch = state['epoch']
    net = model
    if procs.world > 1:
        net = nn.parallel.DistributedDataParallel(model, device_ids=[procs.device.index] if procs.device.type == 'cuda' else None)
    per_process = max(1, args.batch_size // procs.world)
    size = len(train_x[0])
    # The sampler only deals out example indices; batches are taken from the tensors directly.
    sampler = torch.utils.data.distributed.DistributedSampler(range(size), procs.world, procs.rank, shuffle=plan.shuffle, seed=plan.seed) if procs.world > 1 else None
    generator = torch.Generator().manual_seed(plan.seed + 1)
    per_epoch = -(-(len(sampler) if sampler else size) // per_process)
    batches = per_epoch if args.max_batches is None else min(per_epoch, args.max_batches)
    start = _start_event(plan, args, procs, size, len(val[0][0]) if val else 0, batches, args.epochs)
    if first_epoch:
        start['resumedFrom'] = {'epoch': first_epoch, 'checkpoint': os.path.abspath(args.resume)}
    events.emit(start)
    out = _run_folder(args, plan.info['model'], procs)
    status, logs, epoch = 'completed', {}, first_epoch
    rates = Rates(plan, args.epochs)
    watch = Watch(*plan.early_stopping[:2]) if plan.early_stopping else None
    best = None  # restore_best: (epoch, a copy of the state of the best epoch so far)
    for epoch in range(first_epoch, args.epochs):
        rate = rates.at(epoch)
        for group in optimizer.param_groups:
            group['lr'] = rate
        if sampler:
            sampler.set_epoch(epoch)
        net.train()
        sums, seen, epoch_start = {}, 0, time.time()
        order = torch.tensor(list(sampler)) if sampler else torch.randperm(size, generator=generator) if plan.shuffle else torch.arange(size)
        for b in range(batches):
            if control.should_stop(procs):
                status = 'stopped'
                break
            # Whole-batch indexing: a DataLoader's per-example fetch and collate would cost more than small models' steps.
            idx = order[b * per_process:(b + 1) * per_process]
            xs = [x[idx].to(procs.device, non_blocking=True) for x in train_x]
            y = train_y[idx].to(procs.device, non_blocking=True)
            p = net(*xs)
            loss = plan.loss(p, y) + regularization_loss(model)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            n = len(y)
            value = loss.item()
            if not math.isfinite(value):
                raise FloatingPointError(f'the loss became {value} at epoch {epoch + 1}, batch {b + 1}: lower the learning rate or normalise the inputs')
            batch_sums = {'loss': (value * n, n), **metric_sums(plan.metrics, plan.loss_name, p.detach(), y)}
            for k, (s, c) in batch_sums.items():
                a, d = sums.get(k, (0.0, 0))
                sums[k] = (a + s, d + c)
            seen += n
            events.batch({'type': 'batch', 'epoch': epoch + 1, 'batch': b + 1, 'batchesPerEpoch': batches,
                          'logs': {k: s / max(c, 1) for k, (s, c) in batch_sums.items()},
                          'samplesPerSec': round(seen * procs.world / max(time.time() - epoch_start, 1e-9))})
        if status == 'stopped':
            break
        keys = sorted(sums)
        totals = procs.sum([v for k in keys for v in sums[k]] + [seen])
        logs = {k: totals[2 * i] / max(totals[2 * i + 1], 1) for i, k in enumerate(keys)}
        elapsed = time.time() - epoch_start
        if val:
            logs.update(_evaluate(plan, model, val, procs))
        for k, v in logs.items():
            if not math.isfinite(v):
                raise FloatingPointError(f'{k} became {v} at the end of epoch {epoch + 1}: lower the learning rate or normalise the inputs')
        total_elapsed = time.time() - started
        notes = [note for note in [rates.observe(epoch + 1, logs)] if note]
        stopping = False
        if watch and watch.improved(epoch + 1, logs):
            if plan.early_stopping[3]:
                best = (epoch + 1, copy.deepcopy(model.state_dict()))
        elif watch and watch.waited >= plan.early_stopping[2] and epoch + 1 < args.epochs:
            stopping = True
            notes.append(f'earlyStopping: {watch.monitor} has not improved on {_precision(watch.best_value, 4)} (epoch {watch.best_epoch}) for {watch.waited} epoch{"" if watch.waited == 1 else "s"}: training stops')
        event = {'type': 'epoch', 'epoch': epoch + 1, 'epochs': args.epochs, 'logs': logs, 'samplesPerSec': round(totals[-1] / max(elapsed, 1e-9)),
                 'elapsedMs': round(total_elapsed * 1000), 'etaMs': round(elapsed * (args.epochs - epoch - 1) * 1000), 'learningRate': rate}
        if notes:
            event['notes'] = notes
        events.emit(event)
        if procs.main:
            with open(os.path.join(out, 'metrics.jsonl'), 'a') as f:
                f.write(json.dumps({'epoch': epoch + 1, **logs}) + '\n')
            torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'epoch': epoch + 1}, os.path.join(out, 'checkpoint.pt'))
        if stopping:
            status = 'early-stopped'
            epoch += 1
            break
    else:
        epoch = args.epochs
    if status == 'stopped' and not logs:
        epoch = first_epoch
    end = {'type': 'end', 'status': status, 'logs': logs, 'epochs': epoch, 'elapsedMs': round((time.time() - started) * 1000)}
    if best and best[0] != epoch:
        # The best epoch's weights, where training went on past it: what the run saves and the confusion counts.
        model.load_state_dict(best[1])
        end['kept'] = {'epoch': best[0], 'monitor': watch.monitor, 'value': watch.best_value}
    checksums = procs.gather(_checksum(model))
    if procs.world > 1:
        end['replicas'] = {'count': procs.world, 'inSync': len(set(checksums)) == 1, 'checksums': checksums}
    if procs.main:
        _save(model, out, os.path.join(root, 'tfjs', plan.info['model']))
        end['savedTo'] = os.path.abspath(out)
        confusion = _confusion(plan, model, val or (train_x, train_y, meta), procs)
        if confusion:
            end['confusion'] = confusion
    events.emit(end)


@torch.no_grad()
def _predict(model, xs, procs, batch=512):
    model.eval()
    out = [model(*[x[i:i + batch].to(procs.device) for x in xs]) for i in range(0, len(xs[0]), batch)]
    model.train()
    return torch.cat(out)


def _evaluate(plan, model, val, procs):
    xs, y, _ = val
    p = _predict(model, xs, procs)
    y = y.to(procs.device)
    logs = {'val_loss': plan.loss(p, y).item() + float(regularization_loss(model))}
    for k, (s, c) in metric_sums(plan.metrics, plan.loss_name, p, y).items():
        logs[f'val_{k}'] = s / max(c, 1)
    return logs


def _confusion(plan, model, data, procs):
    xs, y, meta = data
    classes = plan.info.get('classes')
    if not classes or y is None or y.dim() != 2 or len(xs[0]) == 0:
        return None
    count = min(len(xs[0]), 5000)
    p = _predict(model, [x[:count] for x in xs], procs).cpu()
    pred, true = _classes(p, y[:count], plan.loss_name)
    if pred.dim() > 1:
        pred, true = pred.reshape(-1), true.reshape(-1)
    k = len(classes)
    matrix = [[0] * k for _ in range(k)]
    for t, q in zip(true.tolist(), pred.tolist()):
        if 0 <= t < k and 0 <= q < k:
            matrix[t][q] += 1
    return {'classes': classes, 'matrix': matrix}


def _save(model, folder, template):
    """model.pt (PyTorch state dict) and model.json + weights.bin (dlnet / TensorFlow.js) side by side, as a dlnet run folder has them."""
    os.makedirs(folder, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(folder, 'model.pt'))
    save_tfjs(model, folder, os.path.join(template, 'model.json'))


def _train_gan(plan, args, procs, events, control, started, real):
    """train G vs D: the discriminator learns real (1) from generated (0); the generator learns to make it answer 1."""
    if procs.world > 1:
        raise RuntimeError('a GAN export trains in one process; run it with python train.py, not torchrun')
    gen, disc = plan.model().to(procs.device), plan.versus().to(procs.device)
    g_opt, d_opt = plan.optimizer(gen.parameters()), plan.optimizer(disc.parameters())
    latent = gen.input_shapes[0]
    real = real[0]
    steps = plan.discriminator_steps
    out = _run_folder(args, plan.info['model'], procs)
    batch = args.batch_size
    batches = -(-len(real) // batch) if args.max_batches is None else min(-(-len(real) // batch), args.max_batches)
    events.emit(_start_event(plan, args, procs, len(real), 0, batches, args.epochs))
    fixed = torch.randn(plan.samples, *latent, device=procs.device)
    logs, status, done = {}, 'completed', 0
    for epoch in range(args.epochs):
        if control.should_stop(procs):
            status = 'stopped'
            break
        rate = plan.learning_rate(epoch, args.epochs)
        for o in (g_opt, d_opt):
            for group in o.param_groups:
                group['lr'] = rate
        order = torch.randperm(len(real))
        sums = {'d_loss': 0.0, 'd_acc': 0.0, 'g_loss': 0.0}
        epoch_start = time.time()
        for b in range(batches):
            x = real[order[b * batch:(b + 1) * batch]].to(procs.device)
            n = len(x)
            for _ in range(steps):
                fake = gen(torch.randn(n, *latent, device=procs.device)).detach()
                p = disc(torch.cat([x, fake]))
                y = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)]).to(procs.device)
                d_loss = binary_crossentropy(p, y)
                d_opt.zero_grad()
                d_loss.backward()
                d_opt.step()
                sums['d_loss'] += d_loss.item() / steps
                sums['d_acc'] += ((p > 0.5).float() == y).float().mean().item() / steps
            g_loss = binary_crossentropy(disc(gen(torch.randn(n, *latent, device=procs.device))), torch.ones(n, 1, device=procs.device))
            g_opt.zero_grad()
            g_loss.backward()
            g_opt.step()
            sums['g_loss'] += g_loss.item()
            if not (math.isfinite(sums['d_loss']) and math.isfinite(sums['g_loss'])):
                raise FloatingPointError(f'the GAN losses became {sums["d_loss"]} / {sums["g_loss"]} at epoch {epoch + 1}, batch {b + 1}: lower the learning rate')
        logs = {k: v / batches for k, v in sums.items()}
        elapsed = time.time() - epoch_start
        events.emit({'type': 'epoch', 'epoch': epoch + 1, 'epochs': args.epochs, 'logs': logs, 'samplesPerSec': round(batches * batch / max(elapsed, 1e-9)),
                     'elapsedMs': round((time.time() - started) * 1000), 'etaMs': round(elapsed * (args.epochs - epoch - 1) * 1000), 'learningRate': rate})
        with torch.no_grad():
            gen.eval()
            samples = gen(fixed).cpu()
            gen.train()
        if samples.dim() == 2 and samples.shape[1] == 2:
            events.emit({'type': 'samples', 'epoch': epoch + 1, 'points': samples.tolist(), 'real': real[:plan.samples].tolist()})
        done = epoch + 1
    if procs.main:
        _save(gen, os.path.join(out, 'generator'), os.path.join(plan_root(), 'tfjs', plan.info['model']))
        _save(disc, os.path.join(out, 'discriminator'), os.path.join(plan_root(), 'tfjs', plan.info['versus']))
    events.emit({'type': 'end', 'status': status, 'logs': logs, 'epochs': done, 'elapsedMs': round((time.time() - started) * 1000), 'savedTo': os.path.abspath(out)})
