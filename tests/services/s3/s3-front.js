#!/usr/bin/env node
// s3-front.js — the S3 server the tests start: s3rver (npm, pinned in
// package-lock.json) on a private port, behind this verifying front on the
// public one. s3rver accepts any signature and ignores payload checksums;
// the front refuses, before anything is stored, what real S3 refuses:
//   - a missing or wrong AWS Signature V4 (header or presigned query),
//     a clock more than 15 minutes off, a presigned link expired or asking
//     for more than 7 days;
//   - an x-amz-content-sha256, Content-MD5 or x-amz-checksum-sha256 that does
//     not match the body.
// It holds multipart uploads to AWS's checksum rules, which s3rver ignores:
// a part may carry x-amz-checksum-sha256 only if the upload was started
// with x-amz-checksum-algorithm: SHA256, and then must; the completion of
// such an upload must give each part's ChecksumSHA256, and the right one
// (AWS answers InvalidRequest "Checksum Type mismatch", InvalidRequest and
// InvalidPart); ListParts gives them back.
// It also does what s3rver lacks: If-Match on a GET (412 PreconditionFailed
// when the object's ETag is another), AbortMultipartUpload (s3rver answers 405),
// ListParts (paged as S3 pages it: part-number-marker, max-parts;
// S3_FRONT_MAX_PARTS in the environment makes the pages smaller), and
// NoSuchUpload for a part, a listing or a completion of an upload that is
// gone.
// It is written from the SigV4 specification, independently of Atelier's C
// code, so the tests prove Atelier's requests pass a real verifier.
//
//   node --openssl-legacy-provider s3-front.js PORT DATA_DIR [ACCESS_KEY SECRET_KEY REGION]
// (s3rver encrypts listing continuation tokens with DES, legacy in OpenSSL 3)
// prints "ready PORT" once both listen.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const S3rver = require('s3rver');

const [port, dataDir, accessKey = 'S3RVER', secretKey = 'S3RVER', region = 'us-east-1'] = process.argv.slice(2);
const MAX_BODY = 256 * 1024 * 1024;
const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

// RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes.
function encode(text, keepSlash) {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function decode(text) {
  return decodeURIComponent(text.replace(/\+/g, '%2B'));
}

function parseQuery(raw) {
  if (!raw) return [];
  return raw.split('&').filter((p) => p.length > 0).map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [decode(p), ''] : [decode(p.slice(0, i)), decode(p.slice(i + 1))];
  });
}

