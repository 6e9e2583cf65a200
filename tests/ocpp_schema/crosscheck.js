#!/usr/bin/env node
// Cross-check helper for tests/ocpp_schema/crosscheck_test.cc: runs ocpp-rpc's
// own strict-mode validator (ajv over ocpp-rpc's copy of the OCPP 2.0.1
// schemas, the one an ocpp-rpc peer applies to every message) on a corpus of
// payloads and prints its verdicts, one per corpus entry, in order.
//
// Usage: NODE_PATH=third_party/npm/node_modules node crosscheck.js CORPUS OUT
//   CORPUS: [{"action": "BootNotification", "kind": "request"|"response", "payload": {...}}]
//   OUT:    [{"valid": true} |
//            {"valid": false, "code": "OccurenceConstraintViolation", "keyword": "required",
//             "path": "chargingStation.vendorName"}]
// "path" is written the way evprov's SchemaValidator names it: dotted members,
// [i] for array items, the missing or unexpected property appended.
'use strict';

const fs = require('fs');
const validators = require('ocpp-rpc/lib/standard-validators');

const validator = validators.find((v) => v.subprotocol === 'ocpp2.0.1');
if (!validator) {
  console.error('crosscheck: ocpp-rpc has no ocpp2.0.1 validator');
  process.exit(2);
}

function dottedPath(instancePath, payload, extra) {
  let path = '';
  let node = payload;
  const tokens = instancePath === '' ? [] : instancePath.slice(1).split('/');
  for (const raw of tokens) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path += `[${token}]`;
    } else {
      path += (path === '' ? '' : '.') + token;
    }
    node = node === undefined || node === null ? undefined : node[token];
  }
  if (extra !== undefined) path += (path === '' ? '' : '.') + extra;
  return path;
}

function verdict(entry) {
  const suffix = entry.kind === 'request' ? 'req' : 'conf';
  try {
    validator.validate(`urn:${entry.action}.${suffix}`, entry.payload);
    return { valid: true };
  } catch (err) {
    const first = err.details && err.details.errors ? err.details.errors[0] : undefined;
    if (!first) return { valid: false, code: err.rpcErrorCode, keyword: '', path: '' };
    const extra = first.params.missingProperty ?? first.params.additionalProperty;
    return {
      valid: false,
      code: err.rpcErrorCode,
      keyword: first.keyword,
      path: dottedPath(first.instancePath, entry.payload, extra),
    };
  }
}

const [corpusFile, outFile] = process.argv.slice(2);
if (!corpusFile || !outFile) {
  console.error('usage: crosscheck.js CORPUS OUT');
  process.exit(2);
}
const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8'));
fs.writeFileSync(outFile, JSON.stringify(corpus.map(verdict)));
