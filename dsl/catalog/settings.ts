/** The settings of a train statement. */
import type { Args, Choice, ParamDef } from './types';

export interface SettingDef extends ParamDef {
  /** Only meaningful for `train G vs D` (gan) or for plain training (plain). */
  only?: 'gan' | 'plain';
}

const choice = (name: string) => ({ name, args: {} });

export const trainSettings: SettingDef[] = [
  { name: 'loss', type: { kind: 'choice', table: 'loss' }, doc: 'What training minimises. Must fit the output layer and the labels.', only: 'plain' },
  { name: 'optimizer', type: { kind: 'choice', table: 'optimizer' }, default: choice('adam'), doc: 'How weights are updated from gradients, with its parameters: adam(learningRate: 0.001).' },
  { name: 'epochs', type: { kind: 'int', min: 1 }, default: 10, doc: 'Passes over the training data.' },
  { name: 'batchSize', type: { kind: 'int', min: 1 }, default: 32, doc: 'Examples per gradient step.' },
  { name: 'validationSplit', type: { kind: 'float', min: 0, max: 1, maxExclusive: true }, default: 0, doc: 'Fraction of the data held out for validation (taken from the end, after a seeded shuffle): at least one example, and never all of them.', only: 'plain' },
  { name: 'validation', type: { kind: 'dataset' }, optional: true, doc: 'A separate dataset for validation, instead of validationSplit.', only: 'plain' },
  { name: 'target', type: { kind: 'choice', table: 'target' }, default: choice('labels'), doc: "What the model learns to output: the dataset's labels, or its features (an autoencoder, as Keras's fit(x, x)).", only: 'plain' },
  { name: 'metrics', type: { kind: 'list', of: { kind: 'choice', table: 'metric' } }, default: [], doc: 'Values reported each epoch besides the loss: [accuracy].', only: 'plain' },
  { name: 'shuffle', type: { kind: 'bool' }, default: true, doc: 'Shuffle the training data every epoch.' },
  { name: 'seed', type: { kind: 'int', min: 0 }, default: 0, doc: 'Seed for weight initialisation, shuffling and the validation split.' },
  { name: 'earlyStopping', type: { kind: 'choice', table: 'earlyStopping' }, optional: true, doc: 'Stop when validation stops improving: earlyStopping(patience: 5).', only: 'plain' },
  { name: 'schedule', type: { kind: 'choice', table: 'schedule' }, default: choice('constant'), doc: 'How the learning rate changes over epochs: exponentialDecay(0.9).' },
  { name: 'discriminatorSteps', type: { kind: 'int', min: 1 }, default: 1, doc: 'Discriminator updates per generator update.', only: 'gan' },
  { name: 'samples', type: { kind: 'int', min: 1 }, default: 256, doc: 'Generated examples reported each epoch.', only: 'gan' },
];

export function findSetting(name: string): SettingDef | undefined {
  return trainSettings.find((s) => s.name === name);
}

/** How many of `size` examples validationSplit holds out: at least one once the fraction is above 0 (the trainer's split and the checker agree on it). */
export function heldOut(size: number, fraction: number): number {
  return fraction <= 0 ? 0 : Math.max(1, Math.round(size * fraction));
}

/** Whether bound settings train the model to give back its features (`target: features`, an autoencoder) rather than the labels. */
export function targetsFeatures(settings: Args): boolean {
  return (settings.target as Choice | undefined)?.name === 'features';
}
