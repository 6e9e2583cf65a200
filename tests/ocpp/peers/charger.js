// An independent OCPP 2.0.1 charging station: ocpp-rpc's RPCClient in strict
// mode (every message checked against its own copy of the official schemas).
// Connects to our server, calls BootNotification and Heartbeat, sends one
// malformed and one schema-invalid CALL, answers Reset, and reports every
// inbound frame as a JSON line.
'use strict';
const {RPCClient} = require('ocpp-rpc');
const {args, out, readIf, watchdog, exitWithStdin} = require('./common');

async function main() {
  const a = args();
  watchdog(a.watchdogMs || 20000);
  exitWithStdin();
  const client = new RPCClient({
    endpoint: a.endpoint,
    identity: a.identity,
    password: a.password,
    protocols: ['ocpp2.0.1'],
    strictMode: true,
    reconnect: false,
    wsOpts: {ca: readIf(a.ca), cert: readIf(a.cert), key: readIf(a.key)},
  });
  client.handle('Reset', ({params}) => {
    out({event: 'handled', method: 'Reset', params});
    return {status: 'Accepted'};
  });
  client.on('message', ({message, outbound}) => {
    if (!outbound) out({event: 'in', message: String(message)});
  });
  let open = false;
  client.on('close', ({code}) => {
    out({event: 'closed', code});
    if (open) process.exit(0);  // a refused connect is reported below
  });
  try {
    await client.connect();
  } catch (err) {
    out({event: 'connect_failed', error: String(err && err.message), status: err && err.code});
    process.exit(2);
  }
  open = true;
  out({event: 'connected', protocol: client.protocol});
  const boot = await client.call('BootNotification', {
    reason: 'PowerUp',
    chargingStation: {model: 'EVP-1', vendorName: 'evprov', serialNumber: a.identity},
  });
  out({event: 'result', method: 'BootNotification', result: boot});
  const hb = await client.call('Heartbeat', {});
  out({event: 'result', method: 'Heartbeat', result: hb});
  // Malformed from this side: not JSON, and a CALL that breaks the schema.
  client.sendRaw('this is not json');
  client.sendRaw(JSON.stringify([2, 'bad-boot', 'BootNotification', {reason: 'PowerUp'}]));
  out({event: 'calls_done'});
}

main().catch((err) => {
  out({event: 'error', error: String(err && err.stack || err)});
  process.exit(1);
});
