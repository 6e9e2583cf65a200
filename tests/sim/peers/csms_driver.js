// A strict OCPP 2.0.1 CSMS (ocpp-rpc, strictMode) that drives ONE simulated
// charger through the factory journey and reports each step as a JSON line:
//   factory endpoint (wss, Basic auth with the bootstrap secret):
//     BootNotification Pending, then Accepted; GetBaseReport -> NotifyReport;
//     SetVariables (serial, organisation, identity, password); InstallCertificate
//     (CSMS root); TriggerMessage(SignChargingStationCertificate) -> SignCertificate,
//     the CSR signed with the test CA by the `openssl` CLI -> CertificateSigned;
//     SetNetworkProfile(slot 2 = the operator endpoint, profile 2); SetVariables
//     (priority "2,1", FactoryMode false); Reset.
//   operator endpoint (wss, profile 2, the new identity and password), same process:
//     BootNotification Accepted; RequestStartTransaction -> TransactionEvent
//     Started; RequestStopTransaction -> TransactionEvent Ended; then "done".
// Every schema failure (either direction) is reported as "validation_error".
'use strict';
const https = require('https');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {execFileSync} = require('child_process');
const {RPCServer} = require('ocpp-rpc');
const {args, out, readIf, watchdog, exitWithStdin} = require('./../../ocpp/peers/common');

const a = args();
watchdog(a.watchdogMs || 60000);
exitWithStdin();

function waiter() {
  // Resolves the next promise for a named event (in order of arrival).
  const queues = new Map();
  const waiting = new Map();
  return {
    push(name, value) {
      const w = waiting.get(name);
      if (w && w.length) return w.shift()(value);
      if (!queues.has(name)) queues.set(name, []);
      queues.get(name).push(value);
    },
    next(name, ms = 20000) {
      const q = queues.get(name);
      if (q && q.length) return Promise.resolve(q.shift());
      return new Promise((resolve, reject) => {
        if (!waiting.has(name)) waiting.set(name, []);
        waiting.get(name).push(resolve);
        setTimeout(() => reject(new Error('timeout waiting for ' + name)), ms).unref();
      });
    },
  };
}
const events = waiter();

function watch(client, where) {
  client.on('strictValidationFailure', (e) => {
    out({event: 'validation_error', where, method: e.method, outbound: e.outbound,
         error: String(e.error && e.error.message)});
  });
  client.on('close', ({code}) => out({event: 'closed', where, code}));
}

function handleStation(client, where, bootStatuses) {
  let boots = 0;
  client.handle('BootNotification', ({params}) => {
    const status = bootStatuses[Math.min(boots, bootStatuses.length - 1)];
    boots++;
    out({event: 'boot', where, reason: params.reason, status,
         serial: params.chargingStation.serialNumber || null});
    events.push(where + ':boot:' + status, params);
    return {currentTime: new Date().toISOString(), interval: status === 'Accepted' ? 300 : 1,
            status};
  });
  client.handle('Heartbeat', () => ({currentTime: new Date().toISOString()}));
  client.handle('StatusNotification', ({params}) => {
    events.push(where + ':status', params);
    return {};
  });
  client.handle('NotifyReport', ({params}) => {
    events.push('report', params);
    return {};
  });
  client.handle('SecurityEventNotification', () => ({}));
  client.handle('SignCertificate', ({params}) => {
    events.push('csr', params);
    return {status: 'Accepted'};
  });
  client.handle('TransactionEvent', ({params}) => {
    events.push('tx:' + params.eventType, params);
    return {};
  });
}

function signCsr(csrPem) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evprov-csr-'));
  try {
    fs.writeFileSync(path.join(dir, 'req.pem'), csrPem);
    execFileSync('openssl', ['x509', '-req', '-in', path.join(dir, 'req.pem'), '-CA', a.caCert,
      '-CAkey', a.caKey, '-days', '30', '-sha256', '-set_serial', '4242',
      '-out', path.join(dir, 'cert.pem')], {stdio: ['ignore', 'ignore', 'pipe']});
    return fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
}

async function expectStatus(client, method, params, status = 'Accepted') {
  const r = await client.call(method, params);
  out({event: 'result', method, status: r.status || null});
  if (r.status !== undefined && r.status !== status) {
    throw new Error(method + ': expected ' + status + ', got ' + JSON.stringify(r));
  }
  return r;
}

function setVariables(items) {
  return {setVariableData: items.map(([component, variable, value]) => ({
    component: {name: component}, variable: {name: variable}, attributeValue: value}))};
}

