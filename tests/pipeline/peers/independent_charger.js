// An independent OCPP 2.0.1 charging station for the provisioning journey
// (../shared/DESIGN.md, docs/pipeline.md), written against the npm ocpp-rpc
// library in strict mode (every message checked against its own copy of the
// official schemas), so the station is proven against an implementation
// other than evprov-sim. Its key and CSR are made with the `openssl` CLI.
//
// It connects to the factory endpoint as its hardware ID (bootstrap secret
// as the Basic password, or an IDevID certificate), answers the station's
// calls, keeps what SetVariables, InstallCertificate, CertificateSigned and
// SetNetworkProfile give it, and on Reset reconnects to the endpoint of the
// first slot in NetworkConfigurationPriority with its new identity and
// password (profile 2) or certificate (profile 3), trusting the
// CSMSRootCertificates it was given. It never sees evprov code.
//
// With staleFactoryBoot it misbehaves on purpose, to stage the late-boot
// race: on Reset it keeps its factory connection open, reconnects and boots
// on the validation endpoint, then sends one more BootNotification on the
// old factory connection, and only then answers the Reset (so the station
// has both boots before its runner goes on) and closes the old connection.
//
// Argument: one JSON object {factoryEndpoint, hardwareId, bootstrapSecret?,
// idevidCert?, idevidKey?, factoryCa, vendorName, model, firmwareVersion,
// hardwareRevision, layout: [{id, connectors: [{id, type}]}],
// serialVariable: {component, variable}, workDir, watchdogMs?,
// staleFactoryBoot?}.
// Output: JSON lines {event: ...}; secrets are never printed.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const {execFileSync} = require('child_process');
const {RPCClient} = require('ocpp-rpc');
const {args, out, readIf, watchdog, exitWithStdin} = require('../../ocpp/peers/common');

const a = args();
watchdog(a.watchdogMs || 120000);
exitWithStdin();

// --- the charger's state ------------------------------------------------------
const state = {
  identity: a.hardwareId,
  serial: '',
  password: undefined,           // SecurityCtrlr.BasicAuthPassword
  organization: '',              // SecurityCtrlr.OrganizationName
  variables: new Map(),          // "Component[evse.conn].Variable" -> value
  roots: [],                     // {type, pem}
  chainPem: undefined,           // CertificateSigned (ChargingStationCertificate)
  keyFile: undefined,            // the key of the pending/installed certificate
  profiles: new Map(),           // slot -> connectionData
  priority: ['1'],
  transactions: 0,
};

function key(component, variable) {
  let k = component.name;
  if (component.instance) k += '(' + component.instance + ')';
  if (component.evse) {
    k += '[' + component.evse.id;
    if (component.evse.connectorId) k += '.' + component.evse.connectorId;
    k += ']';
  }
  k += '.' + variable.name;
  if (variable.instance) k += '(' + variable.instance + ')';
  return k;
}

// --- certificates: hash data as OCPP 2.0.1 defines it (SHA256) --------------------
// A minimal DER reader: enough to find the issuer Name and the public key.
function tlv(buf, pos) {
  const tag = buf[pos];
  let len = buf[pos + 1];
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + 2 + i];
    hdr = 2 + n;
  }
  return {tag, start: pos, body: pos + hdr, end: pos + hdr + len};
}

function children(buf, node) {
  const out = [];
  for (let p = node.body; p < node.end;) {
    const c = tlv(buf, p);
    out.push(c);
    p = c.end;
  }
  return out;
}

