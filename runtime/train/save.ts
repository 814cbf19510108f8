/**
 * Saving without tfjs-node: model.json (topology + weights manifest) and weights.bin,
 * the layout tf.loadLayersModel reads. A run is written into a hidden `.partial`
 * folder and renamed into place at the end, so a crash never leaves a half-written run.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../layers/custom'; // a saved model may use dlnet's own layers
import { tf, tfl } from '../tf';

export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = artifacts.weightData ? Buffer.from(tf.io.concatenateArrayBuffers(Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData])) : Buffer.alloc(0);
    writeFileSync(join(dir, 'weights.bin'), weights);
    const json = {
      modelTopology: artifacts.modelTopology,
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: 'dlnet',
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
  }));
}

/** Loads a model written by saveModel (or any tfjs layers-model folder). */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weights = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: buffer }));
}

export class RunFolder {
  readonly partial: string;
  readonly final: string;

  constructor(out: string, name: string) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    let base = `${name}-${stamp}`;
    for (let n = 2; existsSync(join(out, base)) || existsSync(join(out, `.${base}.partial`)); n++) base = `${name}-${stamp}-${n}`;
    this.final = join(out, base);
    this.partial = join(out, `.${base}.partial`);
    mkdirSync(this.partial, { recursive: true });
  }

  write(file: string, content: string): void {
    writeFileSync(join(this.partial, file), content);
  }

  append(file: string, line: string): void {
    appendFileSync(join(this.partial, file), line + '\n');
  }

  commit(): string {
    renameSync(this.partial, this.final);
    return this.final;
  }

  discard(): void {
    rmSync(this.partial, { recursive: true, force: true });
  }
}
