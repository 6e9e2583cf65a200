// An independent OCPP 2.0.1 CSMS: ocpp-rpc's RPCServer in strict mode, over
// ws (Basic auth), wss (Basic auth) or wss with client certificates. Accepts
// one charging station, answers BootNotification and Heartbeat, calls Reset,
// sends one schema-invalid CALL, and reports every inbound frame.
'use strict';
const https = require('https');
const {RPCServer} = require('ocpp-rpc');
const {args, out, readIf, watchdog, exitWithStdin} = require('./common');

async function main() {
  const a = args();
  watchdog(a.watchdogMs || 20000);
  exitWithStdin();
  const server = new RPCServer({protocols: ['ocpp2.0.1'], strictMode: true});
  server.auth((accept, reject, handshake) => {
    if (a.mtls) {
      const cert = handshake.request.socket.getPeerCertificate();
      if (!cert || !cert.subject || cert.subject.CN !== handshake.identity) return reject(401);
      return accept();
    }
    const pw = handshake.password ? handshake.password.toString('utf8') : '';
    if (pw !== a.password) return reject(401);
    accept();
  });
  server.on('client', async (client) => {
    out({event: 'client', identity: client.identity, protocol: client.protocol});
    client.handle('BootNotification', ({params}) => {
      out({event: 'handled', method: 'BootNotification', params});
      return {currentTime: new Date().toISOString(), interval: 300, status: 'Pending'};
    });
    client.handle('Heartbeat', () => ({currentTime: new Date().toISOString()}));
    client.on('message', ({message, outbound}) => {
      if (!outbound) out({event: 'in', message: String(message)});
    });
    client.on('close', ({code}) => out({event: 'closed', code}));
    try {
      // Let the station's own calls go first; then call it.
      await new Promise((r) => setTimeout(r, a.delayMs || 50));
      const reset = await client.call('Reset', {type: 'Immediate'});
      out({event: 'result', method: 'Reset', result: reset});
      client.sendRaw(JSON.stringify([2, 'bad-reset', 'Reset', {type: 'Sometime'}]));
      client.sendRaw('[2, "truncated"');
      out({event: 'calls_done'});
    } catch (err) {
      out({event: 'error', error: String(err && err.message)});
    }
  });
  let listener;
  if (a.tls) {
    listener = https.createServer({
      cert: readIf(a.cert), key: readIf(a.key), ca: readIf(a.ca),
      requestCert: !!a.mtls, rejectUnauthorized: !!a.mtls,
    });
    listener.on('upgrade', server.handleUpgrade);
    await new Promise((r) => listener.listen(0, '127.0.0.1', r));
  } else {
    listener = await server.listen(0, '127.0.0.1');
  }
  out({event: 'listening', port: listener.address().port});
}

main().catch((err) => {
  out({event: 'error', error: String(err && err.stack || err)});
  process.exit(1);
});