function hashData(pem) {
  const cert = new crypto.X509Certificate(pem);
  const der = cert.raw;
  const tbs = children(der, tlv(der, 0))[0];
  let fields = children(der, tbs);
  if (fields[0].tag === 0xa0) fields = fields.slice(1);  // [0] version
  // serial, signature, issuer, validity, subject, subjectPublicKeyInfo
  const issuer = der.subarray(fields[2].start, fields[2].end);
  const spki = children(der, fields[5]);
  const bits = der.subarray(spki[1].body + 1, spki[1].end);  // BIT STRING minus unused-bits octet
  const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
  // Only self-signed roots are installed here, so the issuer's key is the cert's own.
  let serial = cert.serialNumber.toLowerCase().replace(/^0+/, '');
  if (serial === '') serial = '0';
  return {
    hashAlgorithm: 'SHA256',
    issuerNameHash: sha(issuer),
    issuerKeyHash: sha(bits),
    serialNumber: serial,
  };
}

function sameHash(x, y) {
  return x.hashAlgorithm === y.hashAlgorithm && x.issuerNameHash === y.issuerNameHash &&
      x.issuerKeyHash === y.issuerKeyHash && x.serialNumber === y.serialNumber;
}

// A fresh P-256 key and a CSR with CN = serial, O = OrganizationName (openssl CLI).
let csrCount = 0;
function makeCsr() {
  csrCount += 1;
  const keyFile = path.join(a.workDir, `cs-key-${csrCount}.pem`);
  const csrFile = path.join(a.workDir, `cs-${csrCount}.csr`);
  const esc = (s) => s.replace(/([\\/+,=])/g, '\\$1');
  execFileSync('openssl', [
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', csrFile, '-subj',
    `/CN=${esc(state.serial)}/O=${esc(state.organization)}`,
  ], {stdio: ['ignore', 'ignore', 'pipe']});
  fs.chmodSync(keyFile, 0o600);
  return {keyFile, csr: fs.readFileSync(csrFile, 'utf8')};
}

// --- the device model it reports -------------------------------------------------
function attr(value, mutability = 'ReadOnly') {
  return [{type: 'Actual', value: String(value), mutability}];
}

function reportData() {
  const data = [
    {component: {name: 'Controller'}, variable: {name: 'HardwareRevision'},
     variableAttribute: attr(a.hardwareRevision)},
    {component: {name: 'SecurityCtrlr'}, variable: {name: 'Identity'},
     variableAttribute: attr(state.identity, 'ReadWrite')},
    {component: {name: 'SecurityCtrlr'}, variable: {name: 'OrganizationName'},
     variableAttribute: attr(state.organization, 'ReadWrite')},
    {component: {name: 'OCPPCommCtrlr'}, variable: {name: 'NetworkConfigurationPriority'},
     variableAttribute: attr(state.priority.join(','), 'ReadWrite')},
  ];
  for (const evse of a.layout) {
    data.push({component: {name: 'EVSE', evse: {id: evse.id}}, variable: {name: 'Available'},
               variableAttribute: attr('true')});
    for (const c of evse.connectors) {
      data.push({component: {name: 'Connector', evse: {id: evse.id, connectorId: c.id}},
                 variable: {name: 'ConnectorType'}, variableAttribute: attr(c.type)});
    }
  }
  // What the station wrote, except write-only values.
  for (const [k, v] of state.variables) {
    if (k === 'SecurityCtrlr.BasicAuthPassword') continue;
    const m = /^([A-Za-z]+)\.([A-Za-z]+)$/.exec(k);
    if (!m || data.some((d) => d.component.name === m[1] && d.variable.name === m[2])) continue;
    data.push({component: {name: m[1]}, variable: {name: m[2]},
               variableAttribute: attr(v, 'ReadWrite')});
  }
  return data;
}

// --- one connection ------------------------------------------------------------
let client;
let phase = 'factory';

function later(fn) {
  setTimeout(() => fn().catch((err) => out({event: 'error', error: String(err && err.message)})), 20);
}

