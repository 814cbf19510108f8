/** A train statement → train.py: its loss, optimiser, schedule and settings spelled out in Python, the loop in dlnet_torch/fit.py. */
import type { Choice, TrainPlan } from '../../../dsl';
import { py } from './python';

const LOSSES: Record<string, string> = {
  binaryCrossentropy: 'binary_crossentropy',
  categoricalCrossentropy: 'categorical_crossentropy',
  sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  meanSquaredError: 'mean_squared_error',
  meanAbsoluteError: 'mean_absolute_error',
  huber: 'huber',
  hinge: 'hinge',
};

/** The PyTorch optimiser with TensorFlow.js's defaults where the two differ (epsilon 1e-7, Adagrad's 0.1 start). */
function optimizerCall(c: Choice): string {
  const a = c.args;
  const lr = py(a.learningRate);
  // SGD's weight decay is PyTorch's own (added to the gradient).
  const decay = a.weightDecay ? `, weight_decay=${py(a.weightDecay)}` : '';
  switch (c.name) {
    case 'sgd': return `torch.optim.SGD(parameters, lr=${lr}${decay})`;
    case 'momentum': return `torch.optim.SGD(parameters, lr=${lr}, momentum=${py(a.momentum)}, nesterov=${py(a.nesterov)}${decay})`;
    case 'adam': return `torch.optim.Adam(parameters, lr=${lr}, betas=(${py(a.beta1)}, ${py(a.beta2)}), eps=${py(a.epsilon)})`;
    case 'adamw': return `torch.optim.AdamW(parameters, lr=${lr}, betas=(${py(a.beta1)}, ${py(a.beta2)}), eps=${py(a.epsilon)}, weight_decay=${py(a.weightDecay)})`;
    case 'adamax': return `torch.optim.Adamax(parameters, lr=${lr}, betas=(${py(a.beta1)}, ${py(a.beta2)}), eps=1e-07)`;
    case 'rmsprop': return `torch.optim.RMSprop(parameters, lr=${lr}, alpha=${py(a.decay)}, momentum=${py(a.momentum)}, eps=${py(a.epsilon)})`;
    case 'adagrad': return `torch.optim.Adagrad(parameters, lr=${lr}, initial_accumulator_value=0.1)`;
    case 'adadelta': return `torch.optim.Adadelta(parameters, lr=${lr}, rho=${py(a.rho)}, eps=${py(a.epsilon)})`;
    default: throw new Error(`no PyTorch optimiser for ${c.name}`);
  }
}

/** The schedule as a function of the epoch, the same formula as runtime/train/optim.ts. */
function scheduleBody(base: number, c: Choice | undefined): string {
  const a = c?.args ?? {};
  switch (c?.name ?? 'constant') {
    case 'exponentialDecay': return `return ${py(base)} * ${py(a.rate)} ** (epoch // ${py(a.every)})`;
    case 'stepDecay': return `return ${py(base)} * ${py(a.factor)} ** (epoch // ${py(a.every)})`;
    case 'cosineDecay': return `progress = epoch / (epochs - 1) if epochs > 1 else 1\n    return ${py(base)} * (${py(a.floor)} + (1 - ${py(a.floor)}) * 0.5 * (1 + math.cos(math.pi * progress)))`;
    default: return `return ${py(base)}`;
  }
}

export interface TrainSourceOptions {
  plan: TrainPlan;
  sourceFile: string;
  modelClass: string;
  versusClass?: string;
  trainData: string;
  validationData?: string;
}

export function trainSource(o: TrainSourceOptions): string {
  const s = o.plan.settings;
  const optimizer = s.optimizer as Choice;
  const schedule = s.schedule as Choice | undefined;
  const lossName = (s.loss as Choice | undefined)?.name;
  const early = s.earlyStopping as Choice | undefined;
  // reduceOnPlateau reads each epoch's logs: dlnet_torch's Rates lowers the rate from learning_rate's.
  const plateau = schedule?.name === 'reduceOnPlateau' ? schedule.args : undefined;
  const statement = o.plan.versus ? `train ${o.plan.model} vs ${o.plan.versus} on ${o.plan.dataset}` : `train ${o.plan.model} on ${o.plan.dataset}`;
  const imports = [o.modelClass, ...(o.versusClass ? [o.versusClass] : [])].join(', ');
  return `#!/usr/bin/env python3
"""${statement}: exported by dlnet from ${o.sourceFile}, line ${o.plan.decl.range.start.line + 1}.

  python train.py                                one process (CUDA when available)
  torchrun --nproc_per_node 2 train.py           data-parallel on 2 processes (gloo on CPU, nccl on CUDA)
  python train.py --weights DIR                  start from a dlnet model folder (model.json + weights.bin)
  python train.py --resume runs/X/checkpoint.pt  continue a run
  python train.py --json                         the JSON-lines events of dlnet train --json

A run writes runs/<model>-<time>/: model.pt, checkpoint.pt (every epoch), metrics.jsonl,
and model.json + weights.bin, which dlnet and TensorFlow.js load.
"""
import math
import sys

import torch

import dlnet_torch as dl
from model import ${imports}


def optimizer(parameters):
    return ${optimizerCall(optimizer)}


def learning_rate(epoch, epochs):
    ${scheduleBody(optimizer.args.learningRate as number, schedule)}


PLAN = dl.Plan(
    description=__doc__,
    info=dl.export_info(),  # names, lines and the dlnet summary, for the events
    model=${o.modelClass},
    versus=${o.versusClass ?? 'None'},
    train=${py(o.trainData)},
    validation=${o.validationData ? py(o.validationData) : 'None'},
    loss=${lossName ? `dl.${LOSSES[lossName]}` : 'None'},
    loss_name=${lossName ? py(lossName) : 'None'},
    metrics=${py(((s.metrics as Choice[] | undefined) ?? []).map((m) => m.name))},
    optimizer=optimizer,
    learning_rate=learning_rate,
    epochs=${py(s.epochs)},
    batch_size=${py(s.batchSize)},
    shuffle=${py(s.shuffle ?? true)},
    seed=${py(s.seed ?? 0)},
    early_stopping=${early ? `(${py((early.args.monitor as Choice).name)}, ${py(early.args.minDelta)}, ${py(early.args.patience)}, ${py(early.args.restoreBest)})` : 'None'},  # (monitor, min delta, patience, restore best)
    reduce_on_plateau=${plateau ? `dict(monitor=${py((plateau.monitor as Choice).name)}, factor=${py(plateau.factor)}, patience=${py(plateau.patience)}, min_delta=${py(plateau.minDelta)}, cooldown=${py(plateau.cooldown)}, min_rate=${py(plateau.minRate)})` : 'None'},
    discriminator_steps=${py(s.discriminatorSteps ?? 1)},
    samples=${py(s.samples ?? 256)},
)

if __name__ == '__main__':
    sys.exit(dl.main(PLAN))
`;
}