async function factoryJourney(client) {
  await events.next('factory:boot:Accepted');
  await events.next('factory:status');  // connectors reported after Accepted

  await expectStatus(client, 'GetBaseReport', {requestId: 7, reportBase: 'FullInventory'});
  let parts = 0;
  for (;;) {
    const part = await events.next('report');
    parts++;
    if (!part.tbc) break;
  }
  out({event: 'step', step: 'report', parts});

  const set = await client.call('SetVariables', setVariables([
    ['VendorCtrlr', 'SerialNumber', a.serial],
    ['SecurityCtrlr', 'OrganizationName', 'Evprov Acceptance'],
    ['SecurityCtrlr', 'Identity', a.newIdentity],
    ['SecurityCtrlr', 'BasicAuthPassword', a.newPassword],
  ]));
  const statuses = set.setVariableResult.map((r) => r.attributeStatus);
  out({event: 'step', step: 'set_variables', statuses});
  if (statuses.some((s) => s !== 'Accepted')) throw new Error('SetVariables: ' + statuses);

  await expectStatus(client, 'InstallCertificate',
      {certificateType: 'CSMSRootCertificate', certificate: fs.readFileSync(a.caCert, 'utf8')});
  await expectStatus(client, 'TriggerMessage', {requestedMessage: 'SignChargingStationCertificate'});
  const csr = await events.next('csr');
  const chain = signCsr(csr.csr);
  await expectStatus(client, 'CertificateSigned',
      {certificateChain: chain, certificateType: 'ChargingStationCertificate'});
  out({event: 'step', step: 'certificate'});

  await expectStatus(client, 'SetNetworkProfile', {configurationSlot: 2, connectionData: {
    ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: a.operatorUrl,
    messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0'}});
  const fin = await client.call('SetVariables', setVariables([
    ['OCPPCommCtrlr', 'NetworkConfigurationPriority', '2,1'],
    ['VendorCtrlr', 'FactoryMode', 'false'],
  ]));
  const finStatuses = fin.setVariableResult.map((r) => r.attributeStatus);
  out({event: 'step', step: 'switch', statuses: finStatuses});
  if (finStatuses.some((s) => s !== 'Accepted')) throw new Error('SetVariables: ' + finStatuses);
  await expectStatus(client, 'Reset', {type: 'Immediate'});
}

async function operatorJourney(client) {
  const boot = await events.next('operator:boot:Accepted');
  await events.next('operator:status');
  out({event: 'step', step: 'operator_boot', reason: boot.reason});
  const start = await expectStatus(client, 'RequestStartTransaction',
      {idToken: {idToken: 'ACCEPTANCE-1', type: 'Central'}, remoteStartId: 11, evseId: 1});
  const started = await events.next('tx:Started');
  const txId = started.transactionInfo.transactionId;
  out({event: 'step', step: 'started', transactionId: txId,
       reported: start.transactionId || null});
  await expectStatus(client, 'RequestStopTransaction', {transactionId: txId});
  const ended = await events.next('tx:Ended');
  out({event: 'step', step: 'ended', transactionId: ended.transactionInfo.transactionId,
       stoppedReason: ended.transactionInfo.stoppedReason || null});
}

async function listen(server) {
  const listener = https.createServer({cert: readIf(a.cert), key: readIf(a.key)});
  listener.on('upgrade', server.handleUpgrade);
  await new Promise((r) => listener.listen(0, '127.0.0.1', r));
  return listener.address().port;
}

async function main() {
  const factory = new RPCServer({protocols: ['ocpp2.0.1'], strictMode: true});
  factory.auth((accept, reject, handshake) => {
    const pw = handshake.password ? handshake.password.toString('utf8') : '';
    if (handshake.identity !== a.hardwareId || pw !== a.bootstrapSecret) return reject(401);
    accept();
  });
  const operator = new RPCServer({protocols: ['ocpp2.0.1'], strictMode: true});
  operator.auth((accept, reject, handshake) => {
    const pw = handshake.password ? handshake.password.toString('utf8') : '';
    if (handshake.identity !== a.newIdentity || pw !== a.newPassword) return reject(401);
    accept();
  });
  factory.on('client', (client) => {
    out({event: 'client', where: 'factory', identity: client.identity});
    watch(client, 'factory');
    handleStation(client, 'factory', ['Pending', 'Accepted']);
    factoryJourney(client).catch((err) => out({event: 'error', where: 'factory',
                                               error: String(err && err.message)}));
  });
  operator.on('client', (client) => {
    out({event: 'client', where: 'operator', identity: client.identity});
    watch(client, 'operator');
    handleStation(client, 'operator', ['Accepted']);
    operatorJourney(client)
        .then(() => out({event: 'done'}))
        .catch((err) => out({event: 'error', where: 'operator',
                             error: String(err && err.message)}));
  });
  const factoryPort = await listen(factory);
  const operatorPort = await listen(operator);
  a.operatorUrl = 'wss://127.0.0.1:' + operatorPort + '/operator';
  out({event: 'listening', factoryPort, operatorPort});
}

main().catch((err) => {
  out({event: 'error', error: String(err && err.stack || err)});
  process.exit(1);
});