function handlers(c) {
  c.handle('GetBaseReport', ({params}) => {
    later(async () => {
      await c.call('NotifyReport', {
        requestId: params.requestId, generatedAt: new Date().toISOString(), seqNo: 0,
        tbc: false, reportData: reportData(),
      });
    });
    return {status: 'Accepted'};
  });
  c.handle('SetVariables', ({params}) => {
    const results = params.setVariableData.map((d) => {
      const k = key(d.component, d.variable);
      let status = 'Accepted';
      if (d.component.name === 'VendorCtrlr' && d.variable.name === 'FactoryMode') {
        status = 'UnknownComponent';  // this charger has no factory-mode switch
      } else {
        state.variables.set(k, d.attributeValue);
        if (k === 'SecurityCtrlr.BasicAuthPassword') state.password = d.attributeValue;
        if (k === 'SecurityCtrlr.Identity') state.identity = d.attributeValue;
        if (k === 'SecurityCtrlr.OrganizationName') state.organization = d.attributeValue;
        if (k === 'OCPPCommCtrlr.NetworkConfigurationPriority') {
          state.priority = d.attributeValue.split(',');
        }
        if (d.component.name === a.serialVariable.component &&
            d.variable.name === a.serialVariable.variable) {
          state.serial = d.attributeValue;
        }
      }
      out({event: 'set_variable', name: k, status});
      return {attributeType: d.attributeType || 'Actual', attributeStatus: status,
              component: d.component, variable: d.variable};
    });
    return {setVariableResult: results};
  });
  c.handle('InstallCertificate', ({params}) => {
    state.roots.push({type: params.certificateType, pem: params.certificate});
    out({event: 'installed', type: params.certificateType});
    return {status: 'Accepted'};
  });
  c.handle('GetInstalledCertificateIds', ({params}) => {
    const types = params.certificateType || [];
    const chain = state.roots.filter((r) => types.length === 0 || types.includes(r.type))
        .map((r) => ({certificateType: r.type, certificateHashData: hashData(r.pem)}));
    return chain.length ? {status: 'Accepted', certificateHashDataChain: chain}
                        : {status: 'NotFound'};
  });
  c.handle('DeleteCertificate', ({params}) => {
    const before = state.roots.length;
    state.roots = state.roots.filter((r) => !sameHash(hashData(r.pem), params.certificateHashData));
    out({event: 'deleted', count: before - state.roots.length});
    return {status: before === state.roots.length ? 'NotFound' : 'Accepted'};
  });
  c.handle('TriggerMessage', ({params}) => {
    if (params.requestedMessage !== 'SignChargingStationCertificate') {
      return {status: 'NotImplemented'};
    }
    later(async () => {
      const {keyFile, csr} = makeCsr();
      state.keyFile = keyFile;
      out({event: 'csr', cn: state.serial, o: state.organization});
      const r = await c.call('SignCertificate',
                             {csr, certificateType: 'ChargingStationCertificate'});
      out({event: 'sign_certificate', status: r.status});
    });
    return {status: 'Accepted'};
  });
  c.handle('CertificateSigned', ({params}) => {
    state.chainPem = params.certificateChain;
    const leaf = new crypto.X509Certificate(params.certificateChain);
    out({event: 'certificate_signed', subject: leaf.subject});
    return {status: 'Accepted'};
  });
  c.handle('SetNetworkProfile', ({params}) => {
    state.profiles.set(String(params.configurationSlot), params.connectionData);
    out({event: 'network_profile', slot: params.configurationSlot,
         url: params.connectionData.ocppCsmsUrl,
         profile: params.connectionData.securityProfile});
    return {status: 'Accepted'};
  });
  c.handle('Reset', async () => {
    if (a.staleFactoryBoot && phase === 'factory') {
      out({event: 'resetting'});
      const booted = await connectTo(state.priority[0]);
      // The factory boot again, as it went out at power-up: before the
      // station wrote the serial, so without serialNumber.
      const late = await c.call('BootNotification', {
        reason: 'PowerUp',
        chargingStation: {model: a.model, vendorName: a.vendorName,
                          firmwareVersion: a.firmwareVersion},
      });
      out({event: 'stale_boot', status: late.status});
      later(async () => {
        await c.close({code: 1000, reason: 'stale session'});
        if (booted) await sendStatuses();
      });
      return {status: 'Accepted'};
    }
    later(async () => {
      out({event: 'resetting'});
      await c.close({code: 1000, reason: 'reset'});
      if (await connectTo(state.priority[0])) await sendStatuses();
    });
    return {status: 'Accepted'};
  });
  c.handle('RequestStartTransaction', ({params}) => {
    state.transactions += 1;
    const transactionId = `IND-TX-${state.transactions}`;
    later(async () => {
      await c.call('TransactionEvent', {
        eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'RemoteStart',
        seqNo: 0,
        transactionInfo: {transactionId, remoteStartId: params.remoteStartId},
        evse: {id: params.evseId || 1, connectorId: 1}, idToken: params.idToken,
      });
    });
    return {status: 'Accepted', transactionId};
  });
  c.handle('RequestStopTransaction', ({params}) => {
    later(async () => {
      await c.call('TransactionEvent', {
        eventType: 'Ended', timestamp: new Date().toISOString(), triggerReason: 'RemoteStop',
        seqNo: 1,
        transactionInfo: {transactionId: params.transactionId, stoppedReason: 'Remote'},
      });
      out({event: 'transaction_done', transactionId: params.transactionId});
    });
    return {status: 'Accepted'};
  });
}

