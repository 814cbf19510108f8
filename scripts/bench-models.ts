/** The models the training benchmarks time: issue 5's four, and on a GPU its bigger CNN. */
import { tfl } from '../runtime/tf';

export interface Case {
  name: string;
  source: string;
  byHand: () => tfl.LayersModel;
  input: number[];
  output: number;
  samples: number;
  batch: number;
  loss: string;
}

export const cases: Case[] = [
  {
    name: 'rings MLP 2-16-16-1', samples: 4096, batch: 32, input: [2], output: 1, loss: 'binaryCrossentropy',
    source: 'model M {\n  input x: [2]\n  dense(16, activation: relu)\n  dense(16, activation: relu)\n  dense(1, activation: sigmoid)\n}',
    byHand: () => tfl.sequential({ layers: [tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), tfl.layers.dense({ units: 16, activation: 'relu' }), tfl.layers.dense({ units: 1, activation: 'sigmoid' })] }),
  },
  {
    name: 'MLP 784-128-drop-10', samples: 2048, batch: 64, input: [784], output: 10, loss: 'categoricalCrossentropy',
    source: 'model M {\n  input x: [784]\n  dense(128, activation: relu)\n  dropout(0.2)\n  dense(10, activation: softmax)\n}',
    byHand: () => tfl.sequential({ layers: [tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tfl.layers.dropout({ rate: 0.2 }), tfl.layers.dense({ units: 10, activation: 'softmax' })] }),
  },
  {
    name: 'CNN conv8-pool-conv16-pool-dense10', samples: 1024, batch: 64, input: [28, 28, 1], output: 10, loss: 'categoricalCrossentropy',
    source: 'model M {\n  input x: [28, 28, 1]\n  conv2d(8, kernel: 3, activation: relu)\n  maxPool2d(2)\n  conv2d(16, kernel: 3, activation: relu)\n  maxPool2d(2)\n  flatten\n  dense(10, activation: softmax)\n}',
    byHand: () => tfl.sequential({ layers: [tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 10, activation: 'softmax' })] }),
  },
  {
    name: 'LSTM(32) on [20, 8] -> dense 1', samples: 1024, batch: 32, input: [20, 8], output: 1, loss: 'meanSquaredError',
    source: 'model M {\n  input x: [20, 8]\n  lstm(32)\n  dense(1)\n}',
    byHand: () => tfl.sequential({ layers: [tfl.layers.lstm({ units: 32, inputShape: [20, 8] }), tfl.layers.dense({ units: 1 })] }),
  },
];

/** On a GPU: the bigger CNN of the GPU measurements (too slow to time on the CPU every run). */
export const gpuCases: Case[] = [
  {
    name: 'CNN 32x32x3 conv32-conv32-pool-conv64-pool-dense10', samples: 2048, batch: 128, input: [32, 32, 3], output: 10, loss: 'categoricalCrossentropy',
    source: 'model M {\n  input x: [32, 32, 3]\n  conv2d(32, kernel: 3, padding: same, activation: relu)\n  conv2d(32, kernel: 3, padding: same, activation: relu)\n  maxPool2d(2)\n  conv2d(64, kernel: 3, padding: same, activation: relu)\n  maxPool2d(2)\n  flatten\n  dense(10, activation: softmax)\n}',
    byHand: () => tfl.sequential({ layers: [tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [32, 32, 3] }), tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 10, activation: 'softmax' })] }),
  },
];
