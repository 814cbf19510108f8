/** Region layers: crop boxes out of a shared feature map (Fast/Mask R-CNN). */
import { compareDims, formatShape } from '../../semantics/shape';
import { family, pair } from '../params';

export const regionLayers = family('regions', {
  roiAlign: {
    rule: 'features [H, W, C], boxes [R, 4] → [R, height, width, C]',
    doc: 'Crops each box out of a feature map and resizes it to a fixed size with bilinear sampling (RoIAlign): features [H, W, C] and boxes [R, 4] (y1, x1, y2, x2, each in 0..1) give [R, height, width, C].',
    params: [
      { name: 'inputs', type: { kind: 'tensor' }, doc: 'The feature map [H, W, C], then the boxes [R, 4].', positional: true, variadic: true },
      { name: 'size', type: { kind: 'pair', min: 1 }, default: [7, 7], doc: 'Output size of each crop: one number or [height, width].' },
    ],
    inputs: 'merge',
    outputShape: ({ inputs, args }) => {
      if (inputs.length !== 2) return { code: 'invalid-argument', message: `roiAlign takes 2 tensors (features, boxes), got ${inputs.length}` };
      const [features, boxes] = inputs;
      if (features.length !== 3) return { code: 'rank-mismatch', expected: 'a feature map of rank 3 [height, width, channels] as its first input' };
      if (boxes.length !== 2) return { code: 'rank-mismatch', expected: 'boxes of rank 2 [regions, 4] as its second input' };
      if (compareDims(boxes[1], 4) === 'differ') {
        return { code: 'shape-mismatch', message: `roiAlign boxes must be [regions, 4] (y1, x1, y2, x2), got ${formatShape(boxes)}` };
      }
      const [h, w] = pair(args, 'size');
      return [boxes[0], h, w, features[2]];
    },
    paramCount: () => 0,
  },
});
