/** The gradients an optimiser's applyGradients takes, a map or a list (tfjs takes both), as one list of names and tensors (a tensor may be null at run time: a variable without a gradient). */
import type { tf } from '../tf';

export type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

export function namedGradients(gradients: VariableGradients): { name: string; tensor: tf.Tensor }[] {
  return Array.isArray(gradients) ? gradients : Object.keys(gradients).map((name) => ({ name, tensor: gradients[name] }));
}
