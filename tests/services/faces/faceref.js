// faceref.js — the reference outputs Atelier's face engine is checked
// against: @vladmandic/face-api on TensorFlow.js's WASM backend, offline.
//   node faceref.js [--time] MODEL_DIR IMAGE.png...
// prints one JSON object per image: its size and, per face, the detection
// score and box, the 68 landmarks and the 128-value descriptor; with
// --time, only the milliseconds the library took over all images (the
// PNG decoding left out), for bench/faces.sh.
// PNG only: a JPEG decoder of another make would differ by a few levels.
'use strict';
const fs = require('fs');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm'); // (no setWasmPaths: the .wasm is read from its own dist/)
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

function readPng(path) {
  const png = PNG.sync.read(fs.readFileSync(path));
  const rgb = new Int32Array(png.width * png.height * 3);
  for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) {
    rgb[j] = png.data[i];
    rgb[j + 1] = png.data[i + 1];
    rgb[j + 2] = png.data[i + 2];
  }
  return { width: png.width, height: png.height, tensor: tf.tensor3d(rgb, [png.height, png.width, 3], 'int32') };
}

async function main() {
  const args = process.argv.slice(2);
  const timing = args[0] === '--time';
  const [models, ...images] = timing ? args.slice(1) : args;
  let spent = 0;
  await tf.setBackend('wasm');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5, maxResults: 100 });
  for (const path of images) {
    const image = readPng(path);
    const t0 = process.hrtime.bigint();
    const found = await faceapi.detectAllFaces(image.tensor, options).withFaceLandmarks().withFaceDescriptors();
    spent += Number(process.hrtime.bigint() - t0) / 1e6;
    tf.dispose(image.tensor);
    if (timing) continue;
    const faces = found.map((f) => ({
      score: f.detection.score,
      box: [f.detection.box.x, f.detection.box.y, f.detection.box.width, f.detection.box.height],
      landmarks: f.landmarks.positions.map((p) => [p.x, p.y]),
      aligned: [f.alignedRect.box.x, f.alignedRect.box.y, f.alignedRect.box.width, f.alignedRect.box.height],
      descriptor: Array.from(f.descriptor),
    }));
    process.stdout.write(JSON.stringify({ file: path, width: image.width, height: image.height, faces }) + '\n');
  }
  if (timing) process.stdout.write(`${spent.toFixed(1)} ms ${images.length} photos\n`);
}

main().catch((e) => { process.stderr.write(`faceref: ${e.stack || e}\n`); process.exit(1); });
