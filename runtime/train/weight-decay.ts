/**
 * Optimisers with weight decay, as PyTorch and Keras have them. AdamW (Loshchilov &
 * Hutter) takes learningRate·weightDecay of every weight away before each Adam step, apart
 * from the gradient (PyTorch's AdamW: p.mul_(1 - lr·weight_decay)); SGD, with momentum or
 * not, adds weightDecay·w to each gradient, as PyTorch's SGD does with weight_decay. Their
 * class names differ from Adam's and SGD's: the dense-stack loops, which take AdamW and SGD's
 * decay (`weightDecay`), tell them apart by it.
 */
import { tf } from '../tf';
import { FusedAdam } from './fused-adam';
import { namedGradients, type VariableGradients } from './gradients';

export class AdamW extends FusedAdam {
  static override className = 'AdamW';

  constructor(learningRate: number, readonly weightDecay: number, beta1: number, beta2: number, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** Each weight shrunk by learningRate·weightDecay of itself before Adam's step (FusedAdam applies it, on the device in its own kernel). */
  protected override shrink(): number {
    return 1 - this.learningRate * this.weightDecay;
  }
}

/** The gradients with weightDecay·w added, each variable's; `apply` steps with them, then they go. */
function withCoupledDecay(variableGradients: VariableGradients, weightDecay: number, apply: (g: VariableGradients) => void): void {
  const decayed = tf.tidy(() => namedGradients(variableGradients).map(({ name, tensor }) => {
    const value = tf.engine().registeredVariables[name];
    return { name, tensor: tensor != null && value ? tf.add(tensor, tf.mul(value, weightDecay)) : tensor };
  }));
  try {
    apply(decayed as VariableGradients);
  } finally {
    tf.dispose(decayed.flatMap((g) => (g.tensor ? [g.tensor] : [])));
  }
}

export class SGDWithDecay extends tf.SGDOptimizer {
  static override className = 'SGDWithDecay';

  constructor(learningRate: number, readonly weightDecay: number) {
    super(learningRate);
  }

  override applyGradients(variableGradients: VariableGradients): void {
    withCoupledDecay(variableGradients, this.weightDecay, (g) => super.applyGradients(g));
  }
}

export class MomentumWithDecay extends tf.MomentumOptimizer {
  static override className = 'MomentumWithDecay';

  constructor(learningRate: number, momentum: number, nesterov: boolean, private readonly weightDecay: number) {
    super(learningRate, momentum, nesterov);
  }

  override applyGradients(variableGradients: VariableGradients): void {
    withCoupledDecay(variableGradients, this.weightDecay, (g) => super.applyGradients(g));
  }
}
