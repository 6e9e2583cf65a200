// Shared bits of the ocpp-rpc test peers: argument parsing, JSON-line output
// for the C++ test that drives them, and a watchdog so a peer never outlives
// its test.
'use strict';
const fs = require('fs');

function args() {
  // One JSON object as the only argument.
  return JSON.parse(process.argv[2] || '{}');
}

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function readIf(path) {
  return path ? fs.readFileSync(path) : undefined;
}

function watchdog(ms) {
  setTimeout(() => {
    out({event: 'watchdog'});
    process.exit(3);
  }, ms).unref();
}

// Exits when the driving test closes our stdin (or dies).
function exitWithStdin() {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

module.exports = {args, out, readIf, watchdog, exitWithStdin};
