#!/usr/bin/env node
// fault-proxy.js — a small HTTP proxy between Atelier and the S3 test
// server that does to multipart part uploads what hotel Wi-Fi and a busy
// S3 do: every Nth part is refused without reaching the server (in turn
// 503 SlowDown, 400 RequestTimeout, 429 TooManyRequests: all to be asked
// again later), every Mth has its connection cut halfway through the body, and
// each part may be held back a while (so a test can kill an upload in the
// middle). Everything else passes untouched.
//
//   node fault-proxy.js TARGET_PORT [--slowdown-every N] [--cut-every M] [--delay-ms D]
//                       [--lose-complete-answers K] [--fail-completes K] [--ignore-range 1]
//                       [--refuse-gets K] [--cut-gets K] [--slow-starts MS] [--slow-lists MS]
// prints "ready PORT".
'use strict';

const http = require('http');

const args = process.argv.slice(2);
const target = Number(args[0]);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : 0;
};
const slowdownEvery = option('--slowdown-every');
const cutEvery = option('--cut-every');
const delayMs = option('--delay-ms');
// the first K CompleteMultipartUpload answers are lost on the way back:
// the server did put the parts together, the client never hears so
let loseCompleteAnswers = option('--lose-complete-answers');
// the first K CompleteMultipartUpload answered 200 with an InternalError
// inside, as S3 may once the answer has begun; nothing put together
let failCompletes = option('--fail-completes');
// a server or cache that does not do ranges: a ranged GET is answered 200,
// as a whole object is (its Range is signed: it still reaches the server)
const ignoreRange = option('--ignore-range');
// downloads: the first K GETs answered 503 SlowDown; the first K answered
// GETs cut halfway through their body
let refuseGets = option('--refuse-gets');
let cutGets = option('--cut-gets');
// CreateMultipartUpload: the server starts the upload, its answer is held MS
const slowStarts = option('--slow-starts');
// ListObjectsV2: answered, the answer held MS
const slowLists = option('--slow-lists');
let parts = 0;
const refusals = [
  [503, 'SlowDown', 'Please reduce your request rate.'],
  [400, 'RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.'],
  [429, 'TooManyRequests', 'Too many requests.'],
];

function forward(req, res, cutAt) {
  const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
  upstream.on('error', () => res.destroy());
  let seen = 0;
  req.on('data', (chunk) => {
    seen += chunk.length;
    if (cutAt > 0 && seen >= cutAt) {
      // the cable is pulled: both sides see the connection die
      upstream.destroy();
      req.socket.destroy();
      return;
    }
    upstream.write(chunk);
  });
  req.on('end', () => upstream.end());
}

function forwardAndLoseAnswer(req, res) {
  const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      answer.resume();
      answer.on('end', () => res.socket.destroy());
    });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

const server = http.createServer((req, res) => {
  const isPart = req.method === 'PUT' && /[?&]partNumber=/.test(req.url);
  const isComplete = req.method === 'POST' && /[?&]uploadId=/.test(req.url);
  if (isComplete && loseCompleteAnswers > 0) {
    loseCompleteAnswers--;
    forwardAndLoseAnswer(req, res);
    return;
  }
  if (isComplete && failCompletes > 0) {
    failCompletes--;
    req.resume();
    req.on('end', () => {
      const xml = '<?xml version="1.0" encoding="UTF-8"?>\n\n<Error><Code>InternalError</Code>' +
        '<Message>We encountered an internal error. Please try again.</Message></Error>';
      res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
      res.end(xml);
    });
    return;
  }
  if ((slowStarts > 0 && req.method === 'POST' && /[?&]uploads(=|&|$)/.test(req.url)) ||
      (slowLists > 0 && req.method === 'GET' && /[?&]list-type=2/.test(req.url))) {
    const hold = req.method === 'POST' ? slowStarts : slowLists;
    const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const got = [];
        answer.on('data', (chunk) => got.push(chunk));
        answer.on('end', () => setTimeout(() => {
          res.writeHead(answer.statusCode, answer.headers);
          res.end(Buffer.concat(got));
        }, hold));
      });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
    return;
  }
  if (req.method === 'GET' && refuseGets > 0) {
    refuseGets--;
    req.resume();
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
    res.writeHead(503, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
    res.end(xml);
    return;
  }
  if (req.method === 'GET' && cutGets > 0 && !req.url.includes('?')) {
    cutGets--;
    const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const half = Math.floor(Number(answer.headers['content-length'] || 2) / 2);
        let seen = 0;
        let cut = false;
        res.writeHead(answer.statusCode, answer.headers);
        answer.on('data', (chunk) => {
          if (cut) return;
          if (seen + chunk.length >= half) {
            // the cable is pulled once the first half is out
            cut = true;
            answer.destroy();
            res.write(chunk.subarray(0, Math.max(0, half - seen)), () => res.socket.destroy());
            return;
          }
          seen += chunk.length;
          res.write(chunk);
        });
        answer.on('end', () => { if (!cut) res.end(); });
      });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
    return;
  }
  if (ignoreRange && req.method === 'GET') {
    const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers = { ...answer.headers };
        delete headers['content-range'];
        res.writeHead(answer.statusCode === 206 ? 200 : answer.statusCode, headers);
        answer.pipe(res);
      });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
    return;
  }
  if (!isPart) {
    forward(req, res, 0);
    return;
  }
  parts++;
  if (slowdownEvery > 0 && parts % slowdownEvery === 0) {
    req.resume();
    const [status, code, message] = refusals[(parts / slowdownEvery - 1) % refusals.length];
    req.on('end', () => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
      res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
      res.end(xml);
    });
    return;
  }
  const cutAt = cutEvery > 0 && parts % cutEvery === 0 ? Math.max(1, Number(req.headers['content-length'] || 2) / 2) : 0;
  if (delayMs > 0) {
    req.pause();
    setTimeout(() => {
      req.resume();
      forward(req, res, cutAt);
    }, delayMs);
  } else {
    forward(req, res, cutAt);
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