function canonicalQuery(pairs) {
  return pairs.map(([k, v]) => [encode(k, false), encode(v, false)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(req, name) {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v.join(',') : String(v)).trim().replace(/ +/g, ' ');
}

function signature(amzDate, scope, canonical) {
  const [date, scopeRegion, service] = scope.split('/');
  let key = hmac('AWS4' + secretKey, date);
  key = hmac(key, scopeRegion);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  return hmac(key, toSign).toString('hex');
}

function amzTime(amzDate) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate || '');
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

class Refusal extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function checkCredential(credential, amzDate) {
  const parts = (credential || '').split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts[3] !== 's3')
    throw new Refusal(400, 'AuthorizationHeaderMalformed', 'The credential is malformed.');
  if (parts[0] !== accessKey)
    throw new Refusal(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (parts[2] !== region)
    throw new Refusal(400, 'AuthorizationHeaderMalformed', `The region '${parts[2]}' is wrong; expecting '${region}'.`);
  if (!amzDate || parts[1] !== amzDate.slice(0, 8))
    throw new Refusal(400, 'AuthorizationHeaderMalformed', 'The credential date does not match the request date.');
  return parts.slice(1).join('/');
}

function canonicalRequest(req, path, pairs, signedHeaders, payloadHash) {
  const headers = signedHeaders.split(';').map((name) => {
    const value = name === 'host' ? headerValue(req, 'host') : headerValue(req, name);
    if (value === undefined) throw new Refusal(403, 'SignatureDoesNotMatch', `Signed header ${name} is missing.`);
    return `${name}:${value}\n`;
  }).join('');
  return [req.method, encode(path, true), canonicalQuery(pairs), headers, signedHeaders, payloadHash].join('\n');
}

function verify(req, body) {
  const url = new URL(req.url, 'http://front');
  const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  const pairs = parseQuery(rawQuery);
  const query = Object.fromEntries(pairs);
  const path = decodeURIComponent(url.pathname);
  const now = Date.now();

  if (query['X-Amz-Signature'] !== undefined) {
    // presigned
    const amzDate = query['X-Amz-Date'];
    const scope = checkCredential(query['X-Amz-Credential'], amzDate);
    const expires = Number(query['X-Amz-Expires']);
    if (query['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256' || !Number.isInteger(expires) || expires < 1)
      throw new Refusal(400, 'AuthorizationQueryParametersError', 'The presigned query is malformed.');
    if (expires > 604800)
      throw new Refusal(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (604800 seconds).');
    if (now > amzTime(amzDate) + expires * 1000)
      throw new Refusal(403, 'AccessDenied', 'Request has expired');
    if (amzTime(amzDate) > now + MAX_SKEW_MS)
      throw new Refusal(403, 'RequestTimeTooSkewed', 'The request time is too far in the future.');
    const unsigned = pairs.filter(([k]) => k !== 'X-Amz-Signature');
    const canonical = canonicalRequest(req, path, unsigned, query['X-Amz-SignedHeaders'] || '', 'UNSIGNED-PAYLOAD');
    if (signature(amzDate, scope, canonical) !== query['X-Amz-Signature'])
      throw new Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    return;
  }

  const auth = headerValue(req, 'authorization');
  if (!auth) throw new Refusal(403, 'AccessDenied', 'Anonymous access is not allowed.');
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) throw new Refusal(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
  const amzDate = headerValue(req, 'x-amz-date');
  const scope = checkCredential(m[1], amzDate);
  if (Math.abs(now - amzTime(amzDate)) > MAX_SKEW_MS)
    throw new Refusal(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  const payloadHash = headerValue(req, 'x-amz-content-sha256');
  if (!payloadHash)
    throw new Refusal(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  if (!m[2].split(';').includes('host') || !m[2].split(';').includes('x-amz-content-sha256'))
    throw new Refusal(403, 'SignatureDoesNotMatch', 'host and x-amz-content-sha256 must be signed.');
  if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    if (!/^[0-9a-f]{64}$/.test(payloadHash))
      throw new Refusal(400, 'InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a SHA-256 in hex.');
    if (sha256(body) !== payloadHash && process.env.S3_FRONT_DEBUG)
      process.stderr.write(`mismatch ${req.method} ${req.url} content-length ${req.headers['content-length']} got ${body.length}\n`);
    if (sha256(body) !== payloadHash)
      throw new Refusal(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const canonical = canonicalRequest(req, path, pairs, m[2], payloadHash);
  if (signature(amzDate, scope, canonical) !== m[3])
    throw new Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
}

function verifyChecksums(req, body) {
  const md5 = headerValue(req, 'content-md5');
  if (md5 !== undefined) {
    const digest = Buffer.from(md5, 'base64');
    if (digest.length !== 16 || digest.toString('base64') !== md5)
      throw new Refusal(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (!crypto.createHash('md5').update(body).digest().equals(digest))
      throw new Refusal(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const sum = headerValue(req, 'x-amz-checksum-sha256');
  if (sum !== undefined && crypto.createHash('sha256').update(body).digest('base64') !== sum)
    throw new Refusal(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
}

// s3rver keeps an unfinished multipart upload in DATA_DIR/BUCKET/._S3rver_uploads/ID
// (its filesystem store): with the key in a file "key", and one file per part.
function uploadDir(req) {
  const url = new URL(req.url, 'http://front');
  const id = url.searchParams.get('uploadId');
  const [bucket, ...rest] = decodeURIComponent(url.pathname).slice(1).split('/');
  if (id === null || !/^[0-9a-f]+$/.test(id))
    return null;
  return { dir: path.join(dataDir, bucket, '._S3rver_uploads', id), key: rest.join('/') };
}

// The checksum an upload was started with ('SHA256'), or null: kept by this
// front beside s3rver's files.
function uploadAlgorithm(upload) {
  try {
    return fs.readFileSync(path.join(upload.dir, 'checksum-algorithm'), 'utf8');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    return null;
  }
}

function partSum(upload, n) {
  try {
    return fs.readFileSync(path.join(upload.dir, `${n}.sha256`), 'utf8');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    return null;
  }
}

// A part, or a completion, against the upload's checksum type (as AWS).
function checkUploadChecksums(req, body, upload) {
  const url = new URL(req.url, 'http://front');
  const algorithm = uploadAlgorithm(upload);
  if (req.method === 'PUT' && url.searchParams.has('partNumber')) {
    const given = headerValue(req, 'x-amz-checksum-sha256') !== undefined ? 'sha256' : 'null';
    const expected = algorithm === null ? 'null' : algorithm.toLowerCase();
    if (given !== expected)
      throw new Refusal(400, 'InvalidRequest',
        `Checksum Type mismatch occurred, expected checksum Type: ${expected}, actual checksum Type: ${given}`);
  } else if (req.method === 'POST' && algorithm !== null) {
    const parts = [...body.toString('utf8').matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => m[1]);
    for (const part of parts) {
      const number = Number((/<PartNumber>(\d+)<\/PartNumber>/.exec(part) || [])[1]);
      const sum = (/<ChecksumSHA256>([^<]*)<\/ChecksumSHA256>/.exec(part) || [])[1];
      if (sum === undefined)
        throw new Refusal(400, 'InvalidRequest', 'The upload was created using a sha256 checksum. The complete request ' +
          `must include the checksum for each part. It was missing for part ${number} in the request.`);
      if (sum !== partSum(upload, number))
        throw new Refusal(400, 'InvalidPart', 'One or more of the specified parts could not be found. The part may not ' +
          "have been uploaded, or the specified entity tag may not match the part's entity tag.");
    }
  }
}

// The parts s3rver holds, from its files: N (the bytes) and N.md5 (written
// once the part is whole).
function listParts(req, res, upload) {
  const url = new URL(req.url, 'http://front');
  const marker = Number(url.searchParams.get('part-number-marker') || 0);
  // (S3_FRONT_MAX_PARTS: smaller pages, so that a test reads several)
  const most = Number(process.env.S3_FRONT_MAX_PARTS || 1000);
  const max = Math.min(most, Number(url.searchParams.get('max-parts') || most));
  const numbers = fs.readdirSync(upload.dir).filter((f) => /^\d+\.md5$/.test(f)).map((f) => Number(f.slice(0, -4)))
    .filter((n) => n > marker).sort((a, b) => a - b);
  const page = numbers.slice(0, max);
  const truncated = numbers.length > page.length;
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Key>${upload.key.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Key><UploadId>${url.searchParams.get('uploadId')}</UploadId>` +
    `<PartNumberMarker>${marker}</PartNumberMarker><MaxParts>${max}</MaxParts><IsTruncated>${truncated}</IsTruncated>`;
  if (truncated) xml += `<NextPartNumberMarker>${page[page.length - 1]}</NextPartNumberMarker>`;
  for (const n of page) {
    const file = path.join(upload.dir, String(n));
    const stat = fs.statSync(file);
    const md5 = fs.readFileSync(file + '.md5', 'utf8');
    const sum = partSum(upload, n);
    xml += `<Part><PartNumber>${n}</PartNumber><LastModified>${stat.mtime.toISOString()}</LastModified>` +
      `<ETag>&quot;${md5}&quot;</ETag><Size>${stat.size}</Size>` +
      (sum === null ? '' : `<ChecksumSHA256>${sum}</ChecksumSHA256>`) + '</Part>';
  }
  xml += '</ListPartsResult>';
  stats.listed++;
  res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
  res.end(xml);
}

// Abort, listing, and the parts or completion of an upload that is not
// there (any more): answered here, as S3 answers them; a part or a
// completion against the upload's checksum type refused.
function multipart(req, res, body) {
  const upload = uploadDir(req);
  if (upload === null)
    return false;
  let key = null;
  try {
    key = fs.readFileSync(path.join(upload.dir, 'key'), 'utf8');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  if (key !== upload.key) {
    refuse(res, new Refusal(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, ' +
      'or the upload may have been aborted or completed.'));
    return true;
  }
  if (req.method === 'GET') {
    listParts(req, res, upload);
    return true;
  }
  try {
    checkUploadChecksums(req, body, upload);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    refuse(res, err);
    return true;
  }
  if (req.method !== 'DELETE')
    return false;
  fs.rmSync(upload.dir, { recursive: true, force: true });
  stats.aborted++;
  res.writeHead(204);
  res.end();
  return true;
}

function refuse(res, err) {
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${err.code}</Code><Message>${err.message}</Message></Error>`;
  res.writeHead(err.status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
  res.end(xml);
}

// What reached the store, for tests that count bytes (GET /__stats, no auth).
const stats = { parts: 0, part_bytes: 0, puts: 0, put_bytes: 0, aborted: 0, listed: 0 };

async function main() {
  const backend = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dataDir });
  const { address: backendHost, port: backendPort } = await backend.run();

  const front = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/__stats') {
      const json = JSON.stringify(stats);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
      res.end(json);
      return;
    }
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        if (tooLarge) throw new Refusal(400, 'EntityTooLarge', 'This test server keeps bodies up to 256 MiB.');
        verify(req, body);
        verifyChecksums(req, body);
      } catch (err) {
        if (!(err instanceof Refusal)) throw err;
        refuse(res, err);
        return;
      }
      if (multipart(req, res, body))
        return;
      if (req.method === 'PUT' && /[?&]partNumber=/.test(req.url)) {
        stats.parts++;
        stats.part_bytes += body.length;
      } else if (req.method === 'PUT') {
        stats.puts++;
        stats.put_bytes += body.length;
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const forward = () => http.request({ host: backendHost, port: backendPort, method: req.method, path: req.url, headers },
        (answer) => {
          const url = new URL(req.url, 'http://front');
          const started = req.method === 'POST' && url.searchParams.has('uploads');
          const part = req.method === 'PUT' && url.searchParams.has('partNumber');
          if (answer.statusCode !== 200 || !(started || part)) {
            res.writeHead(answer.statusCode, answer.headers);
            answer.pipe(res);
            return;
          }
          // what AWS remembers of an upload's checksums: the type it was
          // started with, each part's sum
          const got = [];
          answer.on('data', (chunk) => got.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(got);
            // (an upload aborted while this answer came back has no folder
            // left to note its sums in: nothing to remember then)
            const note = (file, value) => {
              try {
                fs.writeFileSync(file, value);
              } catch (err) {
                if (err.code !== 'ENOENT') throw err;
              }
            };
            if (started) {
              const algorithm = headerValue(req, 'x-amz-checksum-algorithm');
              const id = (/<UploadId>([0-9a-f]+)<\/UploadId>/.exec(text.toString('utf8')) || [])[1];
              if (algorithm !== undefined && id !== undefined) {
                const dir = path.join(dataDir, decodeURIComponent(url.pathname).slice(1).split('/')[0], '._S3rver_uploads', id);
                note(path.join(dir, 'checksum-algorithm'), algorithm.toUpperCase());
              }
            } else if (headerValue(req, 'x-amz-checksum-sha256') !== undefined) {
              const upload = uploadDir(req);
              if (upload !== null)
                note(path.join(upload.dir, `${url.searchParams.get('partNumber')}.sha256`),
                  headerValue(req, 'x-amz-checksum-sha256'));
            }
            res.writeHead(answer.statusCode, answer.headers);
            res.end(text);
          });
        });
      const send = () => {
        const upstream = forward();
        upstream.on('error', (e) => {
          res.writeHead(502);
          res.end(String(e));
        });
        upstream.end(body);
      };
      const ifMatch = headerValue(req, 'if-match');
      if (req.method !== 'GET' || ifMatch === undefined) {
        send();
        return;
      }
      // the object's ETag first (s3rver ignores If-Match)
      const probe = { ...headers };
      delete probe.range;
      delete probe['if-match'];
      const head = http.request({ host: backendHost, port: backendPort, method: 'HEAD', path: req.url, headers: probe },
        (answer) => {
          answer.resume();
          const etag = answer.headers.etag;
          if (answer.statusCode === 200 && etag !== undefined && etag.replace(/"/g, '') !== ifMatch.replace(/"/g, '')) {
            refuse(res, new Refusal(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'));
            return;
          }
          send();
        });
      head.on('error', () => send());
      head.end();
    });
    req.on('error', () => res.destroy());
  });
  front.listen(Number(port), '127.0.0.1', () => {
    process.stdout.write(`ready ${front.address().port}\n`);
  });
  const stop = () => {
    front.close();
    backend.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`s3-front: ${err.stack || err}\n`);
  process.exit(1);
});
