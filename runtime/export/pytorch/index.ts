/**
 * `dlnet export --to pytorch`: a standalone PyTorch project for a model and its train
 * statement. Generated from the checked model graph (not from tfjs):
 *
 *   model.py        one nn.Module class per model, a layer per attribute
 *   train.py        the train statement's settings; `python train.py` or `torchrun ... train.py`
 *   dlnet_torch/    the layers, weight conversion and training loop (the same package for every export)
 *   data/           the dataset as .npy files, split exactly as `dlnet train` splits it (and
 *                   the vocabulary of texts read as token ids)
 *   tfjs/<Model>/   the untrained dlnet model (model.json + weights.bin): the layout weights are written back in
 *   export.json     names, lines and the dlnet summary, for the training events
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { modelSummary, type Analysis, type ModelGraph } from '../../../dsl';
import type { Data } from '../../data/dataset';
import { npy } from '../npy';
import { moduleSource } from './model';
import { trainSource } from './train';
import init from './dlnet_torch/__init__.py';
import fit from './dlnet_torch/fit.py';
import layers from './dlnet_torch/layers.py';
import losses from './dlnet_torch/losses.py';
import weights from './dlnet_torch/weights.py';

/** The helper package, the same for every export. */
const HELPERS: Record<string, string> = { '__init__.py': init, 'layers.py': layers, 'weights.py': weights, 'losses.py': losses, 'fit.py': fit };

export interface PytorchExport {
  analysis: Analysis;
  file: string;
  model: ModelGraph;
  /** The train statement and its data, when the model has one. */
  training?: { plan: NonNullable<Analysis['trains'][number]>; train: Data; validation?: Data };
  out: string;
  /** Writes the dlnet model (model.json + weights.bin) of a graph into a folder. */
  saveTfjs: (g: ModelGraph, dir: string) => Promise<void>;
}

/** The files written, relative to `out`. */
export async function exportPytorch(o: PytorchExport): Promise<string[]> {
  const written: string[] = [];
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(o.out, name), content);
    written.push(name);
  };
  mkdirSync(join(o.out, 'data'), { recursive: true });
  mkdirSync(join(o.out, 'dlnet_torch'), { recursive: true });
  const source = basename(o.file);
  const plan = o.training?.plan;
  const versus = plan?.versus ? o.analysis.models.find((m) => m.name === plan.versus) : undefined;
  const graphs = [o.model, ...(versus ? [versus] : [])];
  const modules = graphs.map((g) => moduleSource(g, source));

  for (const [name, text] of Object.entries(HELPERS)) write(`dlnet_torch/${name}`, text);
  write('model.py', `"""Models exported by dlnet from ${source}. Tensors are channels-last, as in dlnet; see dlnet_torch/layers.py."""
import torch.nn as nn

import dlnet_torch as dl

\n${modules.map((m) => m.code).join('\n\n')}`);
  for (const g of graphs) {
    mkdirSync(join(o.out, 'tfjs', g.name), { recursive: true });
    await o.saveTfjs(g, join(o.out, 'tfjs', g.name));
    written.push(`tfjs/${g.name}/model.json`, `tfjs/${g.name}/weights.bin`);
  }
  if (!o.training || !plan) return written;

  const name = plan.dataset;
  // Texts read as token ids: new texts must be read with the vocabulary trained with (line i: the word of id i).
  const tokens = o.analysis.datasets.get(name)?.shapes?.encoding?.text;
  const text = tokens && { column: tokens.column, length: tokens.length, vocabulary: `${name}.vocabulary.txt` };
  if (text) write(`data/${text.vocabulary}`, tokens.vocabulary.join('\n'));
  const writeData = (part: string, data: Data) => {
    const column = (suffix: string, c: Data['features'][number]) => {
      const file = `${name}.${part}.${suffix}.npy`;
      write(`data/${file}`, npy(c.data, [data.size, ...c.shape]));
      return { file, shape: c.shape, name: c.name };
    };
    const meta = {
      size: data.size,
      features: data.features.map((c, i) => column(`x${i}`, c)),
      labels: data.labels ? column('y', data.labels) : undefined,
      classes: data.classes,
      text,
    };
    write(`data/${name}.${part}.json`, JSON.stringify(meta, null, 2));
    return `${name}.${part}`;
  };
  const trainData = writeData('train', o.training.train);
  const validationData = o.training.validation && o.training.validation.size > 0 ? writeData('validation', o.training.validation) : undefined;
  write('train.py', trainSource({ plan, sourceFile: source, modelClass: modules[0].className, versusClass: modules[1]?.className, trainData, validationData }));
  write('export.json', JSON.stringify({
    file: o.file, model: plan.model, versus: plan.versus, dataset: plan.dataset, line: plan.decl.range.start.line,
    classes: o.training.train.classes, summary: graphs.map(modelSummary),
  }, null, 2));
  return written;
}