async function boot(c, reason) {
  const chargingStation = {model: a.model, vendorName: a.vendorName,
                           firmwareVersion: a.firmwareVersion};
  if (state.serial) chargingStation.serialNumber = state.serial;
  const r = await c.call('BootNotification', {reason, chargingStation});
  out({event: 'boot', phase, status: r.status});
  return r;
}

async function open(options) {
  const c = new RPCClient({
    endpoint: options.endpoint.replace(/\/+$/, ''),
    identity: options.identity,
    password: options.password,
    protocols: ['ocpp2.0.1'],
    strictMode: true,
    reconnect: false,
    wsOpts: {ca: options.ca, cert: options.cert, key: options.key},
  });
  handlers(c);
  const opened = phase;  // which connection closed, even after a later one opened
  c.on('close', ({code}) => out({event: 'closed', phase: opened, code}));
  try {
    await c.connect();
  } catch (err) {
    out({event: 'connect_failed', phase, error: String(err && err.message)});
    throw err;
  }
  out({event: 'connected', phase, identity: options.identity});
  return c;
}

// Reconnects with the new identity to the endpoint of `slot` and boots;
// true when the boot was Accepted.
async function connectTo(slot) {
  const profile = state.profiles.get(String(slot));
  if (!profile) throw new Error(`no network profile in slot ${slot}`);
  phase = 'validation';
  const ca = state.roots.filter((r) => r.type === 'CSMSRootCertificate').map((r) => r.pem).join('');
  const options = {endpoint: profile.ocppCsmsUrl, identity: state.identity, ca};
  if (profile.securityProfile === 3) {
    options.cert = state.chainPem;
    options.key = fs.readFileSync(state.keyFile);
  } else {
    options.password = state.password;
  }
  client = await open(options);
  const r = await boot(client, 'RemoteReset');
  return r.status === 'Accepted';
}

async function sendStatuses() {
  for (const evse of a.layout) {
    for (const conn of evse.connectors) {
      await client.call('StatusNotification', {
        timestamp: new Date().toISOString(), connectorStatus: 'Available',
        evseId: evse.id, connectorId: conn.id,
      });
    }
  }
  out({event: 'status_sent'});
}

async function main() {
  const options = {endpoint: a.factoryEndpoint, identity: a.hardwareId, ca: readIf(a.factoryCa)};
  if (a.idevidCert) {
    options.cert = readIf(a.idevidCert);
    options.key = readIf(a.idevidKey);
  } else {
    options.password = a.bootstrapSecret;
  }
  try {
    client = await open(options);
  } catch (err) {
    process.exit(2);
  }
  await boot(client, 'PowerUp');
}

main().catch((err) => {
  out({event: 'error', error: String(err && err.stack || err)});
  process.exit(1);
});
